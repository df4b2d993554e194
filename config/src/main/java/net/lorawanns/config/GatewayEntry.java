package net.lorawanns.config;

/** A registered gateway, {@code [[gateway.gateways]]}. */
public record GatewayEntry(String gatewayId) {
    public GatewayEntry {
        gatewayId = Check.hex("gateway_id", Check.or(gatewayId, ""), 8);
    }
}
