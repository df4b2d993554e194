package net.lorawanns.bridge;

import java.time.Duration;
import java.util.Arrays;

/**
 * One gateway's recent downlink round trips (PULL_RESP sent to TX_ACK received), the last {@value #KEPT}, and the
 * estimate to plan with: their 90th percentile (with fewer than ten, the highest). A high percentile keeps a jittery
 * cellular link's downlinks early enough while one stray slow answer does not push every later downlink out of its
 * window; the estimate follows a link that got faster or slower within {@value #KEPT} downlinks. Immutable: the
 * bridge replaces it with each sample, and other threads read the latest.
 */
final class RoundTripSamples {
    static final int KEPT = 20;
    private static final double PERCENTILE = 0.9;

    /** Oldest first. */
    private final long[] micros;
    private final long count;
    private final Duration estimate;

    private RoundTripSamples(long[] micros, long count) {
        this.micros = micros;
        this.count = count;
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(PERCENTILE * sorted.length) - 1;
        this.estimate = Duration.ofNanos(sorted[index] * 1000);
    }

    static RoundTripSamples first(Duration sample) {
        return new RoundTripSamples(new long[] {micros(sample)}, 1);
    }

    RoundTripSamples with(Duration sample) {
        int keep = Math.min(micros.length, KEPT - 1);
        long[] next = new long[keep + 1];
        System.arraycopy(micros, micros.length - keep, next, 0, keep);
        next[keep] = micros(sample);
        return new RoundTripSamples(next, count + 1);
    }

    /** The round trip to plan with. */
    Duration estimate() {
        return estimate;
    }

    /** How many round trips were measured in all. */
    long count() {
        return count;
    }

    private static long micros(Duration sample) {
        return Math.max(0, sample.toNanos() / 1000);
    }
}
