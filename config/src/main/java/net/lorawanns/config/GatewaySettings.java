package net.lorawanns.config;

/** {@code [gateway]}: gateway backends. */
public record GatewaySettings(UdpGatewaySettings udp) {
    public static final GatewaySettings DEFAULTS = new GatewaySettings(null);

    public GatewaySettings {
        udp = Check.or(udp, UdpGatewaySettings.DEFAULTS);
    }
}
