package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedisSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sentinel-mode client of {@link RedisClients} on a real Sentinel set-up, before and after failovers. */
class SentinelFailoverTest {
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private static TestRedisSentinel sentinel;
    private Vertx vertx;

    @BeforeAll
    static void startSentinel() {
        sentinel = TestRedisSentinel.start();
    }

    @AfterAll
    static void stopSentinel() {
        sentinel.close();
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theClientWritesToThePromotedReplicaAfterTheMasterIsKilled() throws Exception {
        RedisSettings settings = sentinel.settings("sentinel-" + UUID.randomUUID() + ":");
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        String key = settings.keyPrefix() + "counter";
        assertEquals(1, incr(redis, key));
        RedisProcess old = sentinel.master();
        RedisProcess promoted = sentinel.killMaster(FAILOVER);
        assertNotEquals(old.port(), promoted.port());
        assertEquals(2, incr(redis, key), "the count of the old master, on the new one");
    }

    @Test
    void theClientWritesToTheNewMasterAfterAFailover() throws Exception {
        RedisSettings settings = sentinel.settings("sentinel-" + UUID.randomUUID() + ":");
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        String key = settings.keyPrefix() + "counter";
        assertEquals(1, incr(redis, key));
        RedisProcess old = sentinel.master();
        RedisProcess promoted = sentinel.failover(FAILOVER);
        assertNotEquals(old.port(), promoted.port());
        assertEquals(2, incr(redis, key), "the count of the old master, on the new one");
        Redis direct = Redis.createClient(vertx, promoted.url());
        assertEquals("2", direct.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString());
    }

    private static long incr(Redis redis, String key) throws Exception {
        return redis.send(Request.cmd(Command.INCR).arg(key)).await(10, TimeUnit.SECONDS).toLong();
    }
}
