package net.lorawanns.config;

import java.time.Duration;

/**
 * {@code [gateway.udp]}: the Semtech UDP packet-forwarder listener.
 *
 * @param bind address and port to listen on
 * @param unknownGateways accept (any gateway EUI) or reject (only gateways listed in {@code [[gateway.gateways]]})
 * @param pinSourceAddress drop datagrams of a gateway that come from another IP address than its first
 * @param rateLimit received frames (rxpk) per second per gateway before dropping; a datagram without rxpk
 *        (PULL_DATA, a status report, TX_ACK) counts as one; 0 = no limit
 * @param maxUnknownGateways unregistered gateways the bridge keeps state for (under {@code accept}); registered
 *        gateways never count against it
 * @param offlineTimeout a gateway that has not sent PULL_DATA for this long is offline
 * @param txAckTimeout how long to wait for a gateway's TX_ACK before reporting the downlink as unacknowledged
 * @param forwardCrcBad pass frames whose PHY CRC failed (stat -1) to the network server instead of dropping them
 * @param forwardCrcMissing pass frames without a PHY CRC (stat 0) instead of dropping them
 * @param defaultRoundTrip the backhaul round trip (PULL_RESP sent to TX_ACK received) assumed for a gateway until
 *        its first TX_ACK is measured
 */
public record UdpGatewaySettings(String bind, String unknownGateways, Boolean pinSourceAddress, Integer rateLimit,
                                 Integer maxUnknownGateways, Duration offlineTimeout, Duration txAckTimeout, Boolean forwardCrcBad,
                                 Boolean forwardCrcMissing, Duration defaultRoundTrip) {
    /** What to do with datagrams from gateways nobody registered. */
    public enum UnknownGatewayPolicy { ACCEPT, REJECT }

    public static final UdpGatewaySettings DEFAULTS = new UdpGatewaySettings(null, null, null, null, null, null,
            null, null, null, null);

    public UdpGatewaySettings {
        bind = Check.hostPort("bind", Check.or(bind, "0.0.0.0:1700"));
        unknownGateways = Check.oneOf("unknown_gateways", Check.or(unknownGateways, "accept"),
                UnknownGatewayPolicy.class).name().toLowerCase(java.util.Locale.ROOT);
        pinSourceAddress = Check.or(pinSourceAddress, false);
        rateLimit = Check.range("rate_limit", Check.or(rateLimit, 100), 0, 1_000_000);
        maxUnknownGateways = Check.range("max_unknown_gateways", Check.or(maxUnknownGateways, 100_000), 1,
                10_000_000);
        offlineTimeout = Check.positive("offline_timeout", Check.or(offlineTimeout, Duration.ofMinutes(1)));
        txAckTimeout = Check.positive("tx_ack_timeout", Check.or(txAckTimeout, Duration.ofSeconds(1)));
        forwardCrcBad = Check.or(forwardCrcBad, false);
        forwardCrcMissing = Check.or(forwardCrcMissing, false);
        defaultRoundTrip = Check.positive("default_round_trip", Check.or(defaultRoundTrip, Duration.ofMillis(100)));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public UnknownGatewayPolicy unknownGatewayPolicy() {
        return UnknownGatewayPolicy.valueOf(unknownGateways.toUpperCase(java.util.Locale.ROOT));
    }
}
