package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.adr.UplinkHistory;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.redis.RedisEncoding;
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
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis memory per device, against issue 16's target of at most 1 KB per device with a session after an uplink: the
 * keys of a device as the API and one uplink leave them, by {@code MEMORY USAGE} (which counts the key's name and its
 * entry in Redis's key table), on a Redis of the test's own with the default (empty) key prefix.
 */
class DeviceMemoryTest {
    /** Issue 16: Redis memory <= 1 KB per device; what the three keys may take, leaving room for Redis's tables. */
    private static final long DEVICE_KEYS_BOUND = 896;
    private static final Set<String> PACKED = Set.of("ziplist", "listpack");
    private static final AesKey KEY = AesKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    private static final MacState.RxSettings EU868_RX = new MacState.RxSettings(1, 0, 0, 869_525_000);
    private static final List<HeardBy> THREE_GATEWAYS = List.of(
            new HeardBy(Eui64.parse("AA55000000000000"), false, -57, 9.5),
            new HeardBy(Eui64.parse("AA55000000000001"), false, -104, -7.25),
            new HeardBy(Eui64.parse("AA55000000000002"), true, -112, -12.5));

    private final Vertx vertx = Vertx.vertx();
    private final RedisKeys keys = new RedisKeys("");
    private RedisProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anAbpDeviceAfterAnUplinkTakesUnderOneKilobyteWithTheHashEncodingTheReadmeAsksFor() throws Exception {
        Redis redis = start("hash-max-ziplist-value " + RedisEncoding.HASH_MAX_ZIPLIST_VALUE);
        Eui64 devEui = Eui64.parse("0A00000000000001");
        DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), DevAddr.parse("00000001"), false,
                KEY, KEY, KEY, Optional.of(KEY), Optional.empty(), 0, 0, 1);
        MacState mac = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), EU868_RX)
                .with(f -> f.dataRate = 5);
        store(redis, devEui, session, mac);

        long device = usage(redis, keys.device(devEui));
        long sessions = usage(redis, keys.session(devEui));
        long index = usage(redis, keys.devAddr(session.devAddr()));
        assertTrue(PACKED.contains(encoding(redis, keys.session(devEui))), encoding(redis, keys.session(devEui)));
        assertTrue(device + sessions + index <= DEVICE_KEYS_BOUND, "device record " + device + ", session "
                + sessions + ", DevAddr index " + index + " bytes");
        assertEquals(Optional.empty(), await(RedisEncoding.advice(redis)));
    }

    @Test
    void aLorawan11SessionWithAWrappedAppSKeyAndAFullAdrHistoryStaysPacked() throws Exception {
        Redis redis = start("hash-max-ziplist-value " + RedisEncoding.HASH_MAX_ZIPLIST_VALUE);
        Eui64 devEui = Eui64.parse("0A00000000000002");
        DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), DevAddr.parse("00000002"), true,
                KEY, KEY, KEY, Optional.empty(), Optional.of(new KeyEnvelope("application-server-kek",
                new byte[24])), 0, 0, 1, Optional.of(new AppSKeyReference(UUID.randomUUID().toString(),
                "70B3D57ED0001234")));
        UplinkHistory history = UplinkHistory.empty();
        for (long fCnt = 100_000; fCnt < 100_000 + UplinkHistory.SIZE; fCnt++) {
            history = history.add(fCnt, -12.25, 3);
        }
        String adr = history.encode();
        MacState mac = MacState.initial(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7)), new TreeMap<>(), EU868_RX)
                .with(f -> f.adrHistory = adr);
        store(redis, devEui, session, mac);
        assertTrue(PACKED.contains(encoding(redis, keys.session(devEui))), encoding(redis, keys.session(devEui)));
    }

    /**
     * The index of devices by application costs a device one member of its application's sorted set: measured over
     * 2,000 devices of one application, past the size at which Redis keeps a sorted set packed.
     */
    @Test
    void theIndexOfDevicesByApplicationTakesUnderOneHundredTwentyBytesPerDevice() throws Exception {
        Redis redis = start();
        DeviceStore devices = new DeviceStore(redis, keys);
        int count = 2_000;
        for (int batch = 0; batch < count; batch += 100) {
            List<Future<Void>> writes = new ArrayList<>();
            for (int i = batch; i < batch + 100; i++) {
                writes.add(devices.put(new Device(new Eui64(0x0B00_0000_0000_0000L + i), Optional.empty(),
                        MacVersion.LORAWAN_1_0_3, "load", false, Optional.empty())));
            }
            await(Future.all(writes));
        }
        assertEquals("skiplist", encoding(redis, keys.applicationDevices("load")));
        long perDevice = usage(redis, keys.applicationDevices("load")) / count;
        assertTrue(perDevice <= 120, perDevice + " bytes per device");
    }

    /** Why the README names the setting: Redis's default keeps no session hash packed. */
    @Test
    void withRedisDefaultsTheSessionIsAHashTableAndTheServerSaysWhatToSet() throws Exception {
        Redis redis = start();
        Eui64 devEui = Eui64.parse("0A00000000000003");
        DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), DevAddr.parse("00000003"), false,
                KEY, KEY, KEY, Optional.of(KEY), Optional.empty(), 0, 0, 1);
        store(redis, devEui, session, MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), EU868_RX));
        assertEquals("hashtable", encoding(redis, keys.session(devEui)));
        String advice = await(RedisEncoding.advice(redis)).orElseThrow();
        assertTrue(advice.contains("hash-max-ziplist-value 64") && advice.contains("hash-max-ziplist-value 512"),
                advice);
    }

    private Redis start(String... config) {
        server = RedisProcess.start(config);
        return TestRedis.client(vertx, new RedisSettings(List.of(server.url()), "standalone", "", ""));
    }

    /** What the API's ABP registration and one accepted uplink heard by three gateways leave in Redis. */
    private void store(Redis redis, Eui64 devEui, DeviceSession session, MacState mac) throws Exception {
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        SessionStore sessions = new SessionStore(redis, keys, cipher);
        await(new DeviceStore(redis, keys).put(new Device(devEui, Optional.empty(), session.lorawan11()
                ? MacVersion.LORAWAN_1_1_0 : MacVersion.LORAWAN_1_0_3, "load", false, Optional.empty())));
        await(sessions.setActive(devEui, session, -1, 0));
        assertEquals(FCntDecision.NEW, await(sessions.accept(devEui, session.id(), 0, Duration.ofSeconds(2),
                THREE_GATEWAYS, false)).decision());
        assertTrue(await(sessions.saveMacState(devEui, session.id(), 0, mac, Duration.ofSeconds(2))));
        assertEquals(Optional.of(mac), await(sessions.macState(devEui)), "the state reads back as stored");
    }

    private static long usage(Redis redis, String key) throws Exception {
        return await(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key).arg("SAMPLES").arg(0))).toLong();
    }

    private static String encoding(Redis redis, String key) throws Exception {
        return await(redis.send(Request.cmd(Command.OBJECT).arg("ENCODING").arg(key))).toString();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
