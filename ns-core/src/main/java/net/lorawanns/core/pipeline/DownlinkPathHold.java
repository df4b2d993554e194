package net.lorawanns.core.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.TimeOnAir;

/**
 * How long an uplink holds its device's downlink path: to the end of RX2 (RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s,
 * LoRaWAN 1.0.4 section 3.3), and the time on air of the largest frame RX2's data rate carries. A Class B or C
 * downlink waits meanwhile. Pipeline event loop only: each pipeline has its own.
 */
final class DownlinkPathHold {
    /** Beyond the time on air of RX2's largest frame: the gateway's start-up and the device's processing. */
    private static final Duration AIR_MARGIN = Duration.ofMillis(200);
    /** For an RX2 data rate the region does not define (which no answer could use either). */
    private static final Duration FALLBACK_ON_AIR = Duration.ofSeconds(3);

    /** Per region and RX2 data rate: the largest frame's time on air. */
    private final Map<Region, Map<Integer, Duration>> rx2Frames = new HashMap<>();

    /**
     * The span for a device with these settings; an RX1 delay of 0 is 1 s (RXTimingSetupReq's Del, 1.0.4 section
     * 5.7).
     */
    Duration span(Region region, int rx1DelaySeconds, int rx2DataRate) {
        Map<Integer, Duration> byDataRate = rx2Frames.get(region);
        if (byDataRate == null) {
            byDataRate = new HashMap<>();
            rx2Frames.put(region, byDataRate);
        }
        Duration onAir = byDataRate.get(rx2DataRate);
        if (onAir == null) {
            onAir = largestOnAir(region, rx2DataRate);
            byDataRate.put(rx2DataRate, onAir);
        }
        return onAir.plusSeconds(Math.max(1, rx1DelaySeconds) + 1L);
    }

    private static Duration largestOnAir(Region region, int dataRate) {
        try {
            // MHDR, FHDR, FPort and MIC around the largest FRMPayload, N.
            int phyPayload = DataFrame.MIN_SIZE + 1 + region.maxPayload(dataRate, false, false).n();
            return Duration.ofNanos(TimeOnAir.downlinkMicros(region.dataRate(dataRate), phyPayload) * 1000)
                    .plus(AIR_MARGIN);
        } catch (IllegalArgumentException noSuchDataRate) {
            return FALLBACK_ON_AIR;
        }
    }
}
