package net.lorawanns.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's decision latency second by second over the measured phase ({@code -Dload.latencySeries=true}): its
 * {@code /metrics} are read every second on a thread of their own, and each second's p99 is the histogram's counts
 * between two reads. It tells whether a run's p99 is a steady figure or a few bad seconds. Reading the metrics costs
 * the server a little CPU each second, so it is off unless asked for.
 */
final class LatencySeries implements AutoCloseable {
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "latency-series");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Map<String, Double>> reads = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final List<Long> readAt = new ArrayList<>();

    LatencySeries(Callable<Map<String, Double>> metrics) {
        reader.scheduleAtFixedRate(() -> {
            try {
                Map<String, Double> now = metrics.call();
                synchronized (reads) {
                    reads.add(now);
                    readAt.add(System.nanoTime() - startNanos);
                }
            } catch (Exception e) {
                System.out.println("latency series: a read of the server's metrics failed: " + e);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** Stops reading and prints each second's decisions and p99, marking those over {@code limitMs}. */
    void report(double limitMs) {
        close();
        synchronized (reads) {
            System.out.println("Decision latency per second of the measured phase (server's clock; * over "
                    + limitMs + " ms):");
            for (int i = 1; i < reads.size(); i++) {
                Map<String, Double> before = reads.get(i - 1);
                Map<String, Double> after = reads.get(i);
                double decided = LoadGenerator.bucketDelta(before, after, "+Inf");
                double p99 = LoadGenerator.quantileMillis(before, after, 0.99);
                System.out.printf(Locale.ROOT, "  %5.1f s  %,8.0f decided  p99 <= %8.2f ms%s%n",
                        readAt.get(i) / 1e9, decided, p99, p99 > limitMs ? " *" : "");
            }
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
        try {
            reader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
