package net.lorawanns.core.pipeline;

import java.time.Duration;
import java.util.List;
import net.lorawanns.config.NetworkSettings;
import net.lorawanns.config.RegionSettings;
import net.lorawanns.core.downlink.DownlinkScheduler.WindowPolicy;
import net.lorawanns.core.join.DevAddrAllocator;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.DevAddrPrefix;
import net.lorawanns.core.types.NetId;

/**
 * The {@code [network]} settings resolved against the default region's tables and {@code [[regions]]} entry: what
 * joins hand out and where downlinks go.
 *
 * @param rx2DataRate the RX2 data rate told to joining devices
 * @param rx2Frequency the RX2 frequency of data downlinks
 */
public record NetworkPlan(NetId netId, Region region, DevAddrAllocator devAddrs, Duration deduplicationWindow,
                          int rx1DelaySeconds, int rx1DrOffset, int rx2DataRate, long rx2Frequency,
                          WindowPolicy windowPolicy, int sessionCacheSize, int maxFramesInFlight) {

    /**
     * @throws IllegalArgumentException naming the key when a value does not fit the region
     */
    public static NetworkPlan of(NetworkSettings settings, List<RegionSettings> regions) {
        Region region = RegionPlans.configured(settings, regions).get(settings.region());
        NetId netId = NetId.parse(settings.netId());
        List<DevAddrPrefix> prefixes = settings.devAddrPrefixes().isEmpty() ? List.of(netId.devAddrPrefix())
                : settings.devAddrPrefixes().stream().map(DevAddrPrefix::parse).toList();
        if (settings.rx1DrOffset() > region.maxRx1DrOffset()) {
            throw new IllegalArgumentException("network.rx1_dr_offset: " + region + " allows 0-"
                    + region.maxRx1DrOffset() + ", got " + settings.rx1DrOffset());
        }
        WindowPolicy policy = WindowPolicy.values()[settings.rxWindow()];
        return new NetworkPlan(netId, region, new DevAddrAllocator(prefixes), settings.deduplicationDelay(),
                settings.rx1Delay(), settings.rx1DrOffset(), region.networkRx2DataRate(), region.networkRx2Frequency(),
                policy, settings.sessionCacheSize(), settings.maxFramesInFlight());
    }
}
