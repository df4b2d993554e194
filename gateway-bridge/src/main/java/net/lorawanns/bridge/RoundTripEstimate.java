package net.lorawanns.bridge;

import java.time.Duration;

/**
 * One gateway's downlink round trip (PULL_RESP sent to TX_ACK received) as RFC 6298 section 2 estimates a TCP
 * round trip: a smoothed mean (gain 1/8) and mean deviation (gain 1/4), the estimate being mean + 4 deviations, so
 * that a jittery cellular link gets a wide margin and a steady one a narrow one. Immutable: the bridge replaces it
 * with each sample, and other threads read the latest.
 */
record RoundTripEstimate(long smoothedMicros, long deviationMicros, long samples) {
    private static final int K = 4;

    /** The estimate after the first sample (RFC 6298 2.2: SRTT = R, RTTVAR = R/2). */
    static RoundTripEstimate first(Duration sample) {
        long r = micros(sample);
        return new RoundTripEstimate(r, r / 2, 1);
    }

    /** The estimate with one more sample (RFC 6298 2.3; RTTVAR first, from the previous SRTT). */
    RoundTripEstimate with(Duration sample) {
        long r = micros(sample);
        long deviation = (3 * deviationMicros + Math.abs(smoothedMicros - r)) / 4;
        long smoothed = (7 * smoothedMicros + r) / 8;
        return new RoundTripEstimate(smoothed, deviation, samples + 1);
    }

    /** The round trip to plan with: SRTT + 4 RTTVAR. */
    Duration estimate() {
        return Duration.ofNanos((smoothedMicros + K * deviationMicros) * 1000);
    }

    private static long micros(Duration sample) {
        return Math.max(0, sample.toNanos() / 1000);
    }
}
