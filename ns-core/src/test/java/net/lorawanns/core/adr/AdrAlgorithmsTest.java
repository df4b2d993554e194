package net.lorawanns.core.adr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdrAlgorithmsTest {
    private static final AdrInput INPUT = new AdrInput(UplinkHistory.empty().add(0, 0, 1), 0, 0, 1,
            new AdrLimits(0, 5, 7), dr -> -20 + 2.5 * dr, false);

    @Test
    void findsTheBuiltInAndTheClassPathsAlgorithmsById() {
        AdrAlgorithms algorithms = AdrAlgorithms.load(getClass().getClassLoader());
        // The test class path lists FixedAdrAlgorithm in META-INF/services (src/test/resources).
        assertEquals(List.of("default", "fixed-for-tests"), List.copyOf(algorithms.ids()));
        assertEquals(AdrDecision.change(1, 2, 1), algorithms.byId("fixed-for-tests").orElseThrow().decide(INPUT));
        assertEquals("default", algorithms.byId("default").orElseThrow().id());
        assertTrue(algorithms.byId("no-such-algorithm").isEmpty());
    }

    @Test
    void refusesTwoAlgorithmsWithOneId(@TempDir Path jar) throws IOException {
        Path services = jar.resolve("META-INF/services/" + AdrAlgorithm.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, DefaultAgainAdrAlgorithm.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> AdrAlgorithms.load(loader));
            assertEquals("two ADR algorithms have the id 'default': net.lorawanns.core.adr.DefaultAdrAlgorithm and "
                    + "net.lorawanns.core.adr.DefaultAgainAdrAlgorithm", refused.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> AdrAlgorithms.of(List.of(
                new FixedAdrAlgorithm("mine", AdrDecision.unchanged()), new FixedAdrAlgorithm("mine", AdrDecision.unchanged()))));
        assertThrows(IllegalStateException.class, () -> AdrAlgorithms.of(List.of(
                new FixedAdrAlgorithm(" ", AdrDecision.unchanged()))), "a blank id");
    }

    @Test
    void refusesADecisionBeyondTheLimits() {
        AdrAlgorithm wild = AdrAlgorithms.of(List.of(new FixedAdrAlgorithm("wild", AdrDecision.change(7, 0, 1))))
                .byId("wild").orElseThrow();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> wild.decide(INPUT));
        assertEquals("ADR algorithm 'wild' decided DR7, TX power index 0, NbTrans 1, beyond the device's limits "
                + "(DR0-DR5, TX power index 0-7, installation margin 10.0 dB)", refused.getMessage());
        AdrAlgorithm silent = AdrAlgorithms.of(List.of(new FixedAdrAlgorithm("silent", null))).byId("silent")
                .orElseThrow();
        assertEquals("ADR algorithm 'silent' decided nothing (null)",
                assertThrows(IllegalStateException.class, () -> silent.decide(INPUT)).getMessage());
    }
}
