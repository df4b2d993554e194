package net.lorawanns.config;

import java.time.Duration;

/**
 * {@code [gateway.udp]}: the Semtech UDP packet-forwarder listener.
 *
 * @param bind address and port to listen on
 * @param unknownGateways accept (any gateway EUI) or reject (only registered gateways)
 * @param pinSourceAddress drop datagrams of a gateway that come from another address than its first
 * @param rateLimit datagrams per second per gateway before dropping; 0 = no limit
 * @param offlineTimeout a gateway that has not sent PULL_DATA for this long is offline
 */
public record UdpGatewaySettings(String bind, String unknownGateways, Boolean pinSourceAddress, Integer rateLimit,
                                 Duration offlineTimeout) {
    /** What to do with datagrams from gateways nobody registered. */
    public enum UnknownGatewayPolicy { ACCEPT, REJECT }

    public static final UdpGatewaySettings DEFAULTS = new UdpGatewaySettings(null, null, null, null, null);

    public UdpGatewaySettings {
        bind = Check.hostPort("bind", Check.or(bind, "0.0.0.0:1700"));
        unknownGateways = Check.oneOf("unknown_gateways", Check.or(unknownGateways, "accept"),
                UnknownGatewayPolicy.class).name().toLowerCase(java.util.Locale.ROOT);
        pinSourceAddress = Check.or(pinSourceAddress, false);
        rateLimit = Check.range("rate_limit", Check.or(rateLimit, 100), 0, 1_000_000);
        offlineTimeout = Check.positive("offline_timeout", Check.or(offlineTimeout, Duration.ofMinutes(1)));
    }
}
