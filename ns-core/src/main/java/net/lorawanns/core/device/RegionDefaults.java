package net.lorawanns.core.device;

import java.util.Objects;

/**
 * What the network gives devices of one region whose profile says nothing else, or that have no profile: the
 * configured receive windows (or the region's own), the region's data-rate range for ADR and its default EIRP.
 *
 * @param adrMinDr the lowest uplink data rate ADR may set
 * @param adrMaxDr the highest uplink data rate ADR may set
 * @param maxEirpDbm the region's default maximum EIRP, in dBm
 */
public record RegionDefaults(String regionId, int rx1Delay, int rx1DrOffset,
                             int rx2DataRate, long rx2Frequency, int adrMinDr, int adrMaxDr, double maxEirpDbm) {
    public RegionDefaults {
        Objects.requireNonNull(regionId, "regionId");
    }
}
