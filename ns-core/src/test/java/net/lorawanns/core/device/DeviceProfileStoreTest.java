package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device profiles and the devices' references to them, on a real Redis, with racing clients. */
class DeviceProfileStoreTest {
    private static final Eui64 DEV = Eui64.parse("0004A30B001C0530");

    private Vertx vertx;
    private RedisKeys keys;
    private Redis redis;
    private Redis otherConnection;
    private DeviceProfileStore profiles;
    private DeviceStore devices;
    /** Two event loops: the racing requests come from two connections, and two threads. */
    private Context main;
    private Context racer;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // A deadline longer than the default second: the racing rounds run on a machine that may be busy.
        RedisSettings base = TestRedis.settings();
        RedisSettings settings = new RedisSettings(base.servers(), base.mode(), "", base.keyPrefix(),
                Duration.ofSeconds(10), null, null, null);
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        otherConnection = TestRedis.client(vertx, settings);
        profiles = new DeviceProfileStore(redis, keys);
        devices = new DeviceStore(redis, keys);
        main = vertx.getOrCreateContext();
        racer = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void profilesAreCreatedReadListedReplacedAndDeleted() throws Exception {
        DeviceProfile b = profile("b-sensors", "1.0.3", 5);
        DeviceProfile a = profile("a-trackers", "1.0.4", 2);
        assertTrue(run(() -> profiles.put(b)));
        assertTrue(run(() -> profiles.put(a)));
        assertEquals(Optional.of(b), run(() -> profiles.get("b-sensors")));
        assertEquals(List.of(a, b), run(() -> profiles.all()), "listed by ID");

        DeviceProfile replaced = profile("b-sensors", "1.0.3", 3);
        assertFalse(run(() -> profiles.put(replaced)), "a replacement, not a creation");
        assertEquals(Optional.of(replaced), run(() -> profiles.get("b-sensors")));

        assertTrue(run(() -> profiles.delete("b-sensors")));
        assertFalse(run(() -> profiles.delete("b-sensors")));
        assertEquals(Optional.empty(), run(() -> profiles.get("b-sensors")));
        assertEquals(List.of(a), run(() -> profiles.all()));
        assertEquals(-1, ttl(keys.deviceProfiles()), "configuration-grade: no TTL");
    }

    @Test
    void aProfileADeviceHoldsIsKeptUntilTheDeviceMovesAwayOrIsDeleted() throws Exception {
        run(() -> profiles.put(profile("first", "1.0.3", 5)));
        run(() -> profiles.put(profile("second", "1.0.3", 5)));
        run(() -> devices.put(device(DEV, "1.0.3", "first")));
        assertEquals(Optional.of("first"), run(() -> devices.get(DEV)).orElseThrow().deviceProfileId());

        DeviceProfileInUseException refused = assertThrows(DeviceProfileInUseException.class,
                () -> run(() -> profiles.delete("first")));
        assertTrue(refused.getMessage().contains("used by 1 device"), refused.getMessage());
        assertTrue(run(() -> profiles.get("first")).isPresent());

        run(() -> devices.put(device(DEV, "1.0.3", "second")));
        assertTrue(run(() -> profiles.delete("first")), "the device moved away");
        assertThrows(DeviceProfileInUseException.class, () -> run(() -> profiles.delete("second")));

        run(() -> devices.put(device(DEV, "1.0.3", null)));
        assertEquals(Optional.empty(), run(() -> devices.get(DEV)).orElseThrow().deviceProfileId());
        assertTrue(run(() -> profiles.delete("second")), "the device has no profile any more");

        run(() -> profiles.put(profile("third", "1.0.3", 5)));
        run(() -> devices.put(device(DEV, "1.0.3", "third")));
        assertTrue(run(() -> devices.delete(DEV)));
        assertTrue(run(() -> profiles.delete("third")), "the device is gone");
        assertFalse(run(() -> devices.delete(DEV)));
    }

    @Test
    void aDeviceCannotReferToAMissingProfileNorToOneOfAnotherLorawanVersion() throws Exception {
        ProfileReferenceException missing = assertThrows(ProfileReferenceException.class,
                () -> run(() -> devices.put(device(DEV, "1.0.3", "nowhere"))));
        assertTrue(missing.getMessage().startsWith("device_profile_id: "), missing.getMessage());
        assertEquals(Optional.empty(), run(() -> devices.get(DEV)), "nothing written");

        run(() -> profiles.put(profile("v104", "1.0.4", 5)));
        ProfileReferenceException version = assertThrows(ProfileReferenceException.class,
                () -> run(() -> devices.put(device(DEV, "1.0.3", "v104"))));
        assertTrue(version.getMessage().startsWith("mac_version: "), version.getMessage());
        assertEquals(Optional.empty(), run(() -> devices.get(DEV)));
        assertTrue(run(() -> profiles.delete("v104")), "the refused device holds nothing");
    }

    @Test
    void aProfileKeepsItsLorawanVersionWhileDevicesHoldIt() throws Exception {
        run(() -> profiles.put(profile("p", "1.0.3", 5)));
        run(() -> devices.put(device(DEV, "1.0.3", "p")));
        DeviceProfileInUseException refused = assertThrows(DeviceProfileInUseException.class,
                () -> run(() -> profiles.put(profile("p", "1.1", 5))));
        assertTrue(refused.getMessage().startsWith("mac_version: "), refused.getMessage());
        assertEquals(MacVersion.LORAWAN_1_0_3, run(() -> profiles.get("p")).orElseThrow().macVersion());
        assertFalse(run(() -> profiles.put(profile("p", "1.0.3", 1))), "other settings may change");
        // Nor do the region and Regional Parameters revision change: the devices' channels and MAC state follow them.
        assertThrows(DeviceProfileInUseException.class, () -> run(() -> profiles.put(DeviceProfile.fromJson("p",
                profile("p", "1.0.3", 1).toJson().put("region", "in865")))));
        assertThrows(DeviceProfileInUseException.class, () -> run(() -> profiles.put(DeviceProfile.fromJson("p",
                profile("p", "1.0.3", 1).toJson().put("reg_params_revision", "RP002-1.0.4")))));
        assertEquals("eu868", run(() -> profiles.get("p")).orElseThrow().regionId());

        run(() -> devices.delete(DEV));
        assertFalse(run(() -> profiles.put(profile("p", "1.1", 5))), "no device holds it any more");
    }

    @Test
    void aHoldLeftByAnInterruptedWriteOnlyDelaysTheDeletionUntilTheDeviceIsWrittenAgain() throws Exception {
        run(() -> profiles.put(profile("p", "1.0.3", 5)));
        // The first step of a device write whose record write then failed (Redis went away).
        run(() -> new ProfileReferences(redis, keys).hold(DEV, "p", MacVersion.LORAWAN_1_0_3));
        assertThrows(DeviceProfileInUseException.class, () -> run(() -> profiles.delete("p")));
        run(() -> devices.put(device(DEV, "1.0.3", null)));
        assertTrue(run(() -> profiles.delete("p")));
    }

    @Test
    void racingDeviceWritesAndProfileDeletionsNeverLeaveADeviceOnADeletedProfile() throws Exception {
        DeviceStore racingDevices = new DeviceStore(otherConnection, keys);
        int deleted = 0;
        int held = 0;
        for (int round = 0; round < 150; round++) {
            String id = "race-" + round;
            Eui64 devEui = Eui64.parse(String.format("00000000000A%04X", round));
            run(() -> profiles.put(profile(id, "1.0.3", 5)));
            // Both in flight at once, from two event loops; which one starts first alternates, so that each order
            // happens however fast the two requests travel.
            Future<Void> put;
            Future<Boolean> delete;
            if (round % 2 == 0) {
                put = on(racer, () -> racingDevices.put(device(devEui, "1.0.3", id)));
                delete = on(main, () -> profiles.delete(id));
            } else {
                delete = on(main, () -> profiles.delete(id));
                put = on(racer, () -> racingDevices.put(device(devEui, "1.0.3", id)));
            }
            Future.join(put, delete).otherwiseEmpty().await(10, TimeUnit.SECONDS);
            assertTrue(put.succeeded() != delete.succeeded(), "exactly one of the two wins, round " + round + ": "
                    + put.cause() + " / " + delete.cause());
            Optional<Device> device = run(() -> devices.get(devEui));
            boolean profileExists = run(() -> profiles.get(id)).isPresent();
            if (put.succeeded()) {
                held++;
                assertEquals(Optional.of(id), device.orElseThrow().deviceProfileId());
                assertTrue(profileExists, "round " + round);
                assertTrue(delete.cause() instanceof DeviceProfileInUseException, delete.cause().toString());
            } else {
                deleted++;
                assertEquals(Optional.empty(), device, "round " + round);
                assertFalse(profileExists);
                assertTrue(put.cause() instanceof ProfileReferenceException, put.cause().toString());
            }
        }
        assertTrue(deleted > 0 && held > 0, "both orders happened: " + deleted + " deletions, " + held + " holds");
    }

    @Test
    void racingWritesOfOneDeviceLeaveItHoldingExactlyTheProfileItsRecordNames() throws Exception {
        DeviceStore racingDevices = new DeviceStore(otherConnection, keys);
        run(() -> profiles.put(profile("left", "1.0.3", 5)));
        run(() -> profiles.put(profile("right", "1.0.3", 5)));
        for (int round = 0; round < 100; round++) {
            Future<Void> left = on(main, () -> devices.put(device(DEV, "1.0.3", "left")));
            Future<Void> right = on(racer, () -> racingDevices.put(device(DEV, "1.0.3", "right")));
            Future.all(left, right).await(10, TimeUnit.SECONDS);
            String named = run(() -> devices.get(DEV)).orElseThrow().deviceProfileId().orElseThrow();
            String other = named.equals("left") ? "right" : "left";
            assertEquals("1", hget(keys.deviceProfileUsers(), named), "round " + round);
            assertEquals(null, hget(keys.deviceProfileUsers(), other), "round " + round);
        }
        run(() -> devices.delete(DEV));
        assertTrue(run(() -> profiles.delete("left")));
        assertTrue(run(() -> profiles.delete("right")));
    }

    static DeviceProfile profile(String id, String macVersion, int rx2Dr) {
        return DeviceProfile.fromJson(id, new JsonObject().put("region", "eu868").put("mac_version", macVersion)
                .put("reg_params_revision", "RP002-1.0.3").put("rx2_dr", rx2Dr));
    }

    private static Device device(Eui64 devEui, String macVersion, String profileId) {
        return new Device(devEui, Optional.empty(), MacVersion.parse(macVersion), "app", false,
                Optional.ofNullable(profileId));
    }

    private long ttl(String key) throws Exception {
        return run(() -> redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    }

    private String hget(String key, String field) throws Exception {
        Response value = run(() -> redis.send(Request.cmd(Command.HGET).arg(key).arg(field)));
        return value == null ? null : value.toString();
    }

    /** Runs a store operation on the main event loop, as the API runs it. */
    private <T> T run(Supplier<Future<T>> operation) throws Exception {
        return await(on(main, operation));
    }

    /**
     * Starts a store operation on an event loop: its requests and the ones it chains go through that loop's
     * connection, as they do in the server (a chain started off the event loops would take a connection per
     * context its replies arrive on).
     */
    private static <T> Future<T> on(Context context, Supplier<Future<T>> operation) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> operation.get().onComplete(promise));
        return promise.future();
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
