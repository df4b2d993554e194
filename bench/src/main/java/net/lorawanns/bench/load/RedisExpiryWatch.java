package net.lorawanns.bench.load;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's active expiry during the measured phase, from Redis's own latency monitor: every frame leaves a
 * deduplication key that expires later, and a cycle that deletes many of them answers no client meanwhile. The
 * monitor keeps, per second, the longest expiry cycle over its threshold (1 ms here), for the latest 160 seconds only:
 * a measured phase longer than that is counted over its last 160 seconds.
 */
final class RedisExpiryWatch {
    private static final Pattern EXPIRED = Pattern.compile("expired_keys:(\\d+)");
    private static final Pattern STALE = Pattern.compile("expired_stale_perc:([\\d.]+)");
    private final List<Integer> ports;
    private long expiredAtStart;

    /** Turns the monitor on, and sets {@code hz} when {@code hz} is positive (otherwise Redis keeps its own). */
    RedisExpiryWatch(List<Integer> ports, int hz) throws IOException {
        this.ports = ports;
        for (int port : ports) {
            RedisCall.call(port, "CONFIG", "SET", "latency-monitor-threshold", "1");
            if (hz > 0) {
                RedisCall.call(port, "CONFIG", "SET", "hz", Integer.toString(hz));
            }
        }
    }

    /** Forgets what the monitor saw so far: the measured phase starts. */
    void start() throws IOException {
        expiredAtStart = 0;
        for (int port : ports) {
            RedisCall.call(port, "LATENCY", "RESET");
            expiredAtStart += stat(port, EXPIRED);
        }
    }

    void report() throws IOException {
        int seconds = 0;
        int overFive = 0;
        long longest = 0;
        long expired = -expiredAtStart;
        double stale = 0;
        StringBuilder hz = new StringBuilder();
        for (int port : ports) {
            // Pairs of a second's Unix time and its longest cycle in ms.
            List<String> history = RedisCall.call(port, "LATENCY", "HISTORY", "expire-cycle");
            for (int i = 1; i < history.size(); i += 2) {
                long ms = Long.parseLong(history.get(i));
                seconds++;
                overFive += ms >= 5 ? 1 : 0;
                longest = Math.max(longest, ms);
            }
            expired += stat(port, EXPIRED);
            stale = Math.max(stale, staleShare(port));
            hz.append(hz.isEmpty() ? "" : "/").append(RedisCall.call(port, "CONFIG", "GET", "hz").get(1));
        }
        System.out.printf(Locale.ROOT, "Redis expiry cycle          hz %s: %d seconds with a cycle >= 1 ms (%d >= 5 ms),"
                + " longest %d ms; %,d keys expired, %.1f %% of sampled keys stale at the end%n", hz, seconds,
                overFive, longest, expired, stale);
    }

    private static long stat(int port, Pattern pattern) throws IOException {
        Matcher m = pattern.matcher(RedisCall.call(port, "INFO", "stats").get(0));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double staleShare(int port) throws IOException {
        Matcher m = STALE.matcher(RedisCall.call(port, "INFO", "stats").get(0));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
