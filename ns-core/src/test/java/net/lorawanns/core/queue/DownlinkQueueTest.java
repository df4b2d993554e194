package net.lorawanns.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.CounterStep;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.RedisSubscription;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The downlink queue on a real Redis, used by two clients as two server instances would. */
class DownlinkQueueTest {
    private static final int LIMIT = 4;
    private static final Duration TTL = Duration.ofDays(7);
    private static final Eui64 DEV = Eui64.parse("0102030405060708");

    private Vertx vertx;
    private RedisSettings settings;
    private RedisKeys keys;
    private Redis redis;
    private DownlinkQueue one;
    private DownlinkQueue other;
    private SessionStore sessions;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        one = new DownlinkQueue(redis, keys, LIMIT, TTL);
        other = new DownlinkQueue(TestRedis.client(vertx, settings), keys, LIMIT, TTL);
        sessions = new SessionStore(redis, keys, new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])),
                List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void itemsAreKeptInTheOrderTheyCameWithTheQueuesTimeToLive() throws Exception {
        List<QueuedDownlink> items = List.of(item(1), item(2), item(3));
        for (int i = 0; i < items.size(); i++) {
            assertEquals(i + 1, await(one.enqueue(DEV, items.get(i))), "the length after the enqueue");
        }
        assertEquals(items, await(other.list(DEV)));
        assertEquals(Optional.of(items.get(0)), await(other.head(DEV)));
        long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(keys.downlinkQueue(DEV)))).toLong();
        assertTrue(ttl > TTL.toMillis() - 60_000 && ttl <= TTL.toMillis(), "the queue expires after queue_ttl: " + ttl);
        assertEquals(List.of(), await(one.list(Eui64.parse("0102030405060709"))), "another device's queue is empty");
    }

    @Test
    void aFullQueueRefusesTheNextItem() throws Exception {
        for (int i = 0; i < LIMIT; i++) {
            await(one.enqueue(DEV, item(i)));
        }
        Throwable refused = one.enqueue(DEV, item(99)).map(length -> (Throwable) null).otherwise(e -> e)
                .await(10, TimeUnit.SECONDS);
        assertInstanceOf(QueueFullException.class, refused);
        assertTrue(refused.getMessage().contains("downlink.max_queue_size"), refused.getMessage());
        assertEquals(LIMIT, await(one.list(DEV)).size());
    }

    @Test
    void aFlushRemovesAndReturnsEveryItem() throws Exception {
        List<QueuedDownlink> items = List.of(item(1), item(2));
        for (QueuedDownlink item : items) {
            await(one.enqueue(DEV, item));
        }
        assertEquals(items, await(other.flush(DEV)));
        assertEquals(List.of(), await(one.list(DEV)));
        assertEquals(0, await(redis.send(Request.cmd(Command.EXISTS).arg(keys.downlinkQueue(DEV)))).toInteger());
        assertEquals(List.of(), await(one.flush(DEV)), "an empty queue flushes to nothing");
    }

    /** Two instances that both send the head item: exactly one takes it; an item not at the head is never taken. */
    @Test
    void onlyTheHeadIsTakenAndByOneInstanceAlone() throws Exception {
        List<QueuedDownlink> items = List.of(item(1), item(2), item(3), item(4));
        for (QueuedDownlink item : items) {
            await(one.enqueue(DEV, item));
        }
        assertEquals(Optional.empty(), await(one.take(DEV, items.get(1).id(), Optional.empty())), "not the head");
        assertEquals(items, await(one.list(DEV)));
        for (int i = 0; i < items.size(); i++) {
            DownlinkId head = items.get(i).id();
            List<Future<Optional<Integer>>> racing = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                racing.add((n % 2 == 0 ? one : other).take(DEV, head, Optional.empty()));
            }
            Future.all(racing).await(10, TimeUnit.SECONDS);
            List<Optional<Integer>> results = racing.stream().map(Future::result).toList();
            assertEquals(1, results.stream().filter(Optional::isPresent).count(), "item " + i + ": " + results);
            assertTrue(results.contains(Optional.of(items.size() - i - 1)), "the length left: " + results);
        }
        assertEquals(List.of(), await(one.list(DEV)));
    }

    @Test
    void aRequeuedItemGoesBackToTheHead() throws Exception {
        QueuedDownlink first = item(1);
        QueuedDownlink second = item(2);
        await(one.enqueue(DEV, first));
        await(one.enqueue(DEV, second));
        assertEquals(Optional.of(1), await(one.take(DEV, first.id(), Optional.empty())));
        await(redis.send(Request.cmd(Command.PERSIST).arg(keys.downlinkQueue(DEV))));
        await(other.requeue(DEV, first.retried()));
        List<QueuedDownlink> listed = await(one.list(DEV));
        assertEquals(List.of(first.retried(), second), listed);
        assertEquals(1, listed.get(0).attempts());
        assertTrue(await(redis.send(Request.cmd(Command.PTTL).arg(keys.downlinkQueue(DEV)))).toLong() > 0,
                "a requeue sets the queue's TTL again");
    }

    /**
     * A confirmed item that went out is kept in the session as the pending ACK; its deadline's expiry takes it once,
     * and only for that item.
     */
    @Test
    void theExpiredAckOfAnItemIsTakenOnce() throws Exception {
        await(sessions.setActive(DEV, session("s1"), 10, 0));
        QueuedDownlink item = item(1);
        await(one.enqueue(DEV, item));
        Instant sent = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        PendingAck pending = pendingAck(item, 7, sent, sent.plusSeconds(8));
        assertEquals(Optional.of(0), await(one.take(DEV, item.id(), Optional.of(pending))));
        assertEquals(Optional.of(pending), await(other.pendingAck(DEV)));

        assertEquals(Optional.empty(), await(one.takeExpiredAck(DEV, item(2).id())), "another item's deadline");
        List<Future<Optional<PendingAck>>> racing = List.of(one.takeExpiredAck(DEV, item.id()),
                other.takeExpiredAck(DEV, item.id()));
        Future.all(racing).await(10, TimeUnit.SECONDS);
        assertEquals(1, racing.stream().filter(f -> f.result().equals(Optional.of(pending))).count(),
                "one instance takes it: " + racing.stream().map(Future::result).toList());
        assertEquals(Optional.empty(), await(one.pendingAck(DEV)));
    }

    /**
     * A confirmed frame goes on air at a Class B ping slot, long after the gateway took it: an uplink received before
     * then can neither acknowledge it nor miss it, and the pending ACK stays for the first uplink after. An uplink
     * that holds the path while a Class B/C sender holds it is told so (its answer carries no queue item).
     */
    @Test
    void anUplinkBeforeTheFrameIsOnAirLeavesItsPendingAck() throws Exception {
        Eui64 dev = Eui64.parse("0102030405060711");
        await(new DeviceStore(redis, keys).put(new Device(dev, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app",
                false, Optional.empty())));
        await(sessions.setActive(dev, session("s3"), 10, 0));
        QueuedDownlink later = item(3);
        await(one.enqueue(dev, later));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        PendingAck inASlot = new PendingAck(later, 5, now, now.plusSeconds(60), Optional.of(now.plusSeconds(65)));
        assertEquals(Duration.ZERO, await(one.reserve(dev, Duration.ofSeconds(60))));
        await(one.take(dev, later.id(), Optional.of(inASlot)));
        QueuedDownlink sent = item(4);
        await(one.enqueue(dev, sent));

        CounterStep before = await(sessions.accept(dev, "s3", 11, Duration.ofSeconds(3), List.of(), false));
        assertEquals(Optional.empty(), before.pendingAck(), "the frame is not on air yet");
        assertTrue(before.downlinkPathBusy(), "a Class B/C sender holds the path");
        assertEquals(Optional.of(inASlot), await(one.pendingAck(dev)));

        PendingAck onAir = new PendingAck(sent, 6, now, now.minusSeconds(1), Optional.of(now.plusSeconds(5)));
        await(one.take(dev, sent.id(), Optional.of(onAir)));
        CounterStep after = await(sessions.accept(dev, "s3", 12, Duration.ofSeconds(3), List.of(), false));
        assertEquals(Optional.of(onAir), after.pendingAck());
        assertEquals(Optional.empty(), await(one.pendingAck(dev)));
    }

    @Test
    void aPendingAckIsNotKeptForASessionThatIsGone() throws Exception {
        QueuedDownlink item = item(1);
        await(one.enqueue(DEV, item));
        Instant sent = Instant.now();
        assertEquals(Optional.of(0), await(one.take(DEV, item.id(),
                Optional.of(pendingAck(item, 7, sent, sent.plusSeconds(8))))));
        assertEquals(Optional.empty(), await(one.pendingAck(DEV)));
        assertEquals(0, await(redis.send(Request.cmd(Command.EXISTS).arg(keys.session(DEV)))).toInteger(),
                "the take made no session hash");
    }

    /**
     * The downlink path is held by one Class B/C sender at a time, and not at all over a Class A answer's windows; a
     * refusal says how long it stays held, and the sender shortens its own hold once its frame is out.
     */
    @Test
    void theDownlinkPathIsReservedByOneSenderAndNotDuringClassAWindows() throws Exception {
        assertEquals(Duration.ZERO, await(one.reserve(DEV, Duration.ofSeconds(5))));
        Duration left = await(other.reserve(DEV, Duration.ofSeconds(5)));
        assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(Duration.ofSeconds(5)) <= 0,
                "another instance is sending, for " + left);
        long held = await(redis.send(Request.cmd(Command.PTTL).arg(keys.downlinkPath(DEV)))).toLong();
        assertTrue(held > 0 && held <= 5_000, "the reservation expires: " + held);
        await(one.holdFor(DEV, Duration.ofMillis(200)));
        held = await(redis.send(Request.cmd(Command.PTTL).arg(keys.downlinkPath(DEV)))).toLong();
        assertTrue(held > 0 && held <= 200, "held for the frame's time on air only: " + held);

        Eui64 classA = Eui64.parse("0102030405060710");
        await(new DeviceStore(redis, keys).put(new Device(classA, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app",
                false, Optional.empty())));
        await(sessions.setActive(classA, session("s2"), 10, 0));
        await(sessions.accept(classA, "s2", 11, Duration.ofSeconds(3), List.of(), false));
        Duration windows = await(one.reserve(classA, Duration.ofSeconds(5)));
        assertTrue(windows.compareTo(Duration.ofSeconds(2)) > 0, "an uplink's receive windows hold the path: " + windows);
        await(one.holdFor(classA, Duration.ofMillis(1)));
        assertTrue(await(other.reserve(classA, Duration.ofSeconds(5))).compareTo(Duration.ofSeconds(2)) > 0,
                "a Class B/C sender's hold does not shorten an uplink's windows");
    }

    @Test
    void anEnqueueAnnouncesTheDevEuiToTheInstances() throws Exception {
        Promise<String> announced = Promise.promise();
        RedisSubscription subscription = RedisSubscription.start(vertx, settings, settings.servers(),
                keys.downlinkWake(), announced::tryComplete, () -> { }).await(10, TimeUnit.SECONDS);
        await(one.enqueue(DEV, item(1)));
        assertEquals(DEV.toString(), announced.future().await(10, TimeUnit.SECONDS));
        subscription.close().await(10, TimeUnit.SECONDS);
    }

    private static QueuedDownlink item(int n) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new QueuedDownlink(DownlinkId.random(), 1 + n % 223, new byte[] {(byte) n, 2, 3}, n % 2 == 0,
                Optional.empty(), now, Optional.of(now.plusSeconds(3600)), 0);
    }

    /** A confirmed item that went out with {@code fCnt} at {@code sent}, its ACK awaited until {@code deadline}. */
    private static PendingAck pendingAck(QueuedDownlink item, long fCnt, Instant sent, Instant deadline) {
        return PendingAck.fromJson(new JsonObject().put("item", item.toJson()).put("f_cnt", fCnt)
                .put("sent_at", sent.toString()).put("on_air_at", sent.toString()).put("deadline", deadline.toString()));
    }

    private static DeviceSession session(String id) {
        AesKey key = AesKey.of(new byte[16]);
        return new DeviceSession(id, DevAddr.parse("26011234"), false, key, key, key, Optional.of(key),
                Optional.empty(), 0, 0, 1);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
