package net.lorawanns.core.device;

import java.util.Map;
import java.util.Objects;

/**
 * The network's defaults for each region it serves, and the region of devices without a profile.
 *
 * @param region the region of devices without a profile ({@code network.region})
 * @param byRegion the defaults of each served region ({@code network.enabled_regions}), by configuration name
 */
public record NetworkDefaults(String region, Map<String, RegionDefaults> byRegion) {
    public NetworkDefaults {
        byRegion = Map.copyOf(byRegion);
        if (!byRegion.containsKey(region)) {
            throw new IllegalArgumentException("no defaults for the network's region " + region);
        }
    }

    /** The defaults of a served region; fails with an {@link IllegalArgumentException} for a region not served. */
    public RegionDefaults of(String regionId) {
        RegionDefaults defaults = byRegion.get(Objects.requireNonNull(regionId, "regionId"));
        if (defaults == null) {
            throw new IllegalArgumentException("region " + regionId + " is not served by this network (not among "
                    + "network.enabled_regions " + byRegion.keySet() + ")");
        }
        return defaults;
    }
}
