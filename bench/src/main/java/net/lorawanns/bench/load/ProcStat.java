package net.lorawanns.bench.load;

/**
 * One line of Linux's {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} (proc(5)): the fields the
 * load generator reads.
 *
 * @param name {@code comm}, field 2, without its parentheses (it may hold spaces and parentheses itself)
 * @param flags field 9, the kernel's {@code PF_*} flags of the task
 * @param cpuTicks fields 14 and 15, {@code utime} plus {@code stime}, in clock ticks of 1/100 s
 */
record ProcStat(String name, long flags, long cpuTicks) {
    /** USER_HZ, the unit of utime and stime; 100 on every Linux architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;
    /** {@code PF_KTHREAD} (include/linux/sched.h): the task is a kernel thread. */
    private static final long PF_KTHREAD = 0x00200000;

    /** Parses a stat line; throws {@link IllegalArgumentException} where it is not one. */
    static ProcStat parse(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > stat.length()) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        // The fields after comm are space-separated; fields[0] is field 3 (state).
        String[] fields = stat.substring(close + 2).trim().split(" ");
        if (fields.length < 13) {
            throw new IllegalArgumentException("a /proc stat line with " + (fields.length + 2) + " fields");
        }
        return new ProcStat(stat.substring(open + 1, close), Long.parseLong(fields[6]),
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }

    boolean kernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    double cpuSeconds() {
        return cpuTicks / TICKS_PER_SECOND;
    }
}
