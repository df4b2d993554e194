package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Whether the kernel's DAMON (Data Access MONitor) runs on the machine, and what it does: a kdamond thread that
 * applies a scheme such as {@code pageout} (proactive reclaim) runs in the kernel for milliseconds at a time, and on
 * a 2-CPU machine takes one CPU from the server, Redis and the generator meanwhile (BENCHMARKS.md, session 18). Read
 * from sysfs as the kernel documents it (Documentation/admin-guide/mm/damon/usage.rst and reclaim.rst, lru_sort.rst):
 * {@code kernel/mm/damon/admin/kdamonds/<N>/state}, each context's {@code operations}, each scheme's {@code action}
 * and {@code quotas/ms} per {@code quotas/reset_interval_ms}; and the {@code damon_reclaim} and
 * {@code damon_lru_sort} modules' {@code enabled} parameter.
 */
final class Damon {
    private Damon() {
    }

    /** One line for the report: "none" where sysfs shows no DAMON. */
    static String describe(Path sys) {
        List<String> parts = new ArrayList<>();
        for (Path kdamond : numbered(sys.resolve("kernel/mm/damon/admin/kdamonds"))) {
            List<String> contexts = new ArrayList<>();
            for (Path context : numbered(kdamond.resolve("contexts"))) {
                List<String> schemes = new ArrayList<>();
                for (Path scheme : numbered(context.resolve("schemes"))) {
                    String quota = read(scheme.resolve("quotas/ms"));
                    schemes.add(read(scheme.resolve("action")) + ("0".equals(quota) || quota.isEmpty() ? ""
                            : String.format(Locale.ROOT, " (up to %s ms of CPU per %s ms)", quota,
                            read(scheme.resolve("quotas/reset_interval_ms")))));
                }
                contexts.add(read(context.resolve("operations")) + (schemes.isEmpty() ? ", monitoring only"
                        : ", scheme " + String.join(", ", schemes)));
            }
            parts.add("kdamond " + kdamond.getFileName() + " " + read(kdamond.resolve("state"))
                    + (contexts.isEmpty() ? "" : ": " + String.join("; ", contexts)));
        }
        for (String module : List.of("damon_reclaim", "damon_lru_sort")) {
            if ("Y".equals(read(sys.resolve("module/" + module + "/parameters/enabled")))) {
                parts.add(module + " enabled");
            }
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    /** The subdirectories named 0, 1, ... of {@code directory}, in order; none where it does not exist. */
    private static List<Path> numbered(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(entry -> Files.isDirectory(entry)
                            && entry.getFileName().toString().chars().allMatch(Character::isDigit))
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                            Integer.parseInt(b.getFileName().toString())))
                    .toList();
        } catch (IOException unreadable) {
            return List.of();
        }
    }

    private static String read(Path file) {
        return KernelFiles.readOrEmpty(file).trim();
    }
}
