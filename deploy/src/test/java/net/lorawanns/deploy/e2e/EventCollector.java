package net.lorawanns.deploy.e2e;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Events as they arrive (from the webhook or the event stream), awaited with a deadline. */
final class EventCollector {
    private final BlockingQueue<JsonObject> arriving = new LinkedBlockingQueue<>();
    private final List<JsonObject> seen = new ArrayList<>();

    void add(JsonObject event) {
        arriving.add(event);
    }

    /** The first event (seen or arriving within {@code timeout}) that matches, else an AssertionError. */
    synchronized JsonObject await(Predicate<JsonObject> wanted, Duration timeout) throws InterruptedException {
        for (JsonObject event : seen) {
            if (wanted.test(event)) {
                return event;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject event = left > 0 ? arriving.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                List<JsonObject> all = all();
                throw new AssertionError("no matching event within " + timeout + "; " + all.size()
                        + " events so far, the last ones: " + all.subList(Math.max(0, all.size() - 3), all.size()));
            }
            seen.add(event);
            if (wanted.test(event)) {
                return event;
            }
        }
    }

    /** Every event received so far. */
    synchronized List<JsonObject> all() {
        arriving.drainTo(seen);
        return List.copyOf(seen);
    }
}
