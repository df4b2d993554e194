package net.lorawanns.bench.memory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.HeardBy;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * Redis memory per device, without the load generator: starts a fresh embedded Redis, stores N ABP devices the way
 * the API does (device record, active session, DevAddr index) and gives each one accepted uplink heard by three
 * gateways (the counter step's fields, then the MAC state the uplink left), all through the server's own stores,
 * with the default (empty) key prefix. Prints {@code used_memory}'s growth per device, then each of the first
 * device's keys with its encoding and {@code MEMORY USAGE}, and the length of each field of its session hash.
 *
 * <pre>java -cp bench/target/benchmarks.jar net.lorawanns.bench.memory.DeviceMemory [devices]</pre>
 *
 * The embedded Redis runs with the {@code hash-max-ziplist-value} the README asks for
 * ({@link net.lorawanns.core.redis.RedisEncoding}); {@code -Dmemory.hashMaxZiplistValue=64} measures with Redis's
 * default instead.
 *
 * Runs the stores on one Vert.x event loop, {@link #IN_FLIGHT} devices at a time.
 */
public final class DeviceMemory {
    private static final int IN_FLIGHT = 500;
    private static final AesKey KEY = AesKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    /** The eu868 receive windows of the load generator's devices: RX1 after 1 s, RX2 at 869.525 MHz DR0. */
    private static final MacState.RxSettings RX = new MacState.RxSettings(1, 0, 0, 869_525_000);
    private static final Duration RECEIVE_WINDOWS = Duration.ofSeconds(2);
    private static final List<HeardBy> HEARD = List.of(
            new HeardBy(Eui64.parse("AA55000000000000"), false, -57, 9.5),
            new HeardBy(Eui64.parse("AA55000000000001"), false, -104, -7.25),
            new HeardBy(Eui64.parse("AA55000000000002"), false, -112, -12.5));

    private DeviceMemory() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (EmbeddedRedis embedded = EmbeddedRedis.start()) {
            Vertx vertx = Vertx.vertx();
            try {
                RedisSettings settings = new RedisSettings(List.of(embedded.url()), "standalone", "", "");
                Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
                RedisKeys keys = new RedisKeys(settings.keyPrefix());
                String hashMaxZiplistValue = System.getProperty("memory.hashMaxZiplistValue");
                if (hashMaxZiplistValue != null) {
                    await(redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("hash-max-ziplist-value")
                            .arg(hashMaxZiplistValue)));
                }
                AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
                DeviceStore deviceStore = new DeviceStore(redis, keys);
                SessionStore sessionStore = new SessionStore(redis, keys, cipher);
                Stores stores = new Stores(deviceStore, sessionStore);
                // One device first, so that the scripts are loaded and the counters exist before the baseline.
                await(stores.create(0));
                long before = usedMemory(redis);
                long start = System.nanoTime();
                Promise<Void> done = Promise.promise();
                vertx.runOnContext(go -> new Feeder(stores, devices, done).start());
                await(done.future());
                double seconds = (System.nanoTime() - start) / 1e9;
                long after = usedMemory(redis);
                System.out.printf(Locale.ROOT, "%,d devices stored in %.1f s; used_memory grew %,d bytes: %,.0f bytes"
                        + " per device%n", devices, seconds, after - before, (double) (after - before) / devices);
                Eui64 first = devEui(1);
                for (String key : List.of(keys.device(first), keys.session(first), keys.devAddr(devAddr(1)))) {
                    String encoding = String.valueOf(await(redis.send(Request.cmd(Command.OBJECT).arg("ENCODING")
                            .arg(key))));
                    Response usage = await(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key)
                            .arg("SAMPLES").arg(0)));
                    System.out.printf(Locale.ROOT, "  %-45s %-10s %5s bytes%n", key, encoding, usage);
                }
                Response session = await(redis.send(Request.cmd(Command.HGETALL).arg(keys.session(first))));
                StringBuilder fields = new StringBuilder("  session fields (value bytes):");
                for (String field : session.getKeys()) {
                    fields.append(' ').append(field).append('=').append(session.get(field).toBytes().length);
                }
                System.out.println(fields);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The stores and what each device is given. */
    private record Stores(DeviceStore devices, SessionStore sessions) {
        Future<Void> create(int i) {
            Eui64 devEui = devEui(i);
            DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), devAddr(i), false, KEY, KEY, KEY,
                    Optional.of(KEY), Optional.empty(), 0, 0, 1);
            MacState mac = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), RX)
                    .with(f -> f.dataRate = 5);
            return devices.put(new Device(devEui, Optional.empty(), MacVersion.parse("1.0.3"), "load", false,
                            Optional.empty()))
                    .compose(v -> sessions.setActive(devEui, session, -1, 0))
                    .compose(v -> sessions.accept(devEui, session.id(), 0, RECEIVE_WINDOWS, HEARD, false))
                    .compose(step -> sessions.saveMacState(devEui, session.id(), 0, mac, RECEIVE_WINDOWS))
                    .mapEmpty();
        }
    }

    /** Keeps {@link #IN_FLIGHT} devices being created, on the event loop that started it. */
    private static final class Feeder {
        private final Stores stores;
        private final int devices;
        private final Promise<Void> done;
        private int next = 1;
        private int finished;

        Feeder(Stores stores, int devices, Promise<Void> done) {
            this.stores = stores;
            this.devices = devices;
            this.done = done;
        }

        void start() {
            for (int i = 0; i < IN_FLIGHT; i++) {
                feed();
            }
        }

        private void feed() {
            if (next > devices) {
                return;
            }
            stores.create(next++).onComplete(result -> {
                if (result.failed()) {
                    done.tryFail(result.cause());
                    return;
                }
                if (++finished == devices) {
                    done.tryComplete();
                }
                feed();
            });
        }
    }

    private static Eui64 devEui(int i) {
        return Eui64.parse(String.format("%016X", 0x0A00000000000000L + i));
    }

    private static DevAddr devAddr(int i) {
        return new DevAddr(i + 1);
    }

    private static long usedMemory(Redis redis) throws Exception {
        String info = await(redis.send(Request.cmd(Command.INFO).arg("memory"))).toString();
        Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no used_memory in INFO memory");
        }
        return Long.parseLong(m.group(1));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.MINUTES);
    }
}
