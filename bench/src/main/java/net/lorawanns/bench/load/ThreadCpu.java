package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds per thread of a process, from Linux's {@code /proc/<pid>/task/<tid>/stat} (fields 14 and 15, utime
 * and stime, in clock ticks of 1/100 s: proc(5)), by thread name: which threads of the server did the work. Empty
 * where there is no /proc.
 */
record ThreadCpu(Map<String, Double> seconds) {
    /** USER_HZ, the unit of utime and stime; 100 on every Linux architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;

    static ThreadCpu of(long pid) {
        Map<String, Double> seconds = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return new ThreadCpu(seconds);
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // fields[0] is field 3 (state): utime is field 14, stime field 15.
                    double used = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    seconds.merge(name + " #" + thread.getFileName(), used, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException unreadable) {
            return new ThreadCpu(Map.of());
        }
        return new ThreadCpu(seconds);
    }

    /** The CPU seconds each thread used since {@code before}, the busiest first, at most {@code top}. */
    List<Map.Entry<String, Double>> busiestSince(ThreadCpu before, int top) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        seconds.forEach((thread, now) -> used.add(Map.entry(thread, now - before.seconds.getOrDefault(thread, 0.0))));
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return used.subList(0, Math.min(top, used.size()));
    }
}
