package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedisSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sentinel-mode client of {@link RedisClients} on a real Sentinel set-up, before and after failovers: requests
 * from outside Vert.x (the pool) and from an event loop (its lane's own connection to the master).
 */
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
        assertEquals(2, laneIncr(redis, key), "the lane connects to the master");
        RedisProcess old = sentinel.master();
        RedisProcess promoted = sentinel.killMaster(FAILOVER);
        assertNotEquals(old.port(), promoted.port());
        assertEquals(3, laneIncr(redis, key), "the lane finds the promoted replica, with the old master's count");
        assertEquals(4, incr(redis, key), "the count of the old master, on the new one");
    }

    @Test
    void theClientWritesToTheNewMasterAfterAFailover() throws Exception {
        RedisSettings settings = sentinel.settings("sentinel-" + UUID.randomUUID() + ":");
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        String key = settings.keyPrefix() + "counter";
        assertEquals(1, incr(redis, key));
        assertEquals(2, laneIncr(redis, key), "the lane connects to the master");
        RedisProcess old = sentinel.master();
        RedisProcess promoted = sentinel.failover(FAILOVER);
        assertNotEquals(old.port(), promoted.port());
        // The lane's connection still reaches the old master, now a replica: READONLY, then the new master.
        assertEquals(3, laneIncr(redis, key), "the lane writes to the new master after READONLY");
        assertEquals(4, incr(redis, key), "the count of the old master, on the new one");
        Redis direct = Redis.createClient(vertx, promoted.url());
        assertEquals("4", direct.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString());
    }

    private static long incr(Redis redis, String key) throws Exception {
        return redis.send(Request.cmd(Command.INCR).arg(key)).await(10, TimeUnit.SECONDS).toLong();
    }

    /**
     * INCR from an event loop, through its lane, sent again while the lane looks for the master: after a refusal
     * that proves the INCR was not executed (UNAVAILABLE: no connection, or the READONLY of the demoted master the
     * lane's connection still reached, which nothing written to it ran), within 10 s. Any other failure fails.
     */
    private long laneIncr(Redis redis, String key) throws Exception {
        CompletableFuture<Long> count = new CompletableFuture<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        vertx.getOrCreateContext().runOnContext(v -> laneIncr(redis, key, deadline, count));
        return count.get(15, TimeUnit.SECONDS);
    }

    private void laneIncr(Redis redis, String key, long deadline, CompletableFuture<Long> count) {
        assertTrue(Vertx.currentContext().isEventLoopContext());
        redis.send(Request.cmd(Command.INCR).arg(key)).onComplete(reply -> {
            if (reply.succeeded()) {
                count.complete(reply.result().toLong());
                return;
            }
            RedisFailure failure = (RedisFailure) reply.cause();
            if (failure.kind() != RedisFailure.Kind.UNAVAILABLE || System.nanoTime() > deadline) {
                count.completeExceptionally(failure);
            } else {
                vertx.setTimer(50, again -> laneIncr(redis, key, deadline, count));
            }
        });
    }

}
