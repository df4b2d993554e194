package net.lorawanns.core.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.Eui64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region each gateway serves (configuration or API), for the uplinks it hears and the downlinks it sends; a
 * gateway that names none serves the network's default region. Replaced whole when the registered gateways change;
 * read from any thread.
 */
public final class GatewayRegions {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRegions.class);

    private final NetworkPlan plan;
    private volatile Map<Eui64, Region> regions = Map.of();

    public GatewayRegions(NetworkPlan plan) {
        this.plan = plan;
    }

    /**
     * @param regionIds gateway to region id, for the gateways that name one; a region this instance does not enable
     *                  (the configuration changed after the gateway was registered) leaves the gateway on the default
     *                  region, with a warning
     */
    public void update(Map<Eui64, String> regionIds) {
        Map<Eui64, Region> resolved = new HashMap<>();
        regionIds.forEach((gateway, id) -> {
            Optional<Region> region = plan.region(id);
            if (region.isPresent()) {
                resolved.put(gateway, region.get());
            } else {
                LOG.warn("Gateway {} is registered for region '{}', which is not among enabled_regions {}: it serves "
                        + "the default region {}", gateway, id, plan.regions().keySet(), plan.region());
            }
        });
        regions = Map.copyOf(resolved);
    }

    public Region of(Eui64 gateway) {
        return regions.getOrDefault(gateway, plan.region());
    }
}
