package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.Optional;

/**
 * The Redis setting that keeps its expiry of keys from holding it up. Every frame leaves a deduplication key that
 * expires some seconds after its set closed (to recognise late copies), so Redis deletes as many expired keys a
 * second as the network receives frames. Keys nobody reads again are found by Redis's active expiry: a cycle run
 * {@code hz} times a second that samples keys with a time to live and deletes the expired ones, for up to a quarter
 * of its period while many are expired, and answers no client meanwhile. At Redis's default of 10 a cycle may hold
 * it for 25 ms. At {@value #HZ} a cycle is at most 2.5 ms, and the same work is spread over ten times as many
 * (BENCHMARKS.md has what it did to the uplink's latency under load).
 */
public final class RedisExpiryCycle {
    /** What the README asks operators to set, and what the embedded Redis runs with. */
    public static final int HZ = 100;
    private static final String SETTING = "hz";

    private RedisExpiryCycle() {
    }

    /**
     * What to tell the operator when the server's {@code hz} is below {@link #HZ}; empty when it is not, or when Redis
     * does not say.
     */
    public static Future<Optional<String>> advice(Redis redis) {
        // Redis itself takes 1 to 500; a server that answers otherwise gets no advice rather than a division by 0.
        return RedisConfig.number(redis, SETTING).map(value -> value.isPresent() && value.getAsLong() > 0
                && value.getAsLong() < HZ
                ? Optional.of("Redis has hz " + value.getAsLong() + ": its expiry of the deduplication keys may then "
                + "hold it for up to " + 250 / value.getAsLong() + " ms at a time under load. Set hz " + HZ
                + " in redis.conf (see the README, Redis latency)")
                : Optional.empty());
    }
}
