package net.lorawanns.core.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.UUID;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;

/**
 * The real Redis that tests use: {@code REDIS_URL} when set, else one embedded Redis per test JVM, started on
 * first use and stopped when the JVM exits. Tests keep apart by key prefix, never by flushing.
 */
public final class TestRedis {
    private static String url;

    private TestRedis() {
    }

    /** The URL of the test Redis, starting it if needed. */
    public static synchronized String url() {
        if (url == null) {
            String given = System.getenv("REDIS_URL");
            if (given != null && !given.isBlank()) {
                url = given;
            } else {
                EmbeddedRedis redis = EmbeddedRedis.start();
                Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
                url = redis.url();
            }
        }
        return url;
    }

    /** Settings pointing at the test Redis with a key prefix of its own. */
    public static RedisSettings settings() {
        return new RedisSettings(List.of(url()), "standalone", "", "test-" + UUID.randomUUID() + ":");
    }

    /** A client of the test Redis. */
    public static Redis client(Vertx vertx, RedisSettings settings) {
        return RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
    }
}
