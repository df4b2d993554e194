package net.lorawanns.core.gateway;

/** The outcome of a downlink, from the gateway's TX_ACK where it sends one. */
public enum TxStatus {
    /** Accepted for transmission (possibly with a warning in the detail). */
    SENT(true),
    /** Sent to a gateway whose protocol has no acknowledgement; assume it went out. */
    UNCONFIRMED(true),
    TOO_LATE(false),
    TOO_EARLY(false),
    COLLISION_PACKET(false),
    COLLISION_BEACON(false),
    TX_FREQ(false),
    TX_POWER(false),
    GPS_UNLOCKED(false),
    /** The gateway rejected it with an error this server does not know. */
    REJECTED(false),
    /** No acknowledgement arrived in time: it may or may not have been sent. */
    NO_ACK(false),
    /** The gateway is not connected (no recent PULL_DATA), so nothing was sent. */
    GATEWAY_UNAVAILABLE(false),
    /** Not sent: it would take the gateway over its duty-cycle limit in the sub-band (the server's decision). */
    DUTY_CYCLE(false);

    private final boolean sent;

    TxStatus(boolean sent) {
        this.sent = sent;
    }

    /** True when the frame can be taken as transmitted. */
    public boolean sent() {
        return sent;
    }
}
