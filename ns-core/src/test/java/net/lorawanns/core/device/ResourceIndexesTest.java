package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one-off re-index of records stored before the indexes, on a real Redis: two instances starting at once (one
 * lists, the other waits for it), a restart that goes on from the position the marker key holds, and an instance
 * that stops midway, whose work another takes over once its lock expires.
 */
class ResourceIndexesTest {
    private static final int DEVICES = 1_200;
    private static final Duration LOCK_TTL = Duration.ofSeconds(3);

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // Over a thousand requests at once: a request deadline for a busy machine, not the 1 s default.
        RedisSettings settings = new RedisSettings(List.of(TestRedis.url()), "standalone", "",
                TestRedis.settings().keyPrefix(), Duration.ofSeconds(10), null, null, null);
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoInstancesStartingAtOnceListTheRecordsOnceAndBothSeeItDone() throws Exception {
        for (String application : List.of("app-0", "app-1", "app-2")) {
            send(Request.cmd(Command.SET).arg(keys.application(application))
                    .arg(new JsonObject().put("application_id", application).encode()));
        }
        storeOldDevices(i -> "app-" + (i % 3));

        ResourceIndexes first = indexes();
        ResourceIndexes second = indexes();
        first.attempt();
        second.attempt();
        boolean firstListed = first.finished().await(20, TimeUnit.SECONDS);
        boolean secondListed = second.finished().await(20, TimeUnit.SECONDS);

        assertTrue(firstListed != secondListed, "one instance listed, the other found it done");
        assertEquals(Set.of(0L, (long) DEVICES + 3), Set.of(first.listed(), second.listed()));
        assertEquals(ResourceIndexes.DONE, send(Request.cmd(Command.GET).arg(keys.resourceIndexesBuilt())).toString());
        assertNull(send(Request.cmd(Command.GET).arg(keys.resourceIndexesLock())), "the lock is released");
        assertEquals(3, send(Request.cmd(Command.ZCARD).arg(keys.applications())).toInteger());
        for (int app = 0; app < 3; app++) {
            assertEquals(DEVICES / 3, send(Request.cmd(Command.ZCARD).arg(keys.applicationDevices("app-" + app)))
                    .toInteger());
        }

        ResourceIndexes restarted = indexes();
        restarted.attempt();
        assertFalse(restarted.finished().await(10, TimeUnit.SECONDS), "done once for all");
        assertEquals(0, restarted.listed());
    }

    @Test
    void aRestartGoesOnFromThePositionTheMarkerHolds() throws Exception {
        send(Request.cmd(Command.SET).arg(keys.application("listed-before"))
                .arg(new JsonObject().put("application_id", "listed-before").encode()));
        storeOldDevices(i -> "resumed");
        // As a run that stopped after its first page of devices left it: the applications done, the position saved.
        List<String> firstPage = new ArrayList<>();
        KeyScan.Position[] saved = new KeyScan.Position[1];
        KeyScan.forEachPage(redis, keys.devicePattern(), KeyScan.Position.START, (page, after) -> {
            if (page.isEmpty()) {
                return Future.succeededFuture();
            }
            firstPage.addAll(page);
            saved[0] = after;
            return Future.failedFuture("stopped");
        }).otherwiseEmpty().await(10, TimeUnit.SECONDS);
        assertFalse(firstPage.isEmpty());
        send(Request.cmd(Command.SET).arg(keys.resourceIndexesBuilt()).arg("devices " + saved[0]));

        ResourceIndexes restarted = indexes();
        restarted.attempt();
        assertTrue(restarted.finished().await(20, TimeUnit.SECONDS));

        assertEquals(DEVICES - firstPage.size(), restarted.listed(), "the first page is not listed again");
        Set<String> listed = new HashSet<>();
        send(Request.cmd(Command.ZRANGE).arg(keys.applicationDevices("resumed")).arg(0).arg(-1))
                .forEach(member -> listed.add(member.toString().substring(0, 16)));
        for (int i = 0; i < DEVICES; i++) {
            String devEui = eui(i);
            boolean onFirstPage = firstPage.contains(keys.device(Eui64.parse(devEui)));
            assertEquals(!onFirstPage, listed.contains(devEui), devEui);
        }
        assertEquals(0, send(Request.cmd(Command.ZCARD).arg(keys.applications())).toInteger(),
                "the applications' phase was done before the stop");
    }

    @Test
    void anInstanceThatStopsLeavesItsPositionAndAnotherTakesOverOnceItsLockExpires() throws Exception {
        storeOldDevices(i -> "taken-over");
        ResourceIndexes stopping = indexes();
        stopping.attempt();
        stopping.stop();
        // It stops after its first page, as a server shut down midway: the position saved, the lock left to expire.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Response marker = send(Request.cmd(Command.GET).arg(keys.resourceIndexesBuilt()));
        while (marker == null) {
            assertTrue(System.nanoTime() < deadline, "no position saved");
            marker = send(Request.cmd(Command.GET).arg(keys.resourceIndexesBuilt()));
        }
        assertTrue(marker.toString().startsWith("applications "), marker.toString());
        assertTrue(send(Request.cmd(Command.PTTL).arg(keys.resourceIndexesLock())).toLong() > 0,
                "the lock expires on its own");

        ResourceIndexes other = indexes();
        other.attempt();
        assertTrue(other.finished().await(20, TimeUnit.SECONDS));
        assertEquals(DEVICES, other.listed());
        assertFalse(stopping.finished().isComplete());
        assertEquals(DEVICES, send(Request.cmd(Command.ZCARD).arg(keys.applicationDevices("taken-over"))).toInteger());
    }

    private ResourceIndexes indexes() {
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        return new ResourceIndexes(vertx, redis, keys, new ApplicationStore(redis, keys, cipher),
                new DeviceStore(redis, keys), LOCK_TTL);
    }

    /** Device records as a server before the indexes wrote them: the records alone. */
    private void storeOldDevices(IntFunction<String> application) throws Exception {
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            writes.add(redis.send(Request.cmd(Command.SET).arg(keys.device(Eui64.parse(eui(i)))).arg(new JsonObject()
                    .put("dev_eui", eui(i)).put("mac_version", "1.0.3").put("application_id", application.apply(i))
                    .put("join_eui", "70B3D57ED0000000").encode())));
        }
        Future.all(writes).await(30, TimeUnit.SECONDS);
    }

    private Response send(Request request) throws Exception {
        return redis.send(request).await(10, TimeUnit.SECONDS);
    }

    private static String eui(int n) {
        return String.format("00000000000B%04X", n);
    }
}
