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
                .compose(step -> pttl().map(ttl -> {
                    assertEquals(FCntDecision.NEW, step.decision());
                    assertTrue(ttl > SHORT_TTL_MS && ttl <= SessionStore.OTAA_SESSION_TTL.toMillis(),
                            "the step keeps the OTAA session for its time to live again: " + ttl);
                    return null;
                }))
                .onComplete(test.succeedingThenComplete());
    }

    @Test
    void valuesNamedLikeTheKeysAreNotTheKeys(VertxTestContext test) {
        // An ABP device without relax_fcnt whose application is named "join_eui": its session never expires, and a
        // lower counter stays a replay (SessionStoreTest has a relaxed device's reset).
        Device abp = new Device(DEV, Optional.empty(), MacVersion.LORAWAN_1_0_3, "join_eui", false,
                Optional.empty());
        activate(abp, 5)
                .compose(v -> sessions.accept(DEV, "s1", 6, WINDOWS, List.of(), false))
                .compose(step -> sessions.accept(DEV, "s1", 2, WINDOWS, List.of(), false).map(lower -> {
                    assertEquals(FCntDecision.NEW, step.decision());
                    assertEquals(Optional.of(abp), step.device());
                    assertEquals(FCntDecision.REPLAY, lower.decision(), "not relaxed");
                    return null;
                }))
                .compose(v -> pttl())
                .onComplete(test.succeeding(ttl -> test.verify(() -> {
                    assertEquals(-1, ttl, "an ABP session does not expire");
                    test.completeNow();
                })));
    }

    private Future<Void> activate(Device device, long lastFCnt) {
        return devices.put(device).compose(v -> sessions.setActive(DEV, SessionStoreTest.session("s1", "26011235"),
                lastFCnt, 0)).mapEmpty();
    }

    private Future<Long> pttl() {
        return redis.send(Request.cmd(Command.PTTL).arg(keys.session(DEV))).map(reply -> reply.toLong());
    }
}
