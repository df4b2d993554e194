package net.lorawanns.core.pipeline;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.config.NetworkSettings;
import net.lorawanns.config.RegionSettings;
import net.lorawanns.core.device.NetworkDefaults;
import net.lorawanns.core.device.RegionDefaults;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.downlink.WindowOrder;
import net.lorawanns.core.join.DevAddrAllocator;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.DevAddrPrefix;
import net.lorawanns.core.types.NetId;

/**
 * The {@code [network]} settings resolved against the enabled regions' tables and {@code [[regions]]} entries: what
 * joins hand out and where downlinks go.
 *
 * @param regions every enabled region as this network runs it, by id, in {@code enabled_regions} order
 * @param region the default region: of gateways and devices that name none
 * @param windowOrder which receive window Class A downlinks try first
 * @param gatewayDutyCycle whether gateways are held to their region's duty-cycle limits
 * @param sessionCacheEntries the DevAddrs the session cache holds: {@code session_cache_memory} of this JVM's maximum
 *                            heap, at most {@code session_cache_size} when that is set
 * @param maxQueueDelay how far behind an instance may fall before it refuses new frames ({@code max_queue_delay})
 */
public record NetworkPlan(NetId netId, Map<String, Region> regions, Region region, DevAddrAllocator devAddrs,
                          Duration deduplicationWindow, int rx1DelaySeconds, int rx1DrOffset,
                          WindowOrder windowOrder, boolean gatewayDutyCycle, long sessionCacheEntries,
                          int maxFramesInFlight, Duration maxQueueDelay) {

    public NetworkPlan {
        regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    }

    /**
     * @throws IllegalArgumentException naming the key when a value does not fit a region
     */
    public static NetworkPlan of(NetworkSettings settings, List<RegionSettings> entries) {
        Map<String, Region> regions = RegionPlans.configured(settings, entries);
        NetId netId = NetId.parse(settings.netId());
        List<DevAddrPrefix> prefixes = settings.devAddrPrefixes().isEmpty() ? List.of(netId.devAddrPrefix())
                : settings.devAddrPrefixes().stream().map(DevAddrPrefix::parse).toList();
        for (Region region : regions.values()) {
            if (settings.rx1DrOffset() > region.maxRx1DrOffset()) {
                throw new IllegalArgumentException("network.rx1_dr_offset: " + region + " allows 0-"
                        + region.maxRx1DrOffset() + ", got " + settings.rx1DrOffset());
            }
        }
        WindowOrder order = new WindowOrder(settings.rxWindowRule(), settings.rx2BelowRx1Dr());
        long maxHeap = Runtime.getRuntime().maxMemory();
        long cacheBytes = settings.sessionCacheMemoryBudget().bytes(maxHeap);
        // Beyond most of the heap the cache would fill it: an OutOfMemoryError under load, not a start-up error.
        if (cacheBytes > maxHeap / 10 * 9) {
            throw new IllegalArgumentException("network.session_cache_memory: " + settings.sessionCacheMemory()
                    + " is over 90 % of this JVM's maximum heap (" + (maxHeap >> 20) + " MiB); give the JVM more "
                    + "(-Xmx) or the cache less");
        }
        return new NetworkPlan(netId, regions, regions.get(settings.region()), new DevAddrAllocator(prefixes),
                settings.deduplicationDelay(), settings.rx1Delay(), settings.rx1DrOffset(), order,
                settings.gatewayDutyCycle(), SessionCache.entriesFor(cacheBytes, settings.sessionCacheSize()),
                settings.maxFramesInFlight(), settings.maxQueueDelay());
    }

    /**
     * What devices of each region get where their profile says nothing (or that have none): this network's receive
     * windows and RX2, ADR over the region's LoRa 125 kHz uplink data rates, the region's default EIRP.
     */
    public NetworkDefaults defaults() {
        Map<String, RegionDefaults> byRegion = new LinkedHashMap<>();
        regions.forEach((id, r) -> byRegion.put(id, new RegionDefaults(id, rx1DelaySeconds, rx1DrOffset,
                r.networkRx2DataRate(), r.networkRx2Frequency(), 0, highestAdrDataRate(r), r.defaultMaxEirpDbm())));
        return new NetworkDefaults(region.id(), byRegion);
    }

    /** ADR moves devices among the LoRa 125 kHz uplink data rates (RP002: up to DR5 in EU868, DR3 in US915). */
    private static int highestAdrDataRate(Region region) {
        int highest = 0;
        for (int dr = 0; dr < 16; dr++) {
            DataRate rate;
            try {
                rate = region.dataRate(dr);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (rate instanceof DataRate.LoRa lora && lora.bandwidthHz() == 125_000
                    && region.uplinkDataRateIndex(rate).isPresent()) {
                highest = dr;
            }
        }
        return highest;
    }

    /** An enabled region by id, if it is one. */
    public Optional<Region> region(String id) {
        return Optional.ofNullable(regions.get(id));
    }
}
