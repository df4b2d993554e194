package net.lorawanns.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [network]}: the operator's LoRaWAN network.
 *
 * @param netId the LoRa Alliance NetID, 6 hex digits (000000 and 000001 are for private networks)
 * @param devAddrPrefixes DevAddr ranges to allocate from, e.g. {@code 26000000/7}; empty = the NetID's whole range
 * @param region the region of gateways that do not say otherwise; must be among the enabled regions
 * @param enabledRegions the regional plans this server serves
 * @param deduplicationDelay how long the first copy of a frame waits for copies from other gateways
 * @param rx1Delay seconds from the end of an uplink to RX1 (1-15), sent to devices in join-accepts
 * @param rxWindow 0 = RX1, else RX2; 1 = RX1 only; 2 = RX2 only
 * @param rx1DrOffset RX1 data-rate offset sent in join-accepts (0-7)
 * @param sessionCacheSize DevAddrs whose sessions each server instance keeps in memory, so that their uplinks need
 *                         no Redis lookup before the frame-counter step
 * @param maxFramesInFlight gateway copies each instance holds between arrival and decision, at most; beyond that
 *                          copies are dropped and counted, so that a stalled Redis cannot exhaust memory
 */
public record NetworkSettings(String netId, List<String> devAddrPrefixes, String region, List<String> enabledRegions,
                              Duration deduplicationDelay, Integer rx1Delay, Integer rxWindow, Integer rx1DrOffset,
                              Integer sessionCacheSize, Integer maxFramesInFlight) {
    public static final NetworkSettings DEFAULTS = new NetworkSettings(null, null, null, null, null, null, null, null,
            null, null);

    public NetworkSettings {
        netId = Check.hex("net_id", Check.or(netId, "000000"), 3);
        List<String> prefixes = new ArrayList<>();
        List<String> given = Check.list(devAddrPrefixes);
        for (int i = 0; i < given.size(); i++) {
            prefixes.add(Check.devAddrPrefix("dev_addr_prefixes[" + i + "]", given.get(i)));
        }
        devAddrPrefixes = List.copyOf(prefixes);
        region = RegionId.parse("region", Check.or(region, "eu868")).id();
        List<String> regions = new ArrayList<>();
        List<String> enabled = enabledRegions == null ? List.of(region) : enabledRegions;
        for (int i = 0; i < enabled.size(); i++) {
            regions.add(RegionId.parse("enabled_regions[" + i + "]", enabled.get(i)).id());
        }
        if (!regions.contains(region)) {
            throw new InvalidSettingException("region", "'" + region + "' is not among enabled_regions " + regions);
        }
        enabledRegions = List.copyOf(regions);
        deduplicationDelay = Check.positive("deduplication_delay", Check.or(deduplicationDelay, Duration.ofMillis(200)));
        rx1Delay = Check.range("rx1_delay", Check.or(rx1Delay, 1), 1, 15);
        rxWindow = Check.range("rx_window", Check.or(rxWindow, 0), 0, 2);
        rx1DrOffset = Check.range("rx1_dr_offset", Check.or(rx1DrOffset, 0), 0, 7);
        maxFramesInFlight = Check.range("max_frames_in_flight", Check.or(maxFramesInFlight, 100_000), 1, 10_000_000);
        sessionCacheSize = Check.range("session_cache_size", Check.or(sessionCacheSize, 200_000), 1, 100_000_000);
    }
}
