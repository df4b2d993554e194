package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How long threads were runnable but waited for a CPU, and how often the scheduler took a CPU from them: where three
 * processes share two CPUs, the time a frame waits beside the time it is worked on. From Linux's
 * {@code /proc/<pid>/task/<tid>/schedstat} (proc(5): time on a CPU, time waiting on a run queue, both in ns, and
 * timeslices) and the {@code nonvoluntary_ctxt_switches} of its {@code status}; absent where the kernel has no
 * schedstat (CONFIG_SCHED_INFO off) or there is no /proc.
 *
 * @param waitSeconds time runnable on a run queue, not running
 * @param preemptions switches the thread did not ask for: a CPU taken from it while it had work
 */
record CpuWait(double waitSeconds, long preemptions) {
    static final CpuWait NONE = new CpuWait(0, 0);
    private static final Pattern INVOLUNTARY = Pattern.compile("(?m)^nonvoluntary_ctxt_switches:\\s+(\\d+)$");

    /** One thread's, from its schedstat line and its status file's text. */
    static CpuWait parse(String schedstat, String status) {
        String[] fields = schedstat.trim().split(" ");
        if (fields.length != 3) {
            throw new IllegalArgumentException("not a /proc schedstat line: " + schedstat);
        }
        Matcher involuntary = INVOLUNTARY.matcher(status);
        if (!involuntary.find()) {
            throw new IllegalArgumentException("a /proc status without nonvoluntary_ctxt_switches");
        }
        return new CpuWait(Long.parseLong(fields[1]) / 1e9, Long.parseLong(involuntary.group(1)));
    }

    /** One thread's ({@code /proc/<pid>/task/<tid>}); empty where unreadable. */
    static Optional<CpuWait> ofThread(Path task) {
        try {
            return Optional.of(parse(Files.readString(task.resolve("schedstat")),
                    Files.readString(task.resolve("status"))));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The sum over the threads process {@code pid} has now; empty where none is readable. */
    static Optional<CpuWait> ofProcess(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(CpuWait::ofThread).flatMap(Optional::stream).reduce(CpuWait::plus);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    CpuWait plus(CpuWait other) {
        return new CpuWait(waitSeconds + other.waitSeconds, preemptions + other.preemptions);
    }

    CpuWait minus(CpuWait before) {
        return new CpuWait(waitSeconds - before.waitSeconds, preemptions - before.preemptions);
    }
}
