package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's stop-the-world collections, read from the log the generator has its JVM write (the unified logging
 * of JDK 9 and later, JEP 158: {@code -Xlog:gc,gc+cpu}, each line stamped with the wall clock). A pause stops every
 * event loop, so the report can say how much of a phase's tail the collector made, and how much of a pause the kernel
 * took ({@code Sys} of the {@code gc+cpu} line: on a machine where a page touched for the first time is slow, a
 * collection that copies into pages the heap has just grown into spends most of its pause there).
 */
final class ServerGcLog {
    /** {@code [2026-11-30T21:30:00.123+0000][gc] GC(10) Pause Young (Allocation Failure) 315M->54M(551M) 197.186ms} */
    private static final Pattern PAUSE = Pattern.compile(
            "^\\[([^]]+)]\\[gc\\s*] GC\\((\\d+)\\) Pause (\\w+).* ([0-9.]+)ms$");
    /** {@code [2026-11-30T21:30:00.123+0000][gc,cpu] GC(10) User=0.15s Sys=0.16s Real=0.20s} */
    private static final Pattern CPU = Pattern.compile(
            "^\\[[^]]+]\\[gc,cpu\\s*] GC\\((\\d+)\\) User=[0-9.]+s Sys=([0-9.]+)s Real=[0-9.]+s$");
    /** The {@code utctime} decoration: ISO 8601 with milliseconds and a numeric offset without a colon. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx");

    private final List<Pause> pauses;

    private ServerGcLog(List<Pause> pauses) {
        this.pauses = pauses;
    }

    /** The JVM option that has the server write {@code file} as this class reads it. */
    static String option(Path file) {
        return "-Xlog:gc,gc+cpu:file=" + file + ":utctime,tags";
    }

    /** What {@code file} holds so far (nothing where the JVM has not written it). */
    static ServerGcLog read(Path file) throws IOException {
        return parse(Files.exists(file) ? Files.readAllLines(file) : List.of());
    }

    static ServerGcLog parse(List<String> lines) {
        List<Pause> pauses = new ArrayList<>();
        Map<Long, Double> systemSeconds = new HashMap<>();
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.matches()) {
                pauses.add(new Pause(OffsetDateTime.parse(pause.group(1), TIME).toInstant(),
                        Long.parseLong(pause.group(2)), pause.group(3), Double.parseDouble(pause.group(4)), 0));
                continue;
            }
            Matcher cpu = CPU.matcher(line);
            if (cpu.matches()) {
                systemSeconds.put(Long.parseLong(cpu.group(1)), Double.parseDouble(cpu.group(2)));
            }
        }
        return new ServerGcLog(pauses.stream().map(p -> p.withSystemSeconds(systemSeconds.getOrDefault(p.id, 0.0)))
                .toList());
    }

    /** The pauses that ended in [{@code from}, {@code to}). */
    Phase between(Instant from, Instant to) {
        return Phase.endedIn(pauses, from, to);
    }

    /** One pause: when it ended, its collection's number, its kind (Young, Full, Remark, ...), its length. */
    record Pause(Instant end, long id, String kind, double millis, double systemSeconds) {
        Pause withSystemSeconds(double seconds) {
            return new Pause(end, id, kind, millis, seconds);
        }
    }

    /** The pauses of one phase of the run. */
    record Phase(List<Pause> pauses) {
        /** Those of {@code pauses} that ended in [{@code from}, {@code to}). */
        static Phase endedIn(List<Pause> pauses, Instant from, Instant to) {
            return new Phase(pauses.stream().filter(p -> !p.end.isBefore(from) && p.end.isBefore(to)).toList());
        }

        double totalMillis() {
            return pauses.stream().mapToDouble(Pause::millis).sum();
        }

        double longestMillis() {
            return pauses.stream().mapToDouble(Pause::millis).max().orElse(0);
        }

        double systemSeconds() {
            return pauses.stream().mapToDouble(Pause::systemSeconds).sum();
        }

        /** "3 (young 3), 412.5 ms in all, longest 226.6 ms, 0.31 s of system time" or "none". */
        String describe() {
            return pauses.isEmpty() ? "none" : describeWithoutSystemTime()
                    + String.format(Locale.ROOT, ", %.2f s of system time", systemSeconds());
        }

        /** "3 (young 3), 412.5 ms in all, longest 226.6 ms" or "none": where the kernel's share is not known. */
        String describeWithoutSystemTime() {
            if (pauses.isEmpty()) {
                return "none";
            }
            Map<String, Long> kinds = new TreeMap<>();
            pauses.forEach(p -> kinds.merge(p.kind.toLowerCase(Locale.ROOT), 1L, Long::sum));
            StringBuilder byKind = new StringBuilder();
            kinds.forEach((kind, n) -> byKind.append(byKind.isEmpty() ? "" : ", ").append(kind).append(' ').append(n));
            return String.format(Locale.ROOT, "%d (%s), %.1f ms in all, longest %.1f ms", pauses.size(), byKind,
                    totalMillis(), longestMillis());
        }
    }
}
