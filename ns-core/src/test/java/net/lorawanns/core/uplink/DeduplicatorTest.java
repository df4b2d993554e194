package net.lorawanns.core.uplink;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.BatchingRedis;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DeduplicatorTest {
    /** A bound on how far behind an instance falls that no test reaches. */
    private static final Duration NOT_BEHIND = Duration.ofMinutes(1);
    private SimpleMeterRegistry registry;
    private Deduplicator instanceA;
    private Deduplicator instanceB;
    private Redis redisA;
    private RedisKeys keys;

    /** Two instances of one cluster: each its own Redis connection to the one Redis. */
    @BeforeEach
    void start(Vertx vertx) {
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redisA = TestRedis.client(vertx, settings);
        Redis redisB = TestRedis.client(vertx, settings);
        registry = new SimpleMeterRegistry();
        instanceA = new Deduplicator(vertx, redisA, keys, Duration.ofMillis(150), NOT_BEHIND, "a", registry);
        instanceB = new Deduplicator(vertx, redisB, keys, Duration.ofMillis(150), NOT_BEHIND, "b", registry);
    }

    /** The set as a whole on the instance that owns it; empty on the others. */
    private static Future<Optional<DeduplicatedUplink>> whole(Future<Optional<OwnedSet>> added) {
        return added.compose(owned -> owned.isEmpty() ? Future.succeededFuture(Optional.<DeduplicatedUplink>empty())
                : owned.get().whole().map(Optional::of));
    }

    private static Set<Long> gateways(DeduplicatedUplink uplink) {
        return uplink.copies().stream().map(c -> c.rxInfo().gatewayEui().value()).collect(Collectors.toSet());
    }

    @Test
    void copiesFromTwoInstancesAreProcessedOnceWithEveryGatewaysMetadata(VertxTestContext test) {
        sixCopiesFromTwoInstances(new byte[] {0x40, 1, 2, 3, 4, 0, 1, 0, 9, 9, 9, 9}, test);
    }

    /**
     * As the server runs it: from an event loop, where each instance's requests go out on its lane (the set is closed
     * by a SET and an LPOP written together) rather than through the pool.
     */
    @Test
    void copiesFromTwoInstancesOnAnEventLoopAreProcessedOnceWithEveryGatewaysMetadata(Vertx vertx,
                                                                                    VertxTestContext test) {
        vertx.getOrCreateContext().runOnContext(v -> sixCopiesFromTwoInstances(
                new byte[] {0x40, 1, 2, 3, 4, 0, 1, 0, 8, 8, 8, 8}, test));
    }

    /**
     * Six copies, three through each instance; the owner takes the other's copies from Redis, whose key for the set
     * holds only "closed" after the close (a later transmission of the same bytes, once it expired, must not find them).
     */
    private void sixCopiesFromTwoInstances(byte[] phy, VertxTestContext test) {
        List<Future<Optional<DeduplicatedUplink>>> results = new ArrayList<>();
        for (int gateway = 1; gateway <= 6; gateway++) {
            Deduplicator instance = gateway % 2 == 0 ? instanceB : instanceA;
            results.add(whole(instance.add(copy(phy, 868_100_000L, gateway, -5.0 + gateway))));
        }
        String lock = keys.dedupLock(Deduplicator.frameId(copy(phy, 868_100_000L, 1, 0)));
        Future.all(results).compose(all -> redisA.send(Request.cmd(Command.GET).arg(lock)).map(held -> {
            test.verify(() -> assertEquals("closed", held.toString(), "the other instance's copies left in Redis"));
            return all;
        })).onComplete(test.succeeding(all -> test.verify(() -> {
            List<DeduplicatedUplink> processed = results.stream().map(Future::result).flatMap(Optional::stream)
                    .toList();
            assertEquals(1, processed.size(), "exactly one instance processes the frame");
            DeduplicatedUplink uplink = processed.get(0);
            assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L), gateways(uplink));
            assertEquals(Set.of("a", "b"), uplink.copies().stream().map(Copy::instanceId)
                    .collect(Collectors.toSet()));
            Copy best = uplink.copies().stream().sorted(DeduplicatedUplink.BEST_FIRST).findFirst().orElseThrow();
            assertEquals(6L, best.rxInfo().gatewayEui().value(), "highest SNR first");
            assertEquals(1.0, best.rxInfo().snr());
            test.completeNow();
        })));
    }

    /**
     * As the window ends the owner has its own copies at once, and the other instance's with the set as a whole:
     * which instance owns the set is whichever copy reached Redis first.
     */
    @Test
    void theOwnerHasItsOwnCopiesAsTheWindowEndsAndTheOthersWithTheWhole(VertxTestContext test) {
        byte[] phy = {0x40, 7, 7, 7, 7, 0, 4, 0, 3, 3, 3, 3};
        Future<Optional<OwnedSet>> fromA = instanceA.add(copy(phy, 868_100_000L, 1, 2.0));
        Future<Optional<OwnedSet>> fromB = instanceB.add(copy(phy, 868_100_000L, 2, 8.0));
        Future.all(fromA, fromB).compose(both -> {
            boolean aOwns = fromA.result().isPresent();
            OwnedSet set = (aOwns ? fromA : fromB).result().orElseThrow();
            test.verify(() -> {
                assertTrue((aOwns ? fromB : fromA).result().isEmpty(), "the other instance hands its copy over");
                assertEquals(Set.of(aOwns ? 1L : 2L), gateways(set.local()), "the owner's own copy");
            });
            return set.whole().map(all -> {
                test.verify(() -> {
                    assertEquals(Set.of(1L, 2L), gateways(all));
                    assertEquals(set.local().windowEndNanos(), all.windowEndNanos());
                });
                return all;
            });
        }).onComplete(test.succeedingThenComplete());
    }

    /**
     * The window counts from the first copy's arrival at the server (as the bridge decoded it), not from when the
     * pipeline's event loop came to it: what it waited for that loop is part of the window, not added after it.
     */
    @Test
    void theWindowEndsAWindowAfterTheFirstCopysArrival(Vertx vertx, VertxTestContext test) {
        byte[] phy = {0x40, 7, 7, 7, 7, 0, 5, 0, 4, 4, 4, 4};
        UplinkFrame first = copy(phy, 868_500_000L, 1, 2.0);
        vertx.getOrCreateContext().runOnContext(v -> instanceA.add(first).onComplete(test.succeeding(owned ->
                test.verify(() -> {
                    assertEquals(first.receivedNanos() + Duration.ofMillis(150).toNanos(),
                            owned.orElseThrow().local().windowEndNanos());
                    test.completeNow();
                }))));
    }

    /**
     * A copy that would start a frame after waiting longer than {@code max_queue_delay} is refused, and nothing of it
     * reaches Redis; a copy as old that joins a set open here is taken. The old copies are made (arrive) 150 ms before
     * they are added, against a bound of 50 ms.
     */
    @Test
    void aFramesFirstCopyThatWaitedLongerThanTheBoundIsRefusedAndLaterCopiesJoinAnOpenSet(Vertx vertx,
                                                                                       VertxTestContext test) {
        Deduplicator behind = new Deduplicator(vertx, redisA, keys, Duration.ofMillis(150), Duration.ofMillis(50), "c",
                registry);
        byte[] refusedPhy = {0x40, 1, 1, 1, 1, 0, 6, 0, 5, 5, 5, 5};
        byte[] takenPhy = {0x40, 2, 2, 2, 2, 0, 6, 0, 5, 5, 5, 5};
        UplinkFrame waited = copy(refusedPhy, 868_100_000L, 1, 2.0);
        UplinkFrame waitedDuplicate = copy(takenPhy, 868_100_000L, 2, 4.0);
        vertx.setTimer(150, t -> {
            Future<Optional<OwnedSet>> refused = behind.add(waited);
            Future<Optional<DeduplicatedUplink>> taken = whole(behind.add(copy(takenPhy, 868_100_000L, 1, 2.0)));
            Future<Optional<OwnedSet>> joined = behind.add(waitedDuplicate);
            test.verify(() -> {
                Overloaded why = assertInstanceOf(Overloaded.class, refused.cause());
                assertEquals(Overloaded.Reason.QUEUE_DELAY, why.reason());
                assertEquals("queue_delay", why.metricReason());
                assertTrue(why.getMessage().contains("network.max_queue_delay"), why.getMessage());
                assertTrue(joined.succeeded() && joined.result().isEmpty(), "the old copy joins the open set");
            });
            String lock = keys.dedupLock(Deduplicator.frameId(waited));
            taken.compose(all -> redisA.send(Request.cmd(Command.EXISTS).arg(lock)).map(exists -> {
                test.verify(() -> {
                    assertEquals(Set.of(1L, 2L), gateways(all.orElseThrow()));
                    assertEquals(0, exists.toInteger(), "the refused frame took no lock");
                });
                return all;
            })).onComplete(test.succeedingThenComplete());
        });
    }

    /**
     * While the oldest Redis request of the event loop has waited longer than the bound (Redis frozen), a new frame is
     * refused without a request to Redis; a copy of a frame whose set is open here joins it, and that frame is decided
     * with both copies once Redis answers again.
     */
    @Test
    void aNewFrameIsRefusedWhileRedisIsBehindAndAnOpenSetStillTakesItsCopies(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start();
        RedisSettings settings = new RedisSettings(List.of(server.url()), "standalone", "", "", Duration.ofSeconds(20),
                100, null, null);
        BatchingRedis redis = (BatchingRedis) RedisClients.create(vertx, settings, settings.servers(),
                new SimpleMeterRegistry());
        Deduplicator instance = new Deduplicator(vertx, redis, keys, Duration.ofMillis(150), Duration.ofMillis(50), "d",
                registry);
        byte[] openPhy = {0x40, 3, 3, 3, 3, 0, 7, 0, 6, 6, 6, 6};
        byte[] newPhy = {0x40, 4, 4, 4, 4, 0, 7, 0, 6, 6, 6, 6};
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.PING))
                .onComplete(test.succeeding(pong -> {
                    server.freeze();
                    Future<Optional<DeduplicatedUplink>> open = whole(instance.add(copy(openPhy, 868_100_000L, 1,
                            2.0)));
                    test.verify(() -> assertEquals(1, redis.pending(), "the open set's lock is owed"));
                    vertx.setTimer(100, t -> {
                        // Both copies arrive now: neither waited for the event loop, Redis is 100 ms behind.
                        Future<Optional<OwnedSet>> refused = instance.add(copy(newPhy, 868_100_000L, 1, 2.0));
                        Future<Optional<OwnedSet>> joined = instance.add(copy(openPhy, 868_100_000L, 2, 4.0));
                        test.verify(() -> {
                            Overloaded why = assertInstanceOf(Overloaded.class, refused.cause());
                            assertEquals(Overloaded.Reason.REDIS_BACKLOG, why.reason());
                            assertEquals("redis_backlog", why.metricReason());
                            assertTrue(joined.succeeded() && joined.result().isEmpty());
                            assertEquals(1, redis.pending(), "the refused frame sent nothing");
                        });
                        server.thaw();
                        open.onComplete(test.succeeding(all -> test.verify(() -> {
                            assertEquals(Set.of(1L, 2L), gateways(all.orElseThrow()));
                            assertEquals(0, redis.backlogNanos(System.nanoTime()), "Redis caught up");
                            server.close();
                            test.completeNow();
                        })));
                    });
                })));
    }

    @Test
    void aCopyAfterTheWindowIsDroppedAndCounted(VertxTestContext test) {
        byte[] phy = {0x40, 5, 6, 7, 8, 0, 2, 0, 1, 1, 1, 1};
        whole(instanceA.add(copy(phy, 868_300_000L, 1, 3.0))).compose(first -> {
            test.verify(() -> assertTrue(first.isPresent()));
            return whole(instanceB.add(copy(phy, 868_300_000L, 2, 3.0)));
        }).onComplete(test.succeeding(late -> test.verify(() -> {
            assertTrue(late.isEmpty());
            assertEquals(1.0, registry.get("lorawan.uplink.copies").tag("outcome", "late").counter().count());
            test.completeNow();
        })));
    }

    /**
     * The set's lock lies under the name other instances, and earlier versions, read: the frame id's text in the
     * key's text form, though the lock is written from the id's bytes.
     */
    @Test
    void theLockIsNamedByTheFrameIdsText(VertxTestContext test) {
        byte[] phy = {0x40, 6, 6, 6, 6, 0, 5, 0, 4, 4, 4, 4};
        UplinkFrame frame = copy(phy, 868_100_000L, 1, 3.0);
        whole(instanceA.add(frame)).compose(closed -> redisA.send(Request.cmd(Command.GET)
                        .arg(keys.dedupLock(Deduplicator.frameId(frame)))))
                .onComplete(test.succeeding(lock -> test.verify(() -> {
                    assertEquals("closed", String.valueOf(lock));
                    test.completeNow();
                })));
    }

    @Test
    void theSameBytesOnAnotherFrequencyAreAnotherTransmission(VertxTestContext test) {
        byte[] phy = {0x40, 9, 9, 9, 9, 0, 3, 0, 2, 2, 2, 2};
        Future<Optional<DeduplicatedUplink>> one = whole(instanceA.add(copy(phy, 868_100_000L, 1, 3.0)));
        Future<Optional<DeduplicatedUplink>> two = whole(instanceB.add(copy(phy, 868_500_000L, 2, 3.0)));
        Future.all(one, two).onComplete(test.succeeding(both -> test.verify(() -> {
            assertTrue(one.result().isPresent());
            assertTrue(two.result().isPresent());
            test.completeNow();
        })));
    }

    @Test
    void theCopyCodecKeepsEveryField() throws Exception {
        RxInfo full = new RxInfo(Eui64.parse("0016C001FF10A235"), 0xFFFFFFFFL, Instant.parse("2026-11-22T10:00:00.123456789Z"),
                1_400_000_000_123L, 999_999_999L, 7, 1, 2, -120, -118, -7.25, -1234, Instant.ofEpochSecond(5, 6));
        assertEquals(new Copy("instance-x", full), CopyCodec.decode(io.vertx.core.buffer.Buffer.buffer(
                CopyCodec.encode(new Copy("instance-x", full)))));
        RxInfo sparse = new RxInfo(Eui64.parse("0000000000000001"), 0, null, null, null, 0, 0, 0, -50, null, null,
                null, Instant.EPOCH);
        assertEquals(new Copy("", sparse), CopyCodec.decode(io.vertx.core.buffer.Buffer.buffer(
                CopyCodec.encode(new Copy("", sparse)))));
    }

    /**
     * The set's id, part of its Redis keys, which every instance of a cluster must agree on: the first half of the
     * PHYPayload's SHA-256 in hex, ':' and the frequency. SHA-256("abc") is FIPS 180-2's example (appendix B.1).
     */
    @Test
    void theFrameIdIsHalfTheSha256OfThePhyPayloadAndTheFrequency() {
        UplinkFrame frame = copy("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 868_100_000, 1, 5.0);
        assertEquals("ba7816bf8f01cfea414140de5dae2223:868100000", Deduplicator.frameId(frame));
        assertEquals("ba7816bf8f01cfea414140de5dae2223:868100000", Deduplicator.frameId(frame), "asked again");
    }

    /** The id's characters, written straight into a set's keys, are its hex digits and the frequency in decimal. */
    @Test
    void theFrameIdWritesItsDigitsForAnyFrequency() {
        for (long frequency : new long[] {0, 9, 10, 868_100_000, 2_425_000_000L, -1, -868_100_000, Long.MAX_VALUE,
            Long.MIN_VALUE}) {
            FrameId id = new FrameId(0x0123456789abcdefL, 0xfedcba9876543210L, frequency);
            String expected = "0123456789abcdeffedcba9876543210:" + Long.toString(frequency);
            assertEquals(expected, id.text());
            assertEquals(expected.length(), id.length());
            byte[] into = new byte[id.length() + 2];
            id.writeTo(into, 1);
            assertEquals("\0" + expected + "\0", new String(into, java.nio.charset.StandardCharsets.US_ASCII),
                    "written at its offset, and nothing around it");
        }
    }

    private static UplinkFrame copy(byte[] phy, long frequency, int gateway, double snr) {
        RxInfo rx = new RxInfo(new Eui64(gateway), 1000L * gateway, null, null, null, 0, 0, 0, -60 - gateway, null,
                snr, null, Instant.now());
        return new UplinkFrame(phy, frequency, new DataRate.LoRa(7, 125_000), "4/5", CrcStatus.OK, List.of(rx));
    }
}
