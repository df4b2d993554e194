package net.lorawanns.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The round-trip estimate: the 90th percentile of the last 20 samples (nearest rank), with fewer than ten the highest. */
class RoundTripSamplesTest {

    private static RoundTripSamples of(long... millis) {
        RoundTripSamples samples = RoundTripSamples.first(Duration.ofMillis(millis[0]));
        for (int i = 1; i < millis.length; i++) {
            samples = samples.with(Duration.ofMillis(millis[i]));
        }
        return samples;
    }

    @Test
    void withFewSamplesTheHighest() {
        assertEquals(Duration.ofMillis(300), of(300).estimate());
        assertEquals(Duration.ofMillis(420), of(300, 420, 310).estimate());
    }

    @Test
    void oneStrayAnswerInTenIsLeftOut() {
        // Ten samples: nearest rank ceil(0.9 * 10) = 9th of 10 sorted, the highest but one.
        assertEquals(Duration.ofMillis(330), of(300, 310, 320, 2_000, 330, 300, 310, 320, 300, 310).estimate());
    }

    @Test
    void onlyTheLastTwentyCount() {
        long[] slowThenFast = new long[40];
        for (int i = 0; i < 40; i++) {
            slowThenFast[i] = i < 20 ? 900 : 40;
        }
        RoundTripSamples samples = of(slowThenFast);
        assertEquals(Duration.ofMillis(40), samples.estimate(), "the link got faster twenty downlinks ago");
        assertEquals(40, samples.count());
    }
}
