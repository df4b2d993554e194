package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The counter step finds the device record's join_eui and relax_fcnt by their text in the stored JSON: it must find
 * the keys, and only the keys, whatever the record's other values hold.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CounterStepDeviceRecordTest {
    private static final Duration WINDOWS = Duration.ofSeconds(3);
    private static final Eui64 DEV = Eui64.parse("0102030405060709");
    /** Shorter than any OTAA session's time to live, which each of its counter steps sets anew. */
    private static final long SHORT_TTL_MS = 60_000;
    private Redis redis;
    private RedisKeys keys;
    private SessionStore sessions;
    private DeviceStore devices;

    @BeforeEach
    void start(Vertx vertx) {
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        sessions = new SessionStore(redis, keys,
                new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of()));
        devices = new DeviceStore(redis, keys);
    }

    @Test
    void anOtaaSessionLivesOnWithEachFrame(VertxTestContext test) {
        Device otaa = new Device(DEV, Optional.of(Eui64.parse("70B3D57ED0000000")), MacVersion.LORAWAN_1_0_3,
                "app", false, Optional.empty());
        activate(otaa, 5)
                .compose(v -> redis.send(Request.cmd(Command.PEXPIRE).arg(keys.session(DEV)).arg(SHORT_TTL_MS)))
                .compose(v -> sessions.accept(DEV, "s1", 6, WINDOWS, List.of(), false))
                .compose(step -> pttl(DEV).map(ttl -> {
                    assertEquals(FCntDecision.NEW, step.decision());
                    assertTrue(ttl > SHORT_TTL_MS && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(),
                            "the step keeps the OTAA session for its time to live again: " + ttl);
                    return null;
                }))
                .onComplete(test.succeedingThenComplete());
    }

    /**
     * Application ids are not checked by the record itself: ones holding the keys' text, quotes included, are
     * escaped in the stored JSON and must not read as the keys. Each device's session stays without expiry and a
     * lower counter stays a replay (SessionStoreTest has a relaxed device's reset).
     */
    @Test
    void valuesHoldingTheKeysTextAreNotTheKeys(VertxTestContext test) {
        Eui64 second = Eui64.parse("010203040506070A");
        Device joinEuiText = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_3,
                "x\",\"join_eui\":\"70B3D57ED0000000", false, Optional.empty());
        Device relaxText = new Device(second, Optional.empty(), MacVersion.LORAWAN_1_0_3,
                "x\",\"relax_fcnt\":true,\"y\":\"", false, Optional.empty());
        Future.all(abpStaysStrict(joinEuiText), abpStaysStrict(relaxText)).onComplete(test.succeedingThenComplete());
    }

    /** The pending session's id comes with the active session's steps, and goes once the device uses it. */
    @Test
    void theActiveSessionsStepNamesThePendingOne(VertxTestContext test) {
        Device abp = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", false, Optional.empty());
        activate(abp, 5)
                .compose(v -> sessions.setPending(DEV, SessionStoreTest.session("s2", "26011236")))
                .compose(v -> sessions.accept(DEV, "s1", 6, WINDOWS, List.of(), false))
                .compose(old -> sessions.accept(DEV, "s2", 0, WINDOWS, List.of(), false).map(promoted -> {
                    assertEquals(FCntDecision.NEW, old.decision());
                    assertEquals(Optional.of("s2"), old.pendingSessionId());
                    assertEquals(FCntDecision.NEW, promoted.decision());
                    assertEquals(Optional.empty(), promoted.pendingSessionId(), "no longer pending");
                    return null;
                }))
                .onComplete(test.succeedingThenComplete());
    }

    /** A record that is not a JSON object fails the step before it writes: the same counter is new afterwards. */
    @Test
    void anUnreadableRecordIsRefusedBeforeAnythingIsWritten(VertxTestContext test) {
        Device abp = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", false, Optional.empty());
        activate(abp, 5)
                .compose(v -> redis.send(Request.cmd(Command.GET).arg(keys.device(DEV))))
                .compose(stored -> redis.send(Request.cmd(Command.SET).arg(keys.device(DEV)).arg("not a record"))
                        .compose(v -> sessions.accept(DEV, "s1", 6, WINDOWS, List.of(), false)).transform(refused -> {
                            assertTrue(refused.failed(), "refused");
                            assertTrue(refused.cause().getMessage().contains("unreadable"),
                                    refused.cause().getMessage());
                            return redis.send(Request.cmd(Command.SET).arg(keys.device(DEV)).arg(stored.toBytes()));
                        }))
                .compose(v -> sessions.accept(DEV, "s1", 6, WINDOWS, List.of(), false))
                .onComplete(test.succeeding(step -> test.verify(() -> {
                    assertEquals(FCntDecision.NEW, step.decision(), "the refused step moved nothing");
                    test.completeNow();
                })));
    }

    /** A new frame, a lower one refused as a replay, and a session that never expires. */
    private Future<Void> abpStaysStrict(Device device) {
        Eui64 devEui = device.devEui();
        return activate(device, 5)
                .compose(v -> sessions.accept(devEui, "s1", 6, WINDOWS, List.of(), false))
                .compose(step -> sessions.accept(devEui, "s1", 2, WINDOWS, List.of(), false).map(lower -> {
                    assertEquals(FCntDecision.NEW, step.decision());
                    assertEquals(Optional.of(device), step.device());
                    assertEquals(FCntDecision.REPLAY, lower.decision(), "not relaxed: " + device.applicationId());
                    return null;
                }))
                .compose(v -> pttl(devEui))
                .map(ttl -> {
                    assertEquals(-1, ttl, "an ABP session does not expire: " + device.applicationId());
                    return null;
                });
    }

    private Future<Void> activate(Device device, long lastFCnt) {
        return devices.put(device).compose(v -> sessions.setActive(device.devEui(),
                SessionStoreTest.session("s1", "26011235"), lastFCnt, 0)).mapEmpty();
    }

    private Future<Long> pttl(Eui64 devEui) {
        return redis.send(Request.cmd(Command.PTTL).arg(keys.session(devEui))).map(reply -> reply.toLong());
    }
}
