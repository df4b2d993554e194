package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU seconds per thread, from Linux's {@code /proc} stat files ({@link ProcStat}), by thread id: which threads of the
 * server did the work, or which of the kernel's own threads took CPU beside it, and how long each waited for a CPU
 * ({@link CpuWait}). Empty where there is no /proc.
 *
 * @param seconds CPU seconds by thread id
 * @param names each thread's name when read (a kworker's changes with the work queue it serves)
 * @param waits each thread's waits for a CPU, where its schedstat was readable
 */
record ThreadCpu(Map<String, Double> seconds, Map<String, String> names, Map<String, CpuWait> waits) {
    /**
     * One thread's share of a phase.
     *
     * @param thread "name #id", with its name at the phase's end
     * @param waited how long it waited for a CPU and how often it was preempted, where both ends were readable
     */
    record Use(String thread, double cpuSeconds, Optional<CpuWait> waited) {
    }

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
        Map<String, CpuWait> waits = new HashMap<>();
        if (!Files.isDirectory(directory)) {
            return new ThreadCpu(seconds, names, waits);
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
                        CpuWait.ofThread(thread).ifPresent(wait -> waits.put(id, wait));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException unreadable) {
            return new ThreadCpu(Map.of(), Map.of(), Map.of());
        }
        return new ThreadCpu(seconds, names, waits);
    }

    /**
     * The CPU seconds each thread used since {@code before}, and its waits for a CPU, the busiest first, at most
     * {@code top}; a thread started since counts from nothing.
     */
    List<Use> busiestSince(ThreadCpu before, int top) {
        List<Use> used = new ArrayList<>();
        seconds.forEach((id, now) -> used.add(new Use(names.get(id) + " #" + id,
                now - before.seconds.getOrDefault(id, 0.0), Optional.ofNullable(waits.get(id))
                        .map(wait -> wait.minus(before.waits.getOrDefault(id, CpuWait.NONE))))));
        used.sort(Comparator.comparingDouble(Use::cpuSeconds).reversed());
        return used.subList(0, Math.min(top, used.size()));
    }
}
