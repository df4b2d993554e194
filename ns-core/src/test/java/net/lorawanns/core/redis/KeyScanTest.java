package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.testing.TestRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KeyScan} and {@link HashSlot} on a real three-master Redis Cluster and on the standalone test Redis. */
class KeyScanTest {
    private static final int KEYS = 2_000;
    private static TestRedisCluster cluster;
    private Vertx vertx;
    private final String prefix = "scan-" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
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
    void theSlotOfTheClusterSpecificationsExampleAndOfEveryKeyAsTheClusterComputesIt() throws Exception {
        // The cluster specification: CRC16 of "123456789" is 0x31C3.
        assertEquals(0x31C3, HashSlot.of("123456789"));
        Redis node = Redis.createClient(vertx, cluster.urls().get(0));
        for (String key : List.of("plain", "a{tag}b", "{}empty-tag", "x{}{y}", "{only}", "open{never-closed",
                "lorawan:device:{0004A30B001C0530}:session", "ünïcode{é}")) {
            assertEquals(node.send(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(key)).await(10, TimeUnit.SECONDS)
                    .toInteger(), HashSlot.of(key), key);
        }
    }

    @Test
    void aScanOnTheClusterSeesTheKeysOfEveryMaster() throws Exception {
        RedisSettings settings = cluster.patientSettings(prefix);
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        Set<String> written = write(redis);
        assertEquals(written, scan(redis));
        for (String url : cluster.urls()) {
            Redis node = Redis.createClient(vertx, url);
            assertTrue(node.send(Request.cmd(Command.DBSIZE)).await(10, TimeUnit.SECONDS).toInteger() > KEYS / 10,
                    "the keys are spread over every master, " + url + " too");
        }
    }

    @Test
    void aScanStoppedMidwayOnTheClusterGoesOnFromItsPosition() throws Exception {
        RedisSettings settings = cluster.patientSettings(prefix);
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        Set<String> written = write(redis);
        // Stopped inside the second master's keys, as a process that dies there.
        Set<String> before = ConcurrentHashMap.newKeySet();
        KeyScan.Position[] stoppedAt = new KeyScan.Position[1];
        KeyScan.forEachPage(redis, prefix + "{*}:record", KeyScan.Position.START, (page, after) -> {
            before.addAll(page);
            if (after.master() == 1 && !after.cursor().equals("0")) {
                stoppedAt[0] = KeyScan.Position.parse(after.toString());
                return Future.failedFuture("stopped");
            }
            return Future.succeededFuture();
        }).otherwiseEmpty().await(30, TimeUnit.SECONDS);
        assertTrue(stoppedAt[0] != null, "the scan reached the second master");

        Set<String> rest = ConcurrentHashMap.newKeySet();
        KeyScan.forEachPage(redis, prefix + "{*}:record", stoppedAt[0], (page, after) -> {
            rest.addAll(page);
            return Future.succeededFuture();
        }).await(30, TimeUnit.SECONDS);
        Set<String> both = new HashSet<>(before);
        both.retainAll(rest);
        assertEquals(Set.of(), both, "it went on, not over");
        both.addAll(before);
        both.addAll(rest);
        assertEquals(written, both);
    }

    @Test
    void aScanOnAStandaloneRedisSeesEveryKey() throws Exception {
        // 2,000 requests at once: a request deadline for a busy machine, not the 1 s default.
        Redis redis = TestRedis.client(vertx, new RedisSettings(List.of(TestRedis.url()), "standalone", "", prefix,
                Duration.ofSeconds(10), null, null, null));
        Set<String> written = write(redis);
        assertEquals(written, scan(redis));
    }

    private Set<String> write(Redis redis) throws Exception {
        Set<String> keys = new HashSet<>();
        List<Future<?>> sets = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String key = prefix + "{" + UUID.randomUUID() + "}:record";
            keys.add(key);
            sets.add(redis.send(Request.cmd(Command.SET).arg(key).arg(i).arg("EX").arg(600)));
        }
        // Keys of another pattern, which the scan must not hand over.
        sets.add(redis.send(Request.cmd(Command.SET).arg(prefix + "{other}:thing").arg(0).arg("EX").arg(600)));
        Future.all(sets).await(30, TimeUnit.SECONDS);
        return keys;
    }

    private Set<String> scan(Redis redis) throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        KeyScan.forEachPage(redis, prefix + "{*}:record", page -> {
            seen.addAll(page);
            return Future.succeededFuture();
        }).await(30, TimeUnit.SECONDS);
        return seen;
    }
}
