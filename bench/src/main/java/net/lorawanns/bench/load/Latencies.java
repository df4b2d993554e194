package net.lorawanns.bench.load;

import java.util.Arrays;
import java.util.Locale;

/** Every latency of one kind measured in a run, in nanoseconds, kept whole so that any quantile is exact. */
final class Latencies {
    private long[] samples;
    private int count;

    Latencies() {
        this(1 << 16);
    }

    /**
     * @param expected how many samples to make room for now: growing the array while measuring allocates arrays of
     *                 megabytes, which G1 places in regions of their own and which can bring a collection
     */
    Latencies(int expected) {
        samples = new long[Math.max(1, expected)];
    }

    /** Called by one thread at a time; read after that thread has stopped. */
    void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    int count() {
        return count;
    }

    /** "p50 x ms, p99 y ms, ..., max z ms" over the samples, or "none" when there are none. */
    String summary(double... quantiles) {
        if (count == 0) {
            return "none";
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        StringBuilder text = new StringBuilder();
        for (double q : quantiles) {
            // The nearest-rank quantile: the smallest sample with at least q of all at or below it.
            int rank = (int) Math.ceil(q * count);
            text.append(String.format(Locale.ROOT, "p%s %.2f ms, ", trim(q * 100),
                    sorted[Math.max(0, rank - 1)] / 1e6));
        }
        return text.append(String.format(Locale.ROOT, "max %.2f ms", sorted[count - 1] / 1e6)).toString();
    }

    private static String trim(double percent) {
        return percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent);
    }
}
