package net.lorawanns.bridge;

import java.util.Locale;

/** Why a datagram, or one rxpk in it, was not used. The lower-case name is the metric tag. */
enum DropReason {
    TOO_SHORT,
    /** Longer than the bridge reads whole ({@link GatewaySocket#MAX_DATAGRAM}). */
    TOO_LONG,
    UNKNOWN_VERSION,
    UNKNOWN_IDENTIFIER,
    /** A server-to-gateway identifier (PUSH_ACK, PULL_RESP, PULL_ACK) sent to the server. */
    WRONG_DIRECTION,
    INVALID_JSON,
    INVALID_UTF8,
    INVALID_BASE64,
    SIZE_MISMATCH,
    MISSING_FIELD,
    BAD_FIELD,
    CRC_BAD,
    CRC_MISSING,
    UNKNOWN_GATEWAY,
    ADDRESS_MISMATCH,
    RATE_LIMITED,
    TOO_MANY_GATEWAYS,
    UNMATCHED_TX_ACK,
    /**
     * PUSH_DATA that arrived after the server began to shut down. The packet forwarder does not send it again: its
     * frames reach the network only through another instance's gateways that heard them.
     */
    SHUTTING_DOWN;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
