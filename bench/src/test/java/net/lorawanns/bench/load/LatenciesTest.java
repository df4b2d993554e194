package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nearest-rank quantiles: of 1..1000 ms, p50 is 500 ms, p99 990 ms, p99.9 999 ms. */
class LatenciesTest {
    @Test
    void nearestRankQuantilesAndMax() {
        Latencies latencies = new Latencies();
        for (int ms = 1000; ms >= 1; ms--) {
            latencies.add(ms * 1_000_000L);
        }
        assertEquals("p50 500.00 ms, p99 990.00 ms, p99.9 999.00 ms, max 1000.00 ms",
                latencies.summary(0.5, 0.99, 0.999));
    }

    @Test
    void noSamples() {
        assertEquals("none", new Latencies().summary(0.5));
    }
}
