package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lines are a JDK 17 JVM's, written with {@link ServerGcLog#option} on a 2-vCPU Firecracker guest (ParallelGC, a
 * program that fills its heap); and a real JVM, whose {@code System.gc()} is a full collection under ParallelGC.
 */
class ServerGcLogTest {
    private static final List<String> LOG = List.of(
            "[2026-11-30T21:39:30.656+0000][gc] Using Parallel",
            "[2026-11-30T21:39:32.735+0000][gc] GC(0) Pause Young (Allocation Failure) 63M->49M(245M) 214.633ms",
            "[2026-11-30T21:39:32.735+0000][gc,cpu] GC(0) User=0.06s Sys=0.20s Real=0.22s",
            "[2026-11-30T21:39:33.085+0000][gc    ] GC(1) Pause Young (Allocation Failure) 112M->105M(245M) 312.352ms",
            "[2026-11-30T21:39:33.085+0000][gc,cpu] GC(1) User=0.08s Sys=0.27s Real=0.31s",
            "[2026-11-30T21:39:33.463+0000][gc    ] GC(3) Pause Full (Ergonomics) 223M->66M(245M) 94.840ms",
            "[2026-11-30T21:39:33.463+0000][gc,cpu] GC(3) User=0.15s Sys=0.01s Real=0.09s",
            "[2026-11-30T21:39:33.930+0000][gc    ] GC(31) Pause Full (System.gc()) 192M->66M(245M) 14.177ms");

    @Test
    void eachPhaseHasThePausesThatEndedInIt() {
        ServerGcLog log = ServerGcLog.parse(LOG);
        ServerGcLog.Phase first = log.between(Instant.parse("2026-11-30T21:39:30Z"),
                Instant.parse("2026-11-30T21:39:33.085Z"));
        assertEquals(1, first.pauses().size());
        assertEquals("1 (young 1), 214.6 ms in all, longest 214.6 ms, 0.20 s of system time", first.describe());
        ServerGcLog.Phase rest = log.between(Instant.parse("2026-11-30T21:39:33.085Z"),
                Instant.parse("2026-11-30T21:40:00Z"));
        assertEquals("3 (full 2, young 1), 421.4 ms in all, longest 312.4 ms, 0.28 s of system time",
                rest.describe());
    }

    @Test
    void aPhaseWithoutPausesIsNone() {
        assertEquals("none", ServerGcLog.parse(LOG).between(Instant.parse("2026-11-30T21:39:34Z"),
                Instant.parse("2026-11-30T21:40:00Z")).describe());
    }

    @Test
    void aLogNotYetWrittenHasNoPauses(@TempDir Path dir) throws Exception {
        assertEquals("none", ServerGcLog.read(dir.resolve("absent.log")).between(Instant.EPOCH, Instant.now())
                .describe());
    }

    @Test
    void aRealJvmsFullCollectionIsRead(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("Collect.java");
        Files.writeString(program, "class Collect { public static void main(String[] a) { System.gc(); } }");
        Path file = dir.resolve("gc.log");
        Instant before = Instant.now().minusSeconds(1);
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Xmx64m", ServerGcLog.option(file), program.toString())
                .redirectErrorStream(true).start();
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not end within 60 s");
        assertEquals(0, jvm.exitValue(), new String(jvm.getInputStream().readAllBytes()));
        List<ServerGcLog.Pause> pauses = ServerGcLog.read(file).between(before, Instant.now().plusSeconds(1))
                .pauses();
        assertTrue(pauses.stream().anyMatch(p -> p.kind().equals("Full") && p.millis() > 0), pauses.toString());
    }
}
