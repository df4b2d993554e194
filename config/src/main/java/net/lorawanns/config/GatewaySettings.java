package net.lorawanns.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code [gateway]}: gateway backends and registered gateways.
 *
 * @param udp the Semtech UDP packet-forwarder listener
 * @param gateways gateways known to the operator; with {@code unknown_gateways = "reject"}, the only ones served
 */
public record GatewaySettings(UdpGatewaySettings udp, List<GatewayEntry> gateways) {
    public static final GatewaySettings DEFAULTS = new GatewaySettings(null, null);

    public GatewaySettings {
        udp = Check.or(udp, UdpGatewaySettings.DEFAULTS);
        gateways = Check.list(gateways);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < gateways.size(); i++) {
            if (!seen.add(gateways.get(i).gatewayId())) {
                throw new InvalidSettingException("gateways[" + i + "].gateway_id",
                        "gateway " + gateways.get(i).gatewayId() + " is listed twice");
            }
        }
    }
}
