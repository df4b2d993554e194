package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU seconds per thread, from Linux's {@code /proc} stat files ({@link ProcStat}), by thread id: which threads of the
 * server did the work, or which of the kernel's own threads took CPU beside it. Empty where there is no /proc.
 *
 * @param seconds CPU seconds by thread id
 * @param names each thread's name when read (a kworker's changes with the work queue it serves)
 */
record ThreadCpu(Map<String, Double> seconds, Map<String, String> names) {
    /** The threads of process {@code pid} ({@code /proc/<pid>/task/<tid>/stat}). */
    static ThreadCpu of(long pid) {
        return of(Path.of("/proc", Long.toString(pid), "task"), stat -> true);
    }

    /**
     * The kernel's threads ({@code PF_KTHREAD}, one {@code /proc/<pid>} each): kswapd, ksoftirqd, kworkers, and
     * kdamond where DAMON runs. A container's /proc lists none.
     */
    static ThreadCpu kernelThreads() {
        return of(Path.of("/proc"), ProcStat::kernelThread);
    }

    private static ThreadCpu of(Path directory, Predicate<ProcStat> keep) {
        Map<String, Double> seconds = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        if (!Files.isDirectory(directory)) {
            return new ThreadCpu(seconds, names);
        }
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path thread : entries.filter(entry -> entry.getFileName().toString().chars()
                    .allMatch(Character::isDigit)).toList()) {
                try {
                    ProcStat stat = ProcStat.parse(Files.readString(thread.resolve("stat")));
                    if (keep.test(stat)) {
                        String id = thread.getFileName().toString();
                        seconds.put(id, stat.cpuSeconds());
                        names.put(id, stat.name());
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException unreadable) {
            return new ThreadCpu(Map.of(), Map.of());
        }
        return new ThreadCpu(seconds, names);
    }

    /**
     * The CPU seconds each thread used since {@code before}, the busiest first, at most {@code top}; each named
     * "name #id" with its name now.
     */
    List<Map.Entry<String, Double>> busiestSince(ThreadCpu before, int top) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        seconds.forEach((id, now) -> used.add(Map.entry(names.get(id) + " #" + id,
                now - before.seconds.getOrDefault(id, 0.0))));
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return used.subList(0, Math.min(top, used.size()));
    }
}
