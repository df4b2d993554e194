package net.lorawanns.core.device;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        one = new SessionStore(redis, keys, cipher);
        other = new SessionStore(TestRedis.client(vertx, settings), keys, cipher);
        devices = new DeviceStore(redis, keys);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoInstancesRacingOnOneCounterAcceptItOnce() throws Exception {
        DeviceSession session = session("s1", "26011234");
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session, -1, 0));
        for (long fCnt = 0; fCnt < 200; fCnt++) {
            List<Future<FCntDecision>> racing = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                racing.add((i % 2 == 0 ? one : other).accept(DEV, "s1", fCnt, WINDOWS, List.of(), false).map(CounterStep::decision));
            }
            Future.all(racing).await(10, TimeUnit.SECONDS);
            long accepted = racing.stream().filter(f -> f.result() == FCntDecision.NEW).count();
            long retransmissions = racing.stream().filter(f -> f.result() == FCntDecision.RETRANSMISSION).count();
            assertEquals(1, accepted, "FCnt " + fCnt);
            assertEquals(3, retransmissions, "FCnt " + fCnt);
        }
    }

    @Test
    void lowerCountersAreReplaysUnlessRelaxed() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        assertEquals(FCntDecision.REPLAY, decision(DEV, "s1", 9));
        assertEquals(FCntDecision.RETRANSMISSION, decision(DEV, "s1", 10));
        assertEquals(FCntDecision.NEW, decision(DEV, "s1", 70_000));
        await(devices.put(abp(DEV, true)));
        CounterStep reset = await(one.accept(DEV, "s1", 0, WINDOWS, List.of(), false));
        assertEquals(FCntDecision.RESET, reset.decision());
        assertEquals(Optional.of(abp(DEV, true)), reset.device(), "the step reads the device record as it is now");
        assertEquals(FCntDecision.NEW, decision(DEV, "s1", 1));
        long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV)))).toLong();
        assertEquals(-1, ttl, "ABP sessions do not expire");
    }

    /** LoRaWAN 1.1 section 6.2.4.1: RJcount0 must grow; the device counts from 0 again in each new session. */
    @Test
    void rejoinCount0MustGrowWithinASessionAndStartsAgainInTheNext() throws Exception {
        await(devices.put(new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_1_0,
                "app", false, Optional.empty())));
        await(one.setActive(DEV, session("old", "26000001"), 41, 5));
        List<Future<Optional<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racing.add((i % 2 == 0 ? one : other).useRejoinCount0(DEV, "old", 0));
        }
        Future.all(racing).await(10, TimeUnit.SECONDS);
        assertEquals(1, racing.stream().filter(f -> f.result().isEmpty()).count(), "one instance accepts RJcount0 0");
        assertEquals(Optional.of("RJcount0 0 is not greater than the last one, 0"),
                await(one.useRejoinCount0(DEV, "old", 0)));
        assertEquals(Optional.empty(), await(one.useRejoinCount0(DEV, "old", 5)));
        assertTrue(await(one.useRejoinCount0(DEV, "old", 4)).isPresent(), "a lower RJcount0 is refused");

        await(one.setPending(DEV, session("new", "26000002")));
        assertTrue(await(one.useRejoinCount0(DEV, "new", 0)).isPresent(), "a pending session has no rejoins yet");
        assertEquals(FCntDecision.NEW, decision(DEV, "new", 0));
        assertEquals(Optional.empty(), await(one.useRejoinCount0(DEV, "new", 0)), "the new session counts from 0");
        assertTrue(await(one.useRejoinCount0(DEV, "old", 6)).isPresent(), "the old session is gone");
    }

    @Test
    void aForceRejoinRequestIsTakenByTheNextNewFrameOnly() throws Exception {
        await(devices.put(new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_1_0,
                "app", false, Optional.empty())));
        assertFalse(await(one.forceRejoin(DEV, 2)), "no session to send it in");
        await(one.setActive(DEV, session("s1", "26000001"), 10, 0));
        assertTrue(await(one.forceRejoin(DEV, 2)));
        assertEquals(OptionalInt.empty(), await(one.accept(DEV, "s1", 10, WINDOWS, List.of(), false)).forceRejoinType(), "a retransmission");
        assertEquals(OptionalInt.of(2), await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), false)).forceRejoinType());
        assertEquals(OptionalInt.empty(), await(one.accept(DEV, "s1", 12, WINDOWS, List.of(), false)).forceRejoinType(), "sent once");

        assertTrue(await(one.forceRejoin(DEV, 0)));
        await(one.setPending(DEV, session("s2", "26000002")));
        assertEquals(OptionalInt.empty(), await(one.accept(DEV, "s2", 0, WINDOWS, List.of(), false)).forceRejoinType(),
                "a new session has rejoined already");
    }

    /**
     * A confirmed frame's counter step takes the NFCntDown of its answer when nothing is queued, in order with the
     * counters taken otherwise; not for a replay, not with an application downlink queued (the answer may carry it
     * with its own counter), not when not asked.
     */
    @Test
    void aConfirmedFramesStepTakesItsAnswersDownlinkCounterWhenNothingIsQueued() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        assertEquals(OptionalLong.of(0), await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), true)).fCntDown());
        assertEquals(OptionalLong.of(1), await(other.accept(DEV, "s1", 11, WINDOWS, List.of(), true)).fCntDown(),
                "a retransmission is answered again, with a counter of its own");
        assertEquals(2L, await(one.nextFCntDown(DEV, false)));
        assertEquals(OptionalLong.empty(), await(one.accept(DEV, "s1", 12, WINDOWS, List.of(), false)).fCntDown());
        CounterStep replay = await(one.accept(DEV, "s1", 5, WINDOWS, List.of(), true));
        assertEquals(FCntDecision.REPLAY, replay.decision());
        assertEquals(OptionalLong.empty(), replay.fCntDown());
        await(redis.send(Request.cmd(Command.RPUSH).arg(keys.downlinkQueue(DEV)).arg("item")));
        CounterStep queued = await(one.accept(DEV, "s1", 13, WINDOWS, List.of(), true));
        assertEquals(1, queued.queueLength());
        assertEquals(OptionalLong.empty(), queued.fCntDown());
        assertEquals(3L, await(one.nextFCntDown(DEV, false)), "no counter was taken and left unused");
    }

    /** A reset (relax_fcnt) is answered as a new frame is; a pending session's first frame takes its first counter. */
    @Test
    void aResetAndANewSessionsFirstFrameTakeTheirAnswersDownlinkCounter() throws Exception {
        await(devices.put(abp(DEV, true)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 5));
        CounterStep reset = await(one.accept(DEV, "s1", 0, WINDOWS, List.of(), true));
        assertEquals(FCntDecision.RESET, reset.decision());
        assertEquals(OptionalLong.of(5), reset.fCntDown());
        await(one.setPending(DEV, session("s2", "26011235")));
        assertEquals(OptionalLong.of(0), await(one.accept(DEV, "s2", 0, WINDOWS, List.of(), true)).fCntDown(),
                "counters start over with the new session");
        assertEquals(1L, await(one.nextFCntDown(DEV, false)));
    }

    @Test
    void aFramesMacStateIsKeptOnlyWhileItIsTheSessionsLastFrame() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacState first = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        MacState later = first.with(f -> f.maxDutyCycle = 4);
        assertEquals(FCntDecision.NEW, await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), false)).decision());
        assertEquals(FCntDecision.NEW, await(other.accept(DEV, "s1", 12, WINDOWS, List.of(), false)).decision());
        assertTrue(await(other.saveMacState(DEV, "s1", 12, later, WINDOWS)));
        // Frame 11's save comes late, after frame 12 was decided and saved: it must not undo frame 12's state.
        assertFalse(await(one.saveMacState(DEV, "s1", 11, first, WINDOWS)));
        assertFalse(await(one.saveMacState(DEV, "s0", 12, first, WINDOWS)), "another session's");
        assertEquals(later, await(one.accept(DEV, "s1", 13, WINDOWS, List.of(), false)).macState().orElseThrow());
    }

    /**
     * The step keeps what it parsed with the bytes it came from (CounterStepReads), from the device's second step:
     * unchanged bytes are not parsed again, and a record or MAC state changed in Redis, by another instance or by
     * hand, is read as it is now.
     */
    @Test
    void theCounterStepReadsEveryChangeOfTheDeviceRecordAndMacStateWhoeverMadeIt() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        CounterStep first = await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), false));
        CounterStep second = await(one.accept(DEV, "s1", 12, WINDOWS, List.of(), false));
        CounterStep third = await(one.accept(DEV, "s1", 13, WINDOWS, List.of(), false));
        assertEquals(Optional.of(abp(DEV, false)), third.device());
        assertNotSame(first.device().orElseThrow(), second.device().orElseThrow(), "a device's first step keeps none");
        assertSame(second.device().orElseThrow(), third.device().orElseThrow(), "unchanged bytes, parsed once more");

        Device moved = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_4, "other-app", true,
                Optional.empty());
        await(new DeviceStore(TestRedis.client(vertx, TestRedis.settings()), keys).put(moved));
        assertEquals(Optional.of(moved), await(one.accept(DEV, "s1", 14, WINDOWS, List.of(), false)).device(),
                "a record another instance changed");

        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacState saved = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        assertTrue(await(other.saveMacState(DEV, "s1", 14, saved, WINDOWS)));
        assertEquals(saved, await(one.accept(DEV, "s1", 15, WINDOWS, List.of(), false)).macState().orElseThrow(),
                "a MAC state another instance saved");
        MacState byHand = saved.with(f -> f.maxDutyCycle = 7);
        await(redis.send(Request.cmd(Command.HSET).arg(keys.session(DEV)).arg("m").arg(byHand.toJson().encode())));
        MacState read = await(one.accept(DEV, "s1", 16, WINDOWS, List.of(), false)).macState().orElseThrow();
        assertEquals(byHand, read, "a MAC state changed in Redis");
        assertSame(read, await(one.accept(DEV, "s1", 17, WINDOWS, List.of(), false)).macState().orElseThrow(),
                "unchanged bytes, parsed once");
    }

    /**
     * A saved MAC state's span of receive windows ({@code rw}; a longer RX1 delay, RXTimingSetupReq) holds the
     * downlink path after every later uplink ({@code lw}), on any instance, whatever that instance keeps of the
     * device, in place of the session's span. A pending session that becomes active starts without it.
     */
    @Test
    void theReceiveWindowsASavedMacStateAsksForHoldThePathAfterEachUplink() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        MacState state = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(5, 0, 0, 869_525_000L));
        await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), false));
        assertTrue(await(one.saveMacState(DEV, "s1", 11, state, Duration.ofMillis(7_100))));

        assertEquals(FCntDecision.NEW, await(other.accept(DEV, "s1", 12, WINDOWS, List.of(), false)).decision());
        assertEquals("7100", sessionField("lw"), "the state's span on an instance that never read it");
        assertEquals(FCntDecision.RETRANSMISSION,
                await(other.accept(DEV, "s1", 12, WINDOWS, List.of(), false)).decision());
        assertEquals("7100", sessionField("lw"), "a retransmission's");
        await(one.accept(DEV, "s1", 13, Duration.ofSeconds(2), List.of(), false));
        assertEquals("7100", sessionField("lw"), "not the session's");

        await(one.setPending(DEV, session("s2", "26011235")));
        await(other.accept(DEV, "s2", 0, WINDOWS, List.of(), false));
        assertEquals("3000", sessionField("lw"), "a new session's own");
        assertNull(sessionField("rw"));
    }

    private String sessionField(String field) throws Exception {
        Response value = await(redis.send(Request.cmd(Command.HGET).arg(keys.session(DEV)).arg(field)));
        return value == null ? null : value.toString();
    }

    /** The gateways that heard a frame, stored as the session hash's {@code gw} text and read back (HeardBy). */
    @Test
    void theGatewaysThatHeardAFrameAreStoredInTheirTextForm() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        List<HeardBy> heard = List.of(new HeardBy(Eui64.parse("AA5500000000000F"), false, -57, 9.5),
                new HeardBy(Eui64.parse("00000000000000A1"), false, -104, -7.25),
                new HeardBy(Eui64.parse("FFFFFFFFFFFFFFFF"), true, -112, null),
                new HeardBy(Eui64.parse("0102030405060708"), true, null, null));
        await(one.accept(DEV, "s1", 11, WINDOWS, heard, false));
        assertEquals("AA5500000000000F/-57/9.5 00000000000000A1/-104/-7.25 FFFFFFFFFFFFFFFF+gps/-112/ "
                + "0102030405060708+gps", await(redis.send(Request.cmd(Command.HGET).arg(keys.session(DEV)).arg("gw")))
                .toString());
        assertEquals(heard, await(one.state(DEV)).heardBy());
    }

    /** Two devices whose DevEUIs share a slot of the kept reads: each step still gets its own device's record. */
    @Test
    void devicesSharingASlotOfTheKeptReadsEachGetTheirOwn() throws Exception {
        // The same Long.hashCode, so the same slot whatever the table's size.
        Eui64 twin = new Eui64(DEV.value() ^ 0x0000_0001_0000_0001L);
        assertEquals(Long.hashCode(DEV.value()), Long.hashCode(twin.value()));
        await(devices.put(abp(DEV, false)));
        await(devices.put(new Device(twin, Optional.empty(), MacVersion.LORAWAN_1_0_4, "twin-app", true,
                Optional.empty())));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        await(one.setActive(twin, session("t1", "26011235"), 10, 0));
        for (long fCnt = 11; fCnt < 15; fCnt++) {
            assertEquals("app", await(one.accept(DEV, "s1", fCnt, WINDOWS, List.of(), false)).device().orElseThrow()
                    .applicationId());
            assertEquals("twin-app", await(one.accept(twin, "t1", fCnt, WINDOWS, List.of(), false)).device().orElseThrow()
                    .applicationId());
        }
    }

    @Test
    void theStepOfADeletedDeviceIsStaleAndAdvancesNothing() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        await(devices.delete(DEV));
        CounterStep step = await(one.accept(DEV, "s1", 11, WINDOWS, List.of(), false));
        assertEquals(FCntDecision.STALE, step.decision());
        assertTrue(step.device().isEmpty());
    }

    @Test
    void aPendingSessionBecomesActiveOnItsFirstUplinkWhileTheOldOneAnswersUntilThen() throws Exception {
        await(devices.put(new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty())));
        await(one.setActive(DEV, session("old", "26000001"), 41, 5));
        await(one.setPending(DEV, session("new", "26000002")));
        assertEquals(1, await(one.candidates(DevAddr.parse("26000001"))).size());
        List<SessionCandidate> pending = await(one.candidates(DevAddr.parse("26000002")));
        assertEquals(1, pending.size());
        assertTrue(pending.get(0).pending());
        assertEquals(FCntDecision.NEW, decision(DEV, "old", 42));

        assertEquals(FCntDecision.NEW, decision(DEV, "new", 0));
        assertEquals(FCntDecision.STALE, decision(DEV, "old", 43));
        assertEquals(0L, await(one.nextFCntDown(DEV, false)), "counters start over with the new session");
        assertTrue(await(one.candidates(DevAddr.parse("26000001"))).isEmpty());
        List<SessionCandidate> sessions = await(one.sessionsOf(DEV));
        assertEquals(1, sessions.size(), "the pending session became the only one");
        assertEquals("new", sessions.get(0).session().id());
        assertFalse(sessions.get(0).pending());
        assertEquals(0L, sessions.get(0).lastFCntUp());
        long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV)))).toLong();
        assertTrue(ttl > 0 && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(), "OTAA sessions expire: " + ttl);
    }

    @Test
    void devicesSharingADevAddrAreAllCandidates() throws Exception {
        Eui64 second = Eui64.parse("0102030405060709");
        await(one.setActive(DEV, session("a", "26000003"), -1, 0));
        await(one.setActive(second, session("b", "26000003"), -1, 0));
        assertEquals(2, await(one.candidates(DevAddr.parse("26000003"))).size());
    }

    @Test
    void aDevAddrIndexLivesAsLongAsTheSessionsItPointsTo() throws Exception {
        DevAddr otaa = DevAddr.parse("26000020");
        await(devices.put(new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty())));
        await(one.setPending(DEV, session("joined", "26000020")));
        long ttl = pttl(keys.devAddr(otaa));
        assertTrue(ttl > SessionStore.OTAA_SESSION_TTL.toMillis() - 60_000
                && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(), "a join's index expires with its session: " + ttl);

        Eui64 abpDevice = Eui64.parse("0102030405060710");
        await(one.setActive(abpDevice, session("abp", "26000020"), -1, 0));
        assertEquals(-1, pttl(keys.devAddr(otaa)), "an ABP device's index does not expire while it is there");
        await(one.delete(abpDevice));
        ttl = pttl(keys.devAddr(otaa));
        assertTrue(ttl > 0, "without the ABP device the index expires again: " + ttl);
        await(one.delete(DEV));
        assertEquals(-2, pttl(keys.devAddr(otaa)), "an index without entries is gone");
    }

    @Test
    void cleaningADevAddrIndexNeverDropsTheEntryOfAConcurrentJoin() throws Exception {
        DevAddr contested = DevAddr.parse("26000030");
        String index = keys.devAddr(contested);
        await(devices.put(new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_4,
                "app", false, Optional.empty())));
        await(one.setPending(DEV, session("there", "26000030")));
        await(one.setActive(DEV, session("elsewhere", "26000031"), -1, 0));
        // One instance finds the device's entry stale (the device moved to another DevAddr) ...
        String stale = await(redis.send(Request.cmd(Command.HGET).arg(index).arg(DEV.toString()))).toString();
        // ... and before it removes the entry, the device joins again onto the same DevAddr through another.
        await(other.setPending(DEV, session("back", "26000030")));
        assertFalse(await(one.forgetIfUnchanged(DEV, contested, stale)), "the join's entry is not the stale one");
        List<SessionCandidate> found = await(one.candidates(contested));
        assertEquals(1, found.size(), "the join's entry survived the clean-up");
        assertEquals("back", found.get(0).session().id());

        await(other.setActive(DEV, session("gone-again", "26000031"), -1, 0));
        assertTrue(await(one.candidates(contested)).isEmpty());
        assertEquals(0, await(redis.send(Request.cmd(Command.EXISTS).arg(index))).toInteger(),
                "an unchanged stale entry is removed, and its empty index with it");
    }

    @Test
    void counterStepsOnADeletedSessionRecreateNothing() throws Exception {
        await(devices.put(abp(DEV, false)));
        await(one.setActive(DEV, session("s1", "26011234"), 10, 0));
        await(one.delete(DEV));
        assertEquals(FCntDecision.STALE, decision(DEV, "s1", 11));
        assertTrue(one.nextFCntDown(DEV, false).transform(Future::succeededFuture).await(10, TimeUnit.SECONDS)
                .failed(), "no downlink counter for a session that is gone");
        assertEquals(0, await(redis.send(Request.cmd(Command.EXISTS).arg(keys.session(DEV)))).toInteger(),
                "the session's hash was not recreated");
        assertEquals(0, await(redis.send(Request.cmd(Command.EXISTS).arg(keys.devAddr(DevAddr.parse("26011234")))))
                .toInteger(), "nor its DevAddr's index");
    }

    @Test
    void aStepWhoseAnswerWasLostIsTakenBackSoThatTheRetransmissionIsDelivered() throws Exception {
        try (RedisProcess frozen = RedisProcess.start()) {
            RedisSettings settings = new RedisSettings(List.of(frozen.url()), "standalone", "", "",
                    Duration.ofMillis(300), 100, null, null);
            Redis client = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
            SessionStore store = new SessionStore(client, keys,
                    new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of()));
            DeviceStore records = new DeviceStore(client, keys);
            await(records.put(abp(DEV, false)));
            await(store.setActive(DEV, session("s1", "26011234"), 4, 0));
            Context context = vertx.getOrCreateContext();
            Promise<Void> connected = Promise.promise();
            context.runOnContext(v -> client.send(Request.cmd(Command.PING)).<Void>mapEmpty().onComplete(connected));
            connected.future().await(10, TimeUnit.SECONDS);
            frozen.freeze();
            // The step is sent, and Redis answers nothing within the deadline: the frame is dropped ...
            Promise<CounterStep> lost = Promise.promise();
            context.runOnContext(v -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false).onComplete(lost));
            Throwable cause = lost.future().transform(Future::succeededFuture).await(10, TimeUnit.SECONDS).cause();
            assertEquals(RedisFailure.Kind.TIMEOUT, ((RedisFailure) cause).kind());
            // ... while Redis, once it goes on, makes the step, and then takes it back.
            frozen.thaw();
            Promise<CounterStep> again = Promise.promise();
            context.runOnContext(v -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false).onComplete(again));
            assertEquals(FCntDecision.NEW, again.future().await(10, TimeUnit.SECONDS).decision(),
                    "the device's retransmission of FCnt 5 is a new frame, not a retransmission of a lost one");
            Promise<CounterStep> next = Promise.promise();
            context.runOnContext(v -> store.accept(DEV, "s1", 5, WINDOWS, List.of(), false).onComplete(next));
            assertEquals(FCntDecision.RETRANSMISSION, next.future().await(10, TimeUnit.SECONDS).decision(),
                    "a step that was answered stays");
        }
    }

    private long pttl(String key) throws Exception {
        return await(redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    }

    private FCntDecision decision(Eui64 devEui, String sessionId, long fCnt) throws Exception {
        return await(one.accept(devEui, sessionId, fCnt, WINDOWS, List.of(), false)).decision();
    }

    private static Device abp(Eui64 devEui, boolean relax) {
        return new Device(devEui, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", relax, Optional.empty());
    }

    static DeviceSession session(String id, String devAddr) {
        AesKey key = AesKey.of(new byte[16]);
        return new DeviceSession(id, DevAddr.parse(devAddr), false, key, key, key, Optional.of(key),
                Optional.empty(), 0, 0, 1);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
