package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decision latency read from two scrapes of the server's cumulative Prometheus histogram: between them 100
 * decisions, 90 within 5 ms, 99 within 10 ms, all within 20 ms; so p50 is the 5 ms bucket, p99 the 10 ms one.
 */
class DecisionHistogramTest {
    private static final String BUCKET = "lorawan_uplink_processing_seconds_bucket{kind=\"data\",le=\"";

    @Test
    void quantilesAndCountsComeFromTheBucketsBetweenTwoReads() {
        Map<String, Double> before = Map.of(BUCKET + "0.005\"}", 10.0, BUCKET + "0.01\"}", 10.0,
                BUCKET + "0.02\"}", 10.0, BUCKET + "+Inf\"}", 10.0);
        Map<String, Double> after = Map.of(BUCKET + "0.005\"}", 100.0, BUCKET + "0.01\"}", 109.0,
                BUCKET + "0.02\"}", 110.0, BUCKET + "+Inf\"}", 110.0);
        assertEquals(100.0, LoadGenerator.bucketDelta(before, after, "+Inf"));
        assertEquals(5.0, LoadGenerator.quantileMillis(before, after, 0.5));
        assertEquals(10.0, LoadGenerator.quantileMillis(before, after, 0.99));
        assertEquals(20.0, LoadGenerator.quantileMillis(before, after, 1.0));
        assertTrue(Double.isNaN(LoadGenerator.quantileMillis(after, after, 0.99)), "no decision between the reads");
    }
}
