package net.lorawanns.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The whole configuration: one TOML file, every section optional, every value validated on construction. */
public record Settings(LoggingSettings logging, NetworkSettings network, List<RegionSettings> regions,
                       RedisSettings redis, GatewaySettings gateway, JoinServerSettings joinServer,
                       InternalJsSettings internalJs, ApiSettings api, MetricsSettings metrics,
                       DownlinkSettings downlink) {
    public static final Settings DEFAULTS = new Settings(null, null, null, null, null, null, null, null, null, null);

    public Settings {
        logging = Check.or(logging, LoggingSettings.DEFAULTS);
        network = Check.or(network, NetworkSettings.DEFAULTS);
        regions = Check.list(regions);
        Set<String> configured = new HashSet<>();
        for (int i = 0; i < regions.size(); i++) {
            String id = regions.get(i).id();
            if (!network.enabledRegions().contains(id)) {
                throw new InvalidSettingException("regions[" + i + "].id", "'" + id
                        + "' is not among network.enabled_regions " + network.enabledRegions());
            }
            if (!configured.add(id)) {
                throw new InvalidSettingException("regions[" + i + "].id", "'" + id + "' has an earlier entry");
            }
        }
        redis = Check.or(redis, RedisSettings.DEFAULTS);
        gateway = Check.or(gateway, GatewaySettings.DEFAULTS);
        for (int i = 0; i < gateway.gateways().size(); i++) {
            String region = gateway.gateways().get(i).region();
            if (region != null && !network.enabledRegions().contains(region)) {
                throw new InvalidSettingException("gateway.gateways[" + i + "].region", "'" + region
                        + "' is not among network.enabled_regions " + network.enabledRegions());
            }
        }
        joinServer = Check.or(joinServer, JoinServerSettings.DEFAULTS);
        internalJs = Check.or(internalJs, InternalJsSettings.DEFAULTS);
        api = Check.or(api, ApiSettings.DEFAULTS);
        metrics = Check.or(metrics, MetricsSettings.DEFAULTS);
        downlink = Check.or(downlink, DownlinkSettings.DEFAULTS);
        // Every secret (session keys, webhook headers, root keys) lives in Redis sealed under the master key, with
        // or without the internal join server. Only the embedded Redis, which forgets everything on exit, may run
        // with a key made up at start-up.
        if (internalJs.masterKey().isEmpty() && !redis.embedded()) {
            throw new InvalidSettingException("internal_js.master_key", "is required when redis.servers is set: "
                    + "every secret stored in Redis (session keys, webhook headers, root keys) is sealed under it");
        }
    }
}
