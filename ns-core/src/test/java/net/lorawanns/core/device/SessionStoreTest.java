package net.lorawanns.core.device;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SessionStoreTest {
    /** How long each frame holds its device's downlink path: RX1 and RX2 of a 1 s RX1 delay. */
    private static final Duration WINDOWS = Duration.ofSeconds(3);
    private static final Eui64 DEV = Eui64.parse("0102030405060708");
    private Vertx vertx;
    private RedisKeys keys;
    private Redis redis;
    private SessionStore one;
    private SessionStore other;
    private DeviceStore devices;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        one = new SessionStore(redis, keys, cipher);
        other = new SessionStore(TestRedis.client(vertx, settings), keys, cipher);
        devices = new DeviceStore(redis, keys);
    }

    @Test
    void twoInstancesRacingOnOneCounterAcceptItOnce(VertxTestContext test) {
        DeviceSession session = session("s1", "26011234");
        Future<Void> steps = devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session, -1, 0));
        for (long counter = 0; counter < 200; counter++) {
            long fCnt = counter;
            steps = steps.compose(v -> {
                List<Future<FCntDecision>> racing = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    racing.add((i % 2 == 0 ? one : other).accept(DEV, "s1", fCnt, WINDOWS, List.of(), false)
                            .map(CounterStep::decision));
                }
                return Future.all(racing).map(all -> {
                    long accepted = racing.stream().filter(f -> f.result() == FCntDecision.NEW).count();
                    long retransmissions = racing.stream()
                            .filter(f -> f.result() == FCntDecision.RETRANSMISSION).count();
                    assertEquals(1, accepted, "FCnt " + fCnt);
                    assertEquals(3, retransmissions, "FCnt " + fCnt);
                    return null;
                });
            });
        }
        steps.onComplete(test.succeedingThenComplete());
    }

    @Test
    void lowerCountersAreReplaysUnlessRelaxed(VertxTestContext test) {
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> decision(DEV, "s1", 9)).map(checks(decided -> assertEquals(FCntDecision.REPLAY, decided)))
                .compose(v -> decision(DEV, "s1", 10))
                .map(checks(decided -> assertEquals(FCntDecision.RETRANSMISSION, decided)))
                .compose(v -> decision(DEV, "s1", 70_000))
                .map(checks(decided -> assertEquals(FCntDecision.NEW, decided)))
                .compose(v -> devices.put(abp(DEV, true)))
                .compose(v -> one.accept(DEV, "s1", 0, WINDOWS, List.of(), false)).map(reset -> {
                    assertEquals(FCntDecision.RESET, reset.decision());
                    assertEquals(Optional.of(abp(DEV, true)), reset.device(),
                            "the step reads the device record as it is now");
                    return null;
                })
                .compose(v -> decision(DEV, "s1", 1)).map(checks(decided -> assertEquals(FCntDecision.NEW, decided)))
                .compose(v -> redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV))))
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    long ttl = reply.toLong();
                    assertEquals(-1, ttl, "ABP sessions do not expire");
                    test.completeNow();
                })));
    }

    /** LoRaWAN 1.1 section 6.2.4.1: RJcount0 must grow; the device counts from 0 again in each new session. */
    @Test
    void rejoinCount0MustGrowWithinASessionAndStartsAgainInTheNext(VertxTestContext test) {
        Device otaa = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_1_0,
                "app", false, Optional.empty());
        devices.put(otaa)
                .compose(v -> one.setActive(DEV, session("old", "26000001"), 41, 5))
                .compose(v -> {
                    List<Future<Optional<String>>> racing = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        racing.add((i % 2 == 0 ? one : other).useRejoinCount0(DEV, "old", 0));
                    }
                    return Future.all(racing).map(all -> {
                        assertEquals(1, racing.stream().filter(f -> f.result().isEmpty()).count(),
                                "one instance accepts RJcount0 0");
                        return null;
                    });
                })
                .compose(v -> one.useRejoinCount0(DEV, "old", 0)).map(refused -> {
                    assertEquals(Optional.of("RJcount0 0 is not greater than the last one, 0"), refused);
                    return null;
                })
                .compose(v -> one.useRejoinCount0(DEV, "old", 5))
                .map(checks(accepted -> assertEquals(Optional.empty(), accepted)))
                .compose(v -> one.useRejoinCount0(DEV, "old", 4))
                .map(checks(lower -> assertTrue(lower.isPresent(), "a lower RJcount0 is refused")))
                .compose(v -> one.setPending(DEV, session("new", "26000002")))
                .compose(v -> one.useRejoinCount0(DEV, "new", 0))
                .map(checks(pending -> assertTrue(pending.isPresent(), "a pending session has no rejoins yet")))
                .compose(v -> decision(DEV, "new", 0)).map(checks(decided -> assertEquals(FCntDecision.NEW, decided)))
                .compose(v -> one.useRejoinCount0(DEV, "new", 0))
                .map(checks(first -> assertEquals(Optional.empty(), first, "the new session counts from 0")))
                .compose(v -> one.useRejoinCount0(DEV, "old", 6))
                .onComplete(test.succeeding(gone -> test.verify(() -> {
                    assertTrue(gone.isPresent(), "the old session is gone");
                    test.completeNow();
                })));
    }

    @Test
    void aForceRejoinRequestIsTakenByTheNextNewFrameOnly(VertxTestContext test) {
        Device otaa = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_1_0,
                "app", false, Optional.empty());
        devices.put(otaa)
                .compose(v -> one.forceRejoin(DEV, 2))
                .map(checks(asked -> assertFalse(asked, "no session to send it in")))
                .compose(v -> one.setActive(DEV, session("s1", "26000001"), 10, 0))
                .compose(v -> one.forceRejoin(DEV, 2)).map(checks(asked -> assertTrue(asked)))
                .compose(v -> one.accept(DEV, "s1", 10, WINDOWS, List.of(), false)).map(step -> {
                    assertEquals(OptionalInt.empty(), step.forceRejoinType(), "a retransmission");
                    return null;
                })
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(OptionalInt.of(2), step.forceRejoinType())))
                .compose(v -> one.accept(DEV, "s1", 12, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(OptionalInt.empty(), step.forceRejoinType(), "sent once")))
                .compose(v -> one.forceRejoin(DEV, 0)).map(checks(asked -> assertTrue(asked)))
                .compose(v -> one.setPending(DEV, session("s2", "26000002")))
                .compose(v -> one.accept(DEV, "s2", 0, WINDOWS, List.of(), false))
                .onComplete(test.succeeding(step -> test.verify(() -> {
                    assertEquals(OptionalInt.empty(), step.forceRejoinType(), "a new session has rejoined already");
                    test.completeNow();
                })));
    }

    /**
     * A confirmed frame's counter step takes the NFCntDown of its answer when nothing is queued, in order with the
     * counters taken otherwise; not for a replay, not with an application downlink queued (the answer may carry it
     * with its own counter), not when not asked.
     */
    @Test
    void aConfirmedFramesStepTakesItsAnswersDownlinkCounterWhenNothingIsQueued(VertxTestContext test) {
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), true))
                .map(checks(step -> assertEquals(OptionalLong.of(0), step.fCntDown())))
                .compose(v -> other.accept(DEV, "s1", 11, WINDOWS, List.of(), true)).map(step -> {
                    assertEquals(OptionalLong.of(1), step.fCntDown(),
                            "a retransmission is answered again, with a counter of its own");
                    return null;
                })
                .compose(v -> one.nextFCntDown(DEV, false)).map(checks(next -> assertEquals(2L, next)))
                .compose(v -> one.accept(DEV, "s1", 12, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(OptionalLong.empty(), step.fCntDown())))
                .compose(v -> one.accept(DEV, "s1", 5, WINDOWS, List.of(), true)).map(replay -> {
                    assertEquals(FCntDecision.REPLAY, replay.decision());
                    assertEquals(OptionalLong.empty(), replay.fCntDown());
                    return null;
                })
                .compose(v -> redis.send(Request.cmd(Command.RPUSH).arg(keys.downlinkQueue(DEV)).arg("item")))
                .compose(v -> one.accept(DEV, "s1", 13, WINDOWS, List.of(), true)).map(queued -> {
                    assertEquals(1, queued.queueLength());
                    assertEquals(OptionalLong.empty(), queued.fCntDown());
                    return null;
                })
                .compose(v -> one.nextFCntDown(DEV, false))
                .onComplete(test.succeeding(next -> test.verify(() -> {
                    assertEquals(3L, next, "no counter was taken and left unused");
                    test.completeNow();
                })));
    }

    /** A reset (relax_fcnt) is answered as a new frame is; a pending session's first frame takes its first counter. */
    @Test
    void aResetAndANewSessionsFirstFrameTakeTheirAnswersDownlinkCounter(VertxTestContext test) {
        devices.put(abp(DEV, true))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 5))
                .compose(v -> one.accept(DEV, "s1", 0, WINDOWS, List.of(), true)).map(reset -> {
                    assertEquals(FCntDecision.RESET, reset.decision());
                    assertEquals(OptionalLong.of(5), reset.fCntDown());
                    return null;
                })
                .compose(v -> one.setPending(DEV, session("s2", "26011235")))
                .compose(v -> one.accept(DEV, "s2", 0, WINDOWS, List.of(), true)).map(step -> {
                    assertEquals(OptionalLong.of(0), step.fCntDown(), "counters start over with the new session");
                    return null;
                })
                .compose(v -> one.nextFCntDown(DEV, false))
                .onComplete(test.succeeding(next -> test.verify(() -> {
                    assertEquals(1L, next);
                    test.completeNow();
                })));
    }

    @Test
    void aFramesMacStateIsKeptOnlyWhileItIsTheSessionsLastFrame(VertxTestContext test) {
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacState first = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        MacState later = first.with(f -> f.maxDutyCycle = 4);
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(FCntDecision.NEW, step.decision())))
                .compose(v -> other.accept(DEV, "s1", 12, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(FCntDecision.NEW, step.decision())))
                .compose(v -> other.saveMacState(DEV, "s1", 12, later, WINDOWS)).map(checks(saved -> assertTrue(saved)))
                // Frame 11's save comes late, after frame 12 was decided and saved: it must not undo frame 12's state.
                .compose(v -> one.saveMacState(DEV, "s1", 11, first, WINDOWS)).map(checks(saved -> assertFalse(saved)))
                .compose(v -> one.saveMacState(DEV, "s0", 12, first, WINDOWS))
                .map(checks(saved -> assertFalse(saved, "another session's")))
                .compose(v -> one.accept(DEV, "s1", 13, WINDOWS, List.of(), false))
                .onComplete(test.succeeding(step -> test.verify(() -> {
                    assertEquals(later, step.macState().orElseThrow());
                    test.completeNow();
                })));
    }

    /**
     * The step keeps what it parsed with the bytes it came from (CounterStepReads), from the device's second step:
     * unchanged bytes are not parsed again, and a record or MAC state changed in Redis, by another instance or by
     * hand, is read as it is now.
     */
    @Test
    void theCounterStepReadsEveryChangeOfTheDeviceRecordAndMacStateWhoeverMadeIt(VertxTestContext test) {
        Device moved = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_4, "other-app", true,
                Optional.empty());
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacState saved = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        MacState byHand = saved.with(f -> f.maxDutyCycle = 7);
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), false))
                .compose(first -> one.accept(DEV, "s1", 12, WINDOWS, List.of(), false)
                        .compose(second -> one.accept(DEV, "s1", 13, WINDOWS, List.of(), false).map(third -> {
                            assertEquals(Optional.of(abp(DEV, false)), third.device());
                            assertNotSame(first.device().orElseThrow(), second.device().orElseThrow(),
                                    "a device's first step keeps none");
                            assertSame(second.device().orElseThrow(), third.device().orElseThrow(),
                                    "unchanged bytes, parsed once more");
                            return null;
                        })))
                .compose(v -> new DeviceStore(TestRedis.client(vertx, TestRedis.settings()), keys).put(moved))
                .compose(v -> one.accept(DEV, "s1", 14, WINDOWS, List.of(), false)).map(step -> {
                    assertEquals(Optional.of(moved), step.device(), "a record another instance changed");
                    return null;
                })
                .compose(v -> other.saveMacState(DEV, "s1", 14, saved, WINDOWS)).map(checks(kept -> assertTrue(kept)))
                .compose(v -> one.accept(DEV, "s1", 15, WINDOWS, List.of(), false)).map(step -> {
                    assertEquals(saved, step.macState().orElseThrow(), "a MAC state another instance saved");
                    return null;
                })
                .compose(v -> redis.send(Request.cmd(Command.HSET).arg(keys.session(DEV)).arg("m")
                        .arg(byHand.toJson().encode())))
                .compose(v -> one.accept(DEV, "s1", 16, WINDOWS, List.of(), false)).compose(step -> {
                    MacState read = step.macState().orElseThrow();
                    assertEquals(byHand, read, "a MAC state changed in Redis");
                    return one.accept(DEV, "s1", 17, WINDOWS, List.of(), false).map(again -> {
                        assertSame(read, again.macState().orElseThrow(), "unchanged bytes, parsed once");
                        return null;
                    });
                })
                .onComplete(test.succeedingThenComplete());
    }

    /**
     * A saved MAC state's span of receive windows ({@code rw}; a longer RX1 delay, RXTimingSetupReq) holds the
     * downlink path after every later uplink ({@code lw}), on any instance, whatever that instance keeps of the
     * device, in place of the session's span. A pending session that becomes active starts without it.
     */
    @Test
    void theReceiveWindowsASavedMacStateAsksForHoldThePathAfterEachUplink(VertxTestContext test) {
        MacState state = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(5, 0, 0, 869_525_000L));
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), false))
                .compose(v -> one.saveMacState(DEV, "s1", 11, state, Duration.ofMillis(7_100)))
                .map(checks(saved -> assertTrue(saved)))
                .compose(v -> other.accept(DEV, "s1", 12, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(FCntDecision.NEW, step.decision())))
                .compose(v -> sessionField("lw")).map(lw -> {
                    assertEquals("7100", lw, "the state's span on an instance that never read it");
                    return null;
                })
                .compose(v -> other.accept(DEV, "s1", 12, WINDOWS, List.of(), false))
                .map(checks(step -> assertEquals(FCntDecision.RETRANSMISSION, step.decision())))
                .compose(v -> sessionField("lw")).map(checks(lw -> assertEquals("7100", lw, "a retransmission's")))
                .compose(v -> one.accept(DEV, "s1", 13, Duration.ofSeconds(2), List.of(), false))
                .compose(v -> sessionField("lw")).map(checks(lw -> assertEquals("7100", lw, "not the session's")))
                .compose(v -> one.setPending(DEV, session("s2", "26011235")))
                .compose(v -> other.accept(DEV, "s2", 0, WINDOWS, List.of(), false))
                .compose(v -> sessionField("lw")).map(checks(lw -> assertEquals("3000", lw, "a new session's own")))
                .compose(v -> sessionField("rw"))
                .onComplete(test.succeeding(rw -> test.verify(() -> {
                    assertNull(rw);
                    test.completeNow();
                })));
    }

    private Future<String> sessionField(String field) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.session(DEV)).arg(field))
                .map(value -> value == null ? null : value.toString());
    }

    /** The gateways that heard a frame, stored as the session hash's {@code gw} text and read back (HeardBy). */
    @Test
    void theGatewaysThatHeardAFrameAreStoredInTheirTextForm(VertxTestContext test) {
        List<HeardBy> heard = List.of(new HeardBy(Eui64.parse("AA5500000000000F"), false, -57, 9.5),
                new HeardBy(Eui64.parse("00000000000000A1"), false, -104, -7.25),
                new HeardBy(Eui64.parse("FFFFFFFFFFFFFFFF"), true, -112, null),
                new HeardBy(Eui64.parse("0102030405060708"), true, null, null));
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, heard, false))
                .compose(v -> redis.send(Request.cmd(Command.HGET).arg(keys.session(DEV)).arg("gw"))).map(gw -> {
                    assertEquals("AA5500000000000F/-57/9.5 00000000000000A1/-104/-7.25 FFFFFFFFFFFFFFFF+gps/-112/ "
                            + "0102030405060708+gps", gw.toString());
                    return null;
                })
                .compose(v -> one.state(DEV))
                .onComplete(test.succeeding(state -> test.verify(() -> {
                    assertEquals(heard, state.heardBy());
                    test.completeNow();
                })));
    }

    /** Two devices whose DevEUIs share a slot of the kept reads: each step still gets its own device's record. */
    @Test
    void devicesSharingASlotOfTheKeptReadsEachGetTheirOwn(VertxTestContext test) {
        // The same Long.hashCode, so the same slot whatever the table's size.
        Eui64 twin = new Eui64(DEV.value() ^ 0x0000_0001_0000_0001L);
        assertEquals(Long.hashCode(DEV.value()), Long.hashCode(twin.value()));
        Future<Void> steps = devices.put(abp(DEV, false))
                .compose(v -> devices.put(new Device(twin, Optional.empty(), MacVersion.LORAWAN_1_0_4, "twin-app",
                        true, Optional.empty())))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.setActive(twin, session("t1", "26011235"), 10, 0));
        for (long counter = 11; counter < 15; counter++) {
            long fCnt = counter;
            steps = steps
                    .compose(v -> one.accept(DEV, "s1", fCnt, WINDOWS, List.of(), false))
                    .map(checks(step -> assertEquals("app", step.device().orElseThrow().applicationId())))
                    .compose(v -> one.accept(twin, "t1", fCnt, WINDOWS, List.of(), false))
                    .map(checks(step -> assertEquals("twin-app", step.device().orElseThrow().applicationId())));
        }
        steps.onComplete(test.succeedingThenComplete());
    }

    @Test
    void theStepOfADeletedDeviceIsStaleAndAdvancesNothing(VertxTestContext test) {
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> devices.delete(DEV))
                .compose(v -> one.accept(DEV, "s1", 11, WINDOWS, List.of(), false))
                .onComplete(test.succeeding(step -> test.verify(() -> {
                    assertEquals(FCntDecision.STALE, step.decision());
                    assertTrue(step.device().isEmpty());
                    test.completeNow();
                })));
    }

    @Test
    void aPendingSessionBecomesActiveOnItsFirstUplinkWhileTheOldOneAnswersUntilThen(VertxTestContext test) {
        Device otaa = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty());
        devices.put(otaa)
                .compose(v -> one.setActive(DEV, session("old", "26000001"), 41, 5))
                .compose(v -> one.setPending(DEV, session("new", "26000002")))
                .compose(v -> one.candidates(DevAddr.parse("26000001")))
                .map(checks(active -> assertEquals(1, active.size())))
                .compose(v -> one.candidates(DevAddr.parse("26000002"))).map(pending -> {
                    assertEquals(1, pending.size());
                    assertTrue(pending.get(0).pending());
                    return null;
                })
                .compose(v -> decision(DEV, "old", 42)).map(checks(decided -> assertEquals(FCntDecision.NEW, decided)))
                .compose(v -> decision(DEV, "new", 0)).map(checks(decided -> assertEquals(FCntDecision.NEW, decided)))
                .compose(v -> decision(DEV, "old", 43))
                .map(checks(decided -> assertEquals(FCntDecision.STALE, decided)))
                .compose(v -> one.nextFCntDown(DEV, false))
                .map(checks(next -> assertEquals(0L, next, "counters start over with the new session")))
                .compose(v -> one.candidates(DevAddr.parse("26000001"))).map(checks(old -> assertTrue(old.isEmpty())))
                .compose(v -> one.sessionsOf(DEV)).map(sessions -> {
                    assertEquals(1, sessions.size(), "the pending session became the only one");
                    assertEquals("new", sessions.get(0).session().id());
                    assertFalse(sessions.get(0).pending());
                    assertEquals(0L, sessions.get(0).lastFCntUp());
                    return null;
                })
                .compose(v -> redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV))))
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    long ttl = reply.toLong();
                    assertTrue(ttl > 0 && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(),
                            "OTAA sessions expire: " + ttl);
                    test.completeNow();
                })));
    }

    @Test
    void devicesSharingADevAddrAreAllCandidates(VertxTestContext test) {
        Eui64 second = Eui64.parse("0102030405060709");
        one.setActive(DEV, session("a", "26000003"), -1, 0)
                .compose(v -> one.setActive(second, session("b", "26000003"), -1, 0))
                .compose(v -> one.candidates(DevAddr.parse("26000003")))
                .onComplete(test.succeeding(candidates -> test.verify(() -> {
                    assertEquals(2, candidates.size());
                    test.completeNow();
                })));
    }

    @Test
    void aDevAddrIndexLivesAsLongAsTheSessionsItPointsTo(VertxTestContext test) {
        DevAddr otaa = DevAddr.parse("26000020");
        Eui64 abpDevice = Eui64.parse("0102030405060710");
        Device joining = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty());
        devices.put(joining)
                .compose(v -> one.setPending(DEV, session("joined", "26000020")))
                .compose(v -> pttl(keys.devAddr(otaa))).map(ttl -> {
                    assertTrue(ttl > SessionStore.OTAA_SESSION_TTL.toMillis() - 60_000
                            && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(),
                            "a join's index expires with its session: " + ttl);
                    return null;
                })
                .compose(v -> one.setActive(abpDevice, session("abp", "26000020"), -1, 0))
                .compose(v -> pttl(keys.devAddr(otaa))).map(ttl -> {
                    assertEquals(-1, ttl, "an ABP device's index does not expire while it is there");
                    return null;
                })
                .compose(v -> one.delete(abpDevice))
                .compose(v -> pttl(keys.devAddr(otaa))).map(ttl -> {
                    assertTrue(ttl > 0, "without the ABP device the index expires again: " + ttl);
                    return null;
                })
                .compose(v -> one.delete(DEV))
                .compose(v -> pttl(keys.devAddr(otaa)))
                .onComplete(test.succeeding(ttl -> test.verify(() -> {
                    assertEquals(-2, ttl, "an index without entries is gone");
                    test.completeNow();
                })));
    }

    @Test
    void cleaningADevAddrIndexNeverDropsTheEntryOfAConcurrentJoin(VertxTestContext test) {
        DevAddr contested = DevAddr.parse("26000030");
        String index = keys.devAddr(contested);
        Device otaa = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty());
        devices.put(otaa)
                .compose(v -> one.setPending(DEV, session("there", "26000030")))
                .compose(v -> one.setActive(DEV, session("elsewhere", "26000031"), -1, 0))
                // One instance finds the device's entry stale (the device moved to another DevAddr) ...
                .compose(v -> redis.send(Request.cmd(Command.HGET).arg(index).arg(DEV.toString())))
                .compose(entry -> {
                    String stale = entry.toString();
                    // ... and before it removes the entry, the device joins again onto the same DevAddr
                    // through another.
                    return other.setPending(DEV, session("back", "26000030"))
                            .compose(v -> one.forgetIfUnchanged(DEV, contested, stale));
                }).map(checks(forgotten -> assertFalse(forgotten, "the join's entry is not the stale one")))
                .compose(v -> one.candidates(contested)).map(found -> {
                    assertEquals(1, found.size(), "the join's entry survived the clean-up");
                    assertEquals("back", found.get(0).session().id());
                    return null;
                })
                .compose(v -> other.setActive(DEV, session("gone-again", "26000031"), -1, 0))
                .compose(v -> one.candidates(contested)).map(checks(found -> assertTrue(found.isEmpty())))
                .compose(v -> redis.send(Request.cmd(Command.EXISTS).arg(index)))
                .onComplete(test.succeeding(exists -> test.verify(() -> {
                    assertEquals(0, exists.toInteger(),
                            "an unchanged stale entry is removed, and its empty index with it");
                    test.completeNow();
                })));
    }

    @Test
    void counterStepsOnADeletedSessionRecreateNothing(VertxTestContext test) {
        devices.put(abp(DEV, false))
                .compose(v -> one.setActive(DEV, session("s1", "26011234"), 10, 0))
                .compose(v -> one.delete(DEV))
                .compose(v -> decision(DEV, "s1", 11)).map(checks(decided -> assertEquals(FCntDecision.STALE, decided)))
                .compose(v -> one.nextFCntDown(DEV, false).transform(Future::succeededFuture)).map(next -> {
                    assertTrue(next.failed(), "no downlink counter for a session that is gone");
                    return null;
                })
                .compose(v -> redis.send(Request.cmd(Command.EXISTS).arg(keys.session(DEV)))).map(exists -> {
                    assertEquals(0, exists.toInteger(), "the session's hash was not recreated");
                    return null;
                })
                .compose(v -> redis.send(Request.cmd(Command.EXISTS).arg(keys.devAddr(DevAddr.parse("26011234")))))
                .onComplete(test.succeeding(exists -> test.verify(() -> {
                    assertEquals(0, exists.toInteger(), "nor its DevAddr's index");
                    test.completeNow();
                })));
    }

    @Test
    void aStepWhoseAnswerWasLostIsTakenBackSoThatTheRetransmissionIsDelivered(VertxTestContext test) {
        RedisProcess frozen = RedisProcess.start();
        RedisSettings settings = new RedisSettings(List.of(frozen.url()), "standalone", "", "",
                Duration.ofMillis(300), 100, null, null);
        Redis client = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        SessionStore store = new SessionStore(client, keys,
                new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of()));
        DeviceStore records = new DeviceStore(client, keys);
        Context context = vertx.getOrCreateContext();
        records.put(abp(DEV, false))
                .compose(v -> store.setActive(DEV, session("s1", "26011234"), 4, 0))
                .compose(v -> on(context, () -> client.send(Request.cmd(Command.PING)).<Void>mapEmpty()))
                .compose(v -> {
                    frozen.freeze();
                    // The step is sent, and Redis answers nothing within the deadline: the frame is dropped ...
                    return on(context, () -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false))
                            .transform(Future::succeededFuture);
                })
                .compose(lost -> {
                    Throwable cause = lost.cause();
                    assertEquals(RedisFailure.Kind.TIMEOUT, ((RedisFailure) cause).kind());
                    // ... while Redis, once it goes on, makes the step, and then takes it back.
                    frozen.thaw();
                    return on(context, () -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false));
                })
                .compose(again -> {
                    assertEquals(FCntDecision.NEW, again.decision(),
                            "the device's retransmission of FCnt 5 is a new frame, not a retransmission of a lost one");
                    return on(context, () -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false));
                })
                .map(next -> {
                    assertEquals(FCntDecision.RETRANSMISSION, next.decision(), "a step that was answered stays");
                    return null;
                })
                .eventually(() -> {
                    frozen.close();
                    return Future.succeededFuture();
                })
                .onComplete(test.succeedingThenComplete());
    }

    /** A step of a chain that checks what the step before it gave, and gives nothing on. */
    private static <T> Function<T, Void> checks(Consumer<T> assertions) {
        return value -> {
            assertions.accept(value);
            return null;
        };
    }

    /** Runs {@code step} on {@code context}, as the steps of one connection that a test freezes must run. */
    private static <T> Future<T> on(Context context, Supplier<Future<T>> step) {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> step.get().onComplete(done));
        return done.future();
    }

    private Future<Long> pttl(String key) {
        return redis.send(Request.cmd(Command.PTTL).arg(key)).map(reply -> reply.toLong());
    }

    private Future<FCntDecision> decision(Eui64 devEui, String sessionId, long fCnt) {
        return one.accept(devEui, sessionId, fCnt, WINDOWS, List.of(), false).map(CounterStep::decision);
    }

    private static Device abp(Eui64 devEui, boolean relax) {
        return new Device(devEui, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", relax, Optional.empty());
    }

    static DeviceSession session(String id, String devAddr) {
        AesKey key = AesKey.of(new byte[16]);
        return new DeviceSession(id, DevAddr.parse(devAddr), false, key, key, key, Optional.of(key),
                Optional.empty(), 0, 0, 1);
    }
}
