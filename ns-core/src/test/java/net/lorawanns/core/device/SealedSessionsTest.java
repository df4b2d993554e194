package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.testing.SecretScan;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session keys at rest: sealed, bound to their device, readable after a rotation, and re-sealed by it. */
class SealedSessionsTest {
    /** How long each frame holds its device's downlink path: RX1 and RX2 of a 1 s RX1 delay. */
    private static final Duration WINDOWS = Duration.ofSeconds(3);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Eui64 DEV = Eui64.parse("0102030405060708");
    private static final Eui64 OTHER = Eui64.parse("0102030405060709");
    private static final MasterKey OLD = new MasterKey("1", AesKey.of(HEX.parseHex("000102030405060708090A0B0C0D0E0F")));
    private static final MasterKey NEW = new MasterKey("2", AesKey.of(HEX.parseHex("F0E0D0C0B0A090807060504030201000")));

    private Vertx vertx;
    private RedisKeys keys;
    private Redis redis;
    private SessionStore store;
    private DeviceStore devices;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        store = new SessionStore(redis, keys, new AtRestCipher(OLD, List.of()));
        devices = new DeviceStore(redis, keys);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyKeyIsSealedAndOpensAsStored() throws Exception {
        DeviceSession session = new DeviceSession("s1", DevAddr.parse("26011234"), true, randomKey(), randomKey(),
                randomKey(), Optional.empty(), Optional.of(new KeyEnvelope("as-kek", randomBytes(24))), 2, 3, 5);
        await(store.setActive(DEV, session, 7, 0));

        byte[] stored = hget(DEV, "a");
        for (byte[] secret : List.of(session.fNwkSIntKey().bytes(), session.sNwkSIntKey().bytes(),
                session.nwkSEncKey().bytes(), session.appSKeyEnvelope().orElseThrow().aesKey())) {
            assertEquals(List.of(), SecretScan.find(stored, secret));
        }
        assertEquals(DevAddr.parse("26011234"), SessionRecord.devAddr(stored), "the DevAddr stays readable");

        DeviceSession read = await(store.candidates(DevAddr.parse("26011234"))).get(0).session();
        assertEquals(session.fNwkSIntKey(), read.fNwkSIntKey());
        assertEquals(session.sNwkSIntKey(), read.sNwkSIntKey());
        assertEquals(session.nwkSEncKey(), read.nwkSEncKey());
        assertEquals(Optional.empty(), read.appSKey());
        assertEquals("as-kek", read.appSKeyEnvelope().orElseThrow().kekLabel());
        assertArrayEquals(session.appSKeyEnvelope().orElseThrow().aesKey(), read.appSKeyEnvelope().orElseThrow().aesKey());
        assertEquals(List.of(true, 2, 3, 5), List.of(read.lorawan11(), read.rx1DrOffset(), read.rx2DataRate(),
                read.rxDelaySeconds()));
    }

    @Test
    void whereTheJoinServerKeptTheAppSKeyIsStoredAndBoundToTheKeys() throws Exception {
        AppSKeyReference reference = new AppSKeyReference("0a0b0c0d", "70B3D57ED0001234");
        await(store.setActive(DEV, new DeviceSession("s1", DevAddr.parse("26011235"), false, randomKey(), randomKey(),
                randomKey(), Optional.empty(), Optional.empty(), 0, 0, 1, Optional.of(reference)), 7, 0));
        assertEquals(Optional.of(reference), await(store.sessionsOf(DEV)).get(0).session().appSKeyReference());

        byte[] changed = hget(DEV, "a");
        byte[] joinServer = "70B3D57ED0001234".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(changed, joinServer);
        assertTrue(at > 0, "the join server's identity is readable");
        changed[at + joinServer.length - 1] = '5';
        await(redis.send(Request.cmd(Command.HSET).arg(keys.session(DEV)).arg("a").arg(changed)));
        assertThrows(SealedRecordException.class, () -> await(store.sessionsOf(DEV)),
                "the join server's identity cannot be changed at rest");
    }

    /** A join server's SessionKeyID has no length limit in the Backend Interfaces: a long one is kept whole. */
    @Test
    void longTextFieldsAreStoredWhole() throws Exception {
        AppSKeyReference reference = new AppSKeyReference("ab".repeat(150), "70B3D57ED0001234");
        DeviceSession session = new DeviceSession("s-" + "x".repeat(200), DevAddr.parse("26011236"), false,
                randomKey(), randomKey(), randomKey(), Optional.empty(), Optional.empty(), 0, 0, 1,
                Optional.of(reference));
        await(store.setActive(DEV, session, 7, 0));
        DeviceSession read = await(store.sessionsOf(DEV)).get(0).session();
        assertEquals(Optional.of(reference), read.appSKeyReference());
        assertEquals(session.id(), read.id());
    }

    @Test
    void aSessionCopiedToAnotherDeviceDoesNotOpen() throws Exception {
        await(store.setActive(DEV, session("s1", "26011234"), -1, 0));
        await(redis.send(Request.cmd(Command.HSET).arg(keys.session(OTHER)).arg("a").arg(hget(DEV, "a"))
                .arg("aid").arg("s1").arg("f").arg(-1)));
        SealedRecordException moved = assertThrows(SealedRecordException.class, () -> await(store.sessionsOf(OTHER)));
        assertTrue(moved.getMessage().contains("the session keys of " + OTHER), moved.getMessage());
    }

    @Test
    void aSessionUnderAnUnknownMasterKeyIdNamesTheSettingsAndLeavesItsDevAddrToTheOthers() throws Exception {
        await(store.setActive(DEV, session("s1", "26011234"), -1, 0));
        SessionStore newOnly = new SessionStore(redis, keys, new AtRestCipher(NEW, List.of()));
        await(newOnly.setActive(OTHER, session("s2", "26011234"), -1, 0));
        SealedRecordException unknown = assertThrows(SealedRecordException.class, () -> await(newOnly.sessionsOf(DEV)));
        assertTrue(unknown.getMessage().contains("master key ID '1'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("internal_js.previous_master_keys"), unknown.getMessage());
        List<SessionCandidate> found = await(newOnly.candidates(DevAddr.parse("26011234")));
        assertEquals(List.of(OTHER), found.stream().map(SessionCandidate::devEui).toList(),
                "the device whose session cannot be opened is skipped, the other found");
        assertEquals(2, await(redis.send(Request.cmd(Command.HLEN).arg(keys.devAddr(DevAddr.parse("26011234")))))
                .toInteger(), "and its index entry is kept for when its master key is configured again");
    }

    @Test
    void rotationReSealsActivePendingAndClearSessionsKeepingCountersAndExpiry() throws Exception {
        DeviceSession active = session("old", "26000001");
        DeviceSession pending = session("new", "26000002");
        await(store.setActive(DEV, active, 41, 5));
        await(store.setPending(DEV, pending));
        AesKey clearKey = randomKey();
        // A session as stored before sessions were sealed: its keys in hex.
        await(redis.send(Request.cmd(Command.HSET).arg(keys.session(OTHER)).arg("a").arg(new JsonObject()
                .put("id", "clear").put("dev_addr", "26000003").put("lorawan11", false)
                .put("f_nwk_s_int_key", HEX.formatHex(clearKey.bytes()))
                .put("s_nwk_s_int_key", HEX.formatHex(clearKey.bytes()))
                .put("nwk_s_enc_key", HEX.formatHex(clearKey.bytes())).put("app_s_key", HEX.formatHex(clearKey.bytes()))
                .put("rx1_dr_offset", 0).put("rx2_dr", 0).put("rx_delay", 1).encode())
                .arg("aid").arg("clear").arg("f").arg(9)));
        assertEquals(clearKey, await(store.sessionsOf(OTHER)).get(0).session().nwkSEncKey(), "read before rotation");

        SessionStore rotating = new SessionStore(redis, keys, new AtRestCipher(NEW, List.of(OLD)));
        assertEquals(3, await(rotating.rotate()));
        assertEquals(0, await(rotating.rotate()), "a second run has nothing left to do");

        SessionStore newOnly = new SessionStore(redis, keys, new AtRestCipher(NEW, List.of()));
        List<SessionCandidate> sessions = await(newOnly.sessionsOf(DEV));
        assertEquals(List.of("old", "new"), sessions.stream().map(c -> c.session().id()).toList());
        assertEquals(41L, sessions.get(0).lastFCntUp());
        assertEquals(active.fNwkSIntKey(), sessions.get(0).session().fNwkSIntKey());
        assertEquals(pending.nwkSEncKey(), sessions.get(1).session().nwkSEncKey());
        assertEquals(5L, await(newOnly.nextFCntDown(DEV, false)), "the downlink counter is untouched");
        long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV)))).toLong();
        assertTrue(ttl > 0, "the OTAA session keeps its expiry: " + ttl);
        SessionCandidate upgraded = await(newOnly.sessionsOf(OTHER)).get(0);
        assertEquals(9L, upgraded.lastFCntUp());
        assertEquals(clearKey, upgraded.session().appSKey().orElseThrow());
        assertEquals(List.of(), SecretScan.find(hget(OTHER, "a"), clearKey.bytes()));
    }

    @Test
    void aRotationDuringCounterStepsLosesNone() throws Exception {
        await(devices.put(new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", false, Optional.empty())));
        await(store.setActive(DEV, session("s1", "26011234"), -1, 0));
        SessionStore rotating = new SessionStore(redis, keys, new AtRestCipher(NEW, List.of(OLD)));
        Future<Integer> rotation = rotating.rotate();
        // One frame after another, as a device sends them, while the rotation runs beside them.
        List<FCntDecision> decisions = new ArrayList<>();
        Future<Void> steps = Future.succeededFuture();
        for (long fCnt = 0; fCnt < 100; fCnt++) {
            long next = fCnt;
            steps = steps.compose(v -> store.accept(DEV, "s1", next, WINDOWS, List.of(), false).map(step -> {
                decisions.add(step.decision());
                return null;
            }));
        }
        await(steps);
        assertEquals(1, await(rotation));
        assertEquals(List.of(FCntDecision.NEW), decisions.stream().distinct().toList());
        assertEquals(100, decisions.size());
        SessionCandidate after = await(rotating.sessionsOf(DEV)).get(0);
        assertEquals(99L, after.lastFCntUp());
        assertTrue(new SessionRecord(new AtRestCipher(NEW, List.of())).current(hget(DEV, "a")),
                "sealed under the new key");
    }

    /**
     * A session sealed as JSON, the form stored before the compact one (its associated data as that form defined
     * it), still opens, and a rotation re-seals it in the compact form.
     */
    @Test
    void aSessionSealedInTheEarlierJsonFormStillOpensAndRotationCompactsIt() throws Exception {
        AesKey nwkSKey = randomKey();
        AesKey appSKey = randomKey();
        byte[] plain = new byte[4 * AesKey.SIZE];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(nwkSKey.bytes(), 0, plain, i * AesKey.SIZE, AesKey.SIZE);
        }
        System.arraycopy(appSKey.bytes(), 0, plain, 3 * AesKey.SIZE, AesKey.SIZE);
        JsonObject record = new JsonObject().put("id", "json-session").put("dev_addr", "26000004")
                .put("lorawan11", false).put("rx1_dr_offset", 1).put("rx2_dr", 2).put("rx_delay", 3)
                .put("has_app_s_key", true);
        new AtRestCipher(OLD, List.of()).seal(record, plain, kid -> String.join("|", "lorawan-session",
                DEV.toString(), "json-session", kid, "26000004", "false", "1", "2", "3", "true", "false", "")
                .getBytes(StandardCharsets.UTF_8));
        byte[] json = record.encode().getBytes(StandardCharsets.UTF_8);
        await(redis.send(Request.cmd(Command.HSET).arg(keys.session(DEV)).arg("a").arg(json).arg("aid")
                .arg("json-session").arg("f").arg(12)));

        DeviceSession read = await(store.sessionsOf(DEV)).get(0).session();
        assertEquals(List.of("json-session", DevAddr.parse("26000004"), nwkSKey, nwkSKey, appSKey, 1, 2, 3),
                List.of(read.id(), read.devAddr(), read.sNwkSIntKey(), read.nwkSEncKey(), read.appSKey().orElseThrow(),
                        read.rx1DrOffset(), read.rx2DataRate(), read.rxDelaySeconds()));
        assertEquals(1, await(store.rotate()), "the same master key, but the earlier form");
        byte[] compact = hget(DEV, "a");
        assertEquals(SessionRecord.FORMAT, compact[0]);
        assertTrue(compact.length < json.length / 2, compact.length + " bytes, JSON " + json.length);
        SessionCandidate after = await(store.sessionsOf(DEV)).get(0);
        assertEquals(12L, after.lastFCntUp());
        assertEquals(appSKey, after.session().appSKey().orElseThrow());
    }

    private byte[] hget(Eui64 devEui, String field) throws Exception {
        return await(redis.send(Request.cmd(Command.HGET).arg(keys.session(devEui)).arg(field))).toBytes();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static DeviceSession session(String id, String devAddr) {
        return new DeviceSession(id, DevAddr.parse(devAddr), false, randomKey(), randomKey(), randomKey(),
                Optional.of(randomKey()), Optional.empty(), 0, 0, 1);
    }

    private static AesKey randomKey() {
        return AesKey.of(randomBytes(16));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
