package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** This test JVM's own collector: {@code System.gc()} is a full collection under the JDK's collectors. */
class GeneratorGcPausesTest {
    /**
     * The JVM dates a collection in whole ms since its start, a start it takes at a slightly different moment than
     * {@link Instant#now()} would: a phase's bounds get this margin.
     */
    private static final Duration CLOCKS = Duration.ofMillis(50);

    @Test
    void aCollectionIsCountedInThePhaseItEndedIn() throws Exception {
        try (GeneratorGcPauses pauses = new GeneratorGcPauses()) {
            Instant start = Instant.now().minus(CLOCKS);
            System.gc();
            Instant end = Instant.now().plus(CLOCKS);
            // The JVM reports a collection on a thread of its own, after it: wait for the report, with a deadline.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pauses.between(start, end).pauses().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            ServerGcLog.Phase phase = pauses.between(start, end);
            assertEquals(1, phase.pauses().size(), "System.gc() collected once");
            assertEquals("Full", phase.pauses().get(0).kind());
            assertTrue(pauses.between(end.plus(CLOCKS), end.plus(Duration.ofMinutes(1))).pauses().isEmpty(),
                    "a later phase does not have it");
        }
    }
}
