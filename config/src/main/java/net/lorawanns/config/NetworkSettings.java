package net.lorawanns.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code [network]}: the operator's LoRaWAN network.
 *
 * @param netId the LoRa Alliance NetID, 6 hex digits (000000 and 000001 are for private networks)
 * @param devAddrPrefixes DevAddr ranges to allocate from, e.g. {@code 26000000/7}; empty = the NetID's whole range
 * @param region the region of gateways that do not say otherwise; must be among the enabled regions
 * @param enabledRegions the regional plans this server serves
 * @param deduplicationDelay how long the first copy of a frame waits for copies from other gateways
 * @param rx1Delay seconds from the end of an uplink to RX1 (1-15), sent to devices in join-accepts
 * @param rxWindow which receive window a Class A downlink tries first: {@code rx1_first} (then RX2),
 *                 {@code rx2_first} (then RX1 while there is still time), {@code rx1_only} or {@code rx2_only};
 *                 ChirpStack's 0, 1 and 2 are read as {@code rx1_first}, {@code rx1_only} and {@code rx2_only}
 * @param rx2BelowRx1Dr under {@code rx1_first}, RX2 goes first when RX1's data rate would be below this (0: never;
 *                      ChirpStack's {@code rx2_prefer_on_rx1_dr_lt})
 * @param rx1DrOffset RX1 data-rate offset sent in join-accepts (0-7)
 * @param sessionCacheMemory how much of the heap each server instance gives the sessions it keeps in memory, so that
 *                           their uplinks need no Redis lookup before the frame-counter step: a share of the maximum
 *                           heap ("25%") or a size ("256MiB"); see {@link MemoryBudget}
 * @param sessionCacheSize DevAddrs the session cache holds at most, on top of its memory; null: as many as
 *                         {@code sessionCacheMemory} holds (the key of earlier versions, which counted DevAddrs only)
 * @param maxFramesInFlight gateway copies each instance holds between arrival and decision, at most; beyond that
 *                          copies are dropped and counted, so that a stalled Redis cannot exhaust memory
 * @param gatewayDutyCycle hold each gateway to its region's duty-cycle limits, per sub-band, over the last hour
 * @param pipelineEventLoops event loops (threads) processing uplinks, each with its share of the frames; the gateway
 *                           bridge has one more of its own. Default: half the processors, at least one
 * @param startUpWarmUp how long, at most, the server runs synthetic uplinks through its own data path before it
 *                      takes the gateways' traffic, so that the JIT has compiled that path when the first gateway's
 *                      datagram comes; {@code 0s}: none
 * @param maxQueueDelay how far behind an instance may fall before it refuses new frames: a copy that would start a
 *                      frame is dropped when it waited longer than this for its pipeline, or when the oldest Redis
 *                      request of that pipeline has waited longer than this for its answer
 */
public record NetworkSettings(String netId, List<String> devAddrPrefixes, String region, List<String> enabledRegions,
                              Duration deduplicationDelay, Integer rx1Delay,
                              @JsonDeserialize(using = RxWindowDeserializer.class) String rxWindow,
                              Integer rx2BelowRx1Dr, Integer rx1DrOffset, String sessionCacheMemory,
                              Integer sessionCacheSize, Integer maxFramesInFlight, Boolean gatewayDutyCycle,
                              Integer pipelineEventLoops, Duration startUpWarmUp, Duration maxQueueDelay) {
    /** The values of {@code rx_window}. */
    public enum RxWindowRule { RX1_FIRST, RX2_FIRST, RX1_ONLY, RX2_ONLY }

    static final List<String> RX_WINDOW_RULES = Arrays.stream(RxWindowRule.values())
            .map(rule -> rule.name().toLowerCase(Locale.ROOT)).toList();
    public static final NetworkSettings DEFAULTS = new NetworkSettings(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);

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
        rxWindow = Check.oneOf("rx_window", Check.or(rxWindow, "rx1_first"), RxWindowRule.class).name()
                .toLowerCase(Locale.ROOT);
        rx2BelowRx1Dr = Check.range("rx2_below_rx1_dr", Check.or(rx2BelowRx1Dr, 0), 0, 15);
        gatewayDutyCycle = Check.or(gatewayDutyCycle, true);
        rx1DrOffset = Check.range("rx1_dr_offset", Check.or(rx1DrOffset, 0), 0, 7);
        maxFramesInFlight = Check.range("max_frames_in_flight", Check.or(maxFramesInFlight, 100_000), 1, 10_000_000);
        sessionCacheMemory = MemoryBudget.parse("session_cache_memory", Check.or(sessionCacheMemory, "25%"))
                .toString();
        if (sessionCacheSize != null) {
            Check.range("session_cache_size", sessionCacheSize, 1, 100_000_000);
        }
        pipelineEventLoops = Check.range("pipeline_event_loops", Check.or(pipelineEventLoops,
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2)), 1, 256);
        startUpWarmUp = Check.or(startUpWarmUp, Duration.ofSeconds(20));
        if (startUpWarmUp.isNegative() || startUpWarmUp.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidSettingException("start_up_warm_up", "must be 0s to 5m, got "
                    + Durations.format(startUpWarmUp));
        }
        maxQueueDelay = Check.positive("max_queue_delay", Check.or(maxQueueDelay, Duration.ofMillis(200)));
        if (maxQueueDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidSettingException("max_queue_delay", "must be at most 1m, got "
                    + Durations.format(maxQueueDelay));
        }
    }

    @JsonIgnore
    public MemoryBudget sessionCacheMemoryBudget() {
        return MemoryBudget.parse("session_cache_memory", sessionCacheMemory);
    }

    @JsonIgnore
    public RxWindowRule rxWindowRule() {
        return RxWindowRule.valueOf(rxWindow.toUpperCase(Locale.ROOT));
    }
}
