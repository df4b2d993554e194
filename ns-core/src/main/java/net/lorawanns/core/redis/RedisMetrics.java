package net.lorawanns.core.redis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.redis.client.Request;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * {@code lorawan_redis_requests_seconds{group,outcome}}: each request's latency from send to answer (or failure),
 * by command group (a script's name, or the command) and outcome ({@code ok}, or a {@link RedisFailure.Kind} in
 * lower case). Both tags are bounded: the groups are the server's own scripts and commands.
 */
public final class RedisMetrics {
    private static final String NAME = "lorawan.redis.requests";

    private final MeterRegistry registry;
    /** Per group, the timer of each outcome: ok, then each {@link RedisFailure.Kind}. */
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

    public RedisMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code lorawan_redis_pending}: requests written to Redis and not yet answered. */
    void pending(IntSupplier pending) {
        Gauge.builder("lorawan.redis.pending", pending::getAsInt)
                .description("Requests written to Redis and not yet answered").register(registry);
    }

    /** The group of a request that names none: its command. */
    static String group(Request request) {
        return request.command().toString().toLowerCase(Locale.ROOT);
    }

    /** @param failure why the request failed; null if it was answered */
    void record(String group, long sentNanos, RedisFailure failure) {
        int outcome = failure == null ? 0 : 1 + failure.kind().ordinal();
        Timer[] byOutcome = timers.computeIfAbsent(group, g -> new Timer[1 + RedisFailure.Kind.values().length]);
        Timer timer = byOutcome[outcome];
        if (timer == null) {
            // A race here registers the same meter twice, which the registry answers with the one it has.
            timer = Timer.builder(NAME).description("Redis requests by command group and outcome, from send to answer")
                    .tag("group", group).tag("outcome", outcome == 0 ? "ok"
                            : RedisFailure.Kind.values()[outcome - 1].name().toLowerCase(Locale.ROOT))
                    .register(registry);
            byOutcome[outcome] = timer;
        }
        timer.record(System.nanoTime() - sentNanos, TimeUnit.NANOSECONDS);
    }
}
