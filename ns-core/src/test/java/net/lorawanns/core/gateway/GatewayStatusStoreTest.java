package net.lorawanns.core.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gateway status in a real Redis: what two instances' stores write about one gateway (the later PULL_DATA decides
 * until when it is online and the later status report is kept, whichever write lands last), the key's lifetime, and a write to an unreachable Redis,
 * which is counted and never reaches the caller.
 */
class GatewayStatusStoreTest {
    private static final Eui64 GATEWAY = Eui64.parse("AA555A0000000001");
    private static final Duration OFFLINE_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theLatestPullDecidesAndTheLastReportIsKeptWithALifetime() throws Exception {
        RedisSettings settings = TestRedis.settings();
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        Redis redis = TestRedis.client(vertx, settings);
        GatewayStatusStore first = store(redis, keys, new SimpleMeterRegistry());
        GatewayStatusStore second = store(redis, keys, new SimpleMeterRegistry());
        assertEquals(Map.of(GATEWAY, GatewayStatus.UNKNOWN), read(redis, keys));

        Instant earlier = Instant.parse("2026-11-30T01:00:00Z");
        Instant later = earlier.plusSeconds(10);
        second.recordPull(GATEWAY, later).await(10, TimeUnit.SECONDS);
        // An earlier PULL_DATA through the other instance whose write lands last takes nothing back.
        first.recordPull(GATEWAY, earlier).await(10, TimeUnit.SECONDS);
        first.recordReport(report(7), earlier).await(10, TimeUnit.SECONDS);
        GatewayStatus status = read(redis, keys).get(GATEWAY);
        assertEquals(Optional.of(later), status.lastSeen());
        assertEquals(Optional.of(later.plus(OFFLINE_TIMEOUT)), status.onlineUntil());
        assertTrue(status.online(later.plus(OFFLINE_TIMEOUT).minusMillis(1)));
        assertFalse(status.online(later.plus(OFFLINE_TIMEOUT)));
        assertEquals(new JsonObject().put("time", "2026-11-30T01:00:00Z").put("rxnb", 7).put("rxok", 6)
                .put("rxfw", 5).put("ackr", 100.0).put("dwnb", 2).put("txnb", 1), status.lastStats().get(),
                "the first report is kept, whatever its time");

        long ttl = redis.send(Request.cmd(Command.PTTL).arg(keys.gatewayStatus(GATEWAY))).await(10, TimeUnit.SECONDS)
                .toLong();
        assertTrue(ttl > GatewayStatusStore.RETENTION.minusMinutes(1).toMillis()
                && ttl <= GatewayStatusStore.RETENTION.toMillis(), "TTL " + ttl);
    }

    @Test
    void anOlderReportLandingLastDoesNotReplaceANewerOne() throws Exception {
        RedisSettings settings = TestRedis.settings();
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        Redis redis = TestRedis.client(vertx, settings);
        GatewayStatusStore first = store(redis, keys, new SimpleMeterRegistry());
        GatewayStatusStore second = store(redis, keys, new SimpleMeterRegistry());
        Instant earlier = Instant.parse("2026-11-30T01:00:00Z");
        Instant later = earlier.plusSeconds(30);

        second.recordReport(report(20), later).await(10, TimeUnit.SECONDS);
        first.recordReport(report(10), earlier).await(10, TimeUnit.SECONDS);
        assertEquals(20, read(redis, keys).get(GATEWAY).lastStats().get().getInteger("rxnb"),
                "the report received later is kept");
        assertEquals(Optional.of(later), read(redis, keys).get(GATEWAY).lastSeen());

        first.recordReport(report(30), later.plusSeconds(30)).await(10, TimeUnit.SECONDS);
        assertEquals(30, read(redis, keys).get(GATEWAY).lastStats().get().getInteger("rxnb"),
                "a newer report replaces it");
    }

    @Test
    void aWriteToAnUnreachableRedisIsCountedAndNeverThrows() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RedisSettings settings = new RedisSettings(List.of("redis://127.0.0.1:" + closedPort), "standalone", "", "t:");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        GatewayStatusStore store = store(TestRedis.client(vertx, settings), new RedisKeys("t:"), meters);
        store.pulled(GATEWAY, Instant.now());
        store.reported(new GatewayStats(GATEWAY, null, null, null, null, 1L, 1L, 1L, null, 0L, 0L, null),
                Instant.now());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (meters.get("lorawan.gateway.status.write.failures").counter().count() < 2) {
            assertTrue(System.nanoTime() < deadline, "the failed writes were not counted");
        }
    }

    /** A status report (PROTOCOL.TXT section 4) counting {@code received} packets. */
    private static GatewayStats report(long received) {
        return new GatewayStats(GATEWAY, Instant.parse("2026-11-30T01:00:00Z"), null, null, null, received,
                received - 1, received - 2, 100.0, 2L, 1L, null);
    }

    private GatewayStatusStore store(Redis redis, RedisKeys keys, SimpleMeterRegistry meters) {
        return new GatewayStatusStore(redis, keys, OFFLINE_TIMEOUT, vertx.getOrCreateContext(), meters);
    }

    private static Map<Eui64, GatewayStatus> read(Redis redis, RedisKeys keys) throws Exception {
        return GatewayStatusStore.read(redis, keys, List.of(GATEWAY)).await(10, TimeUnit.SECONDS);
    }
}
