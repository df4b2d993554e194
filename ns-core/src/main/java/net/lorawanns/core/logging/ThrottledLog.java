package net.lorawanns.core.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * WARN lines for failures that come in floods (every frame while Redis is down): the first occurrence of a kind is
 * logged at once, later ones at most once per interval as one line with their count, so that an outage writes a
 * few lines a minute instead of one per frame. Safe to use from any thread.
 */
public final class ThrottledLog {
    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong suppressed = new AtomicLong();
        volatile long lastLineNanos;
    }

    /** @param intervalMillis the least time between two lines of one kind */
    public ThrottledLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    /**
     * Notes one occurrence of {@code kind}; logs it when the kind's interval has passed since its last line.
     *
     * @param kind a bounded key, e.g. "deduplication/timeout"
     * @param message the line, with {@code detail} appended
     */
    public void warn(String kind, String message, String detail) {
        long now = System.nanoTime();
        Window window = windows.computeIfAbsent(kind, k -> {
            Window fresh = new Window();
            fresh.lastLineNanos = now - intervalNanos;
            return fresh;
        });
        long last = window.lastLineNanos;
        if (now - last < intervalNanos) {
            window.suppressed.incrementAndGet();
            return;
        }
        synchronized (window) {
            if (window.lastLineNanos != last) {
                window.suppressed.incrementAndGet();
                return;
            }
            window.lastLineNanos = now;
        }
        long others = window.suppressed.getAndSet(0);
        if (others == 0) {
            log.warn("{}: {}", message, detail);
        } else {
            log.warn("{}: {} (and {} more like it since the last such line)", message, detail, others);
        }
    }
}
