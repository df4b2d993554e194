package net.lorawanns.config;

/**
 * A registered gateway, {@code [[gateway.gateways]]}.
 *
 * @param region the region the gateway serves, one of {@code network.enabled_regions}; null for the default region
 */
public record GatewayEntry(String gatewayId, String region) {
    public GatewayEntry {
        gatewayId = Check.hex("gateway_id", Check.or(gatewayId, ""), 8);
        if (region != null) {
            region = RegionId.parse("region", region).id();
        }
    }
}
