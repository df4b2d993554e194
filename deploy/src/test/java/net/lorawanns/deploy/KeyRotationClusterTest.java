package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedisCluster;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.RootKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keys rotate} on a real three-master Redis Cluster: records whose DevEUIs spread them over every master are
 * all re-sealed, as reading each master directly shows, and the new key alone then opens every one.
 */
class KeyRotationClusterTest {
    private static final String OLD_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final String NEW_KEY = "F0E0D0C0B0A090807060504030201000";
    private static final int DEVICES = 300;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestRedisCluster cluster;

    @TempDir
    Path dir;
    private final String prefix = "rotate-" + UUID.randomUUID() + ":";
    private final Vertx vertx = Vertx.vertx();

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyRecordOnEveryMasterIsReSealedUnderTheNewKey() throws Exception {
        RedisSettings settings = cluster.patientSettings(prefix);
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        RedisKeys keys = new RedisKeys(prefix);
        RootKeyStore oldRoots = new RootKeyStore(redis, keys, cipher(OLD_KEY, "1"));
        AppSKeyStore oldAppSKeys = new AppSKeyStore(redis, keys, cipher(OLD_KEY, "1"));
        Map<Eui64, byte[]> appKeys = new HashMap<>();
        List<Future<Void>> writes = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            Eui64 devEui = Eui64.parse(String.format("0004A30B%08X", RANDOM.nextInt()));
            byte[] appKey = randomKey();
            appKeys.put(devEui, appKey);
            writes.add(oldRoots.setRootKeys(devEui, new RootKeys(Eui64.parse("70B3D57ED0001234"),
                    MacVersion.LORAWAN_1_0_3, AesKey.of(appKey), Optional.empty(), NetId.parse("000013"),
                    Optional.empty(), Optional.empty())));
            writes.add(oldAppSKeys.put(devEui, "session-1", AesKey.of(appKey), Duration.ofHours(1)));
        }
        Future.all(writes).await(30, TimeUnit.SECONDS);

        Path config = Files.writeString(dir.resolve("rotate.toml"), """
                [redis]
                servers = [%s]
                mode = "cluster"
                key_prefix = "%s"
                [internal_js]
                master_key = "%s"
                master_key_id = "2"
                [[internal_js.previous_master_keys]]
                id = "1"
                key = "%s"
                """.formatted(String.join(", ", settings.servers().stream().map(u -> '"' + u + '"').toList()), prefix,
                NEW_KEY, OLD_KEY));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("keys", "rotate", "--config", config.toString()), err.toString());
        assertTrue(out.toString().contains("Re-encrypted " + appKeys.size() + " root-key record(s)"), out.toString());

        Set<String> sealedRecords = new HashSet<>();
        for (String master : cluster.urls()) {
            Map<String, String> records = recordsOn(Redis.createClient(vertx, master));
            assertTrue(records.size() > appKeys.size() / 10, "records on every master, " + master + " too");
            records.forEach((key, record) -> assertEquals("2", new JsonObject(record).getString("kid"), key));
            sealedRecords.addAll(records.keySet());
        }
        assertEquals(2 * appKeys.size(), sealedRecords.size(), "every root-key record and AppSKey, each on one master");

        RootKeyStore newRoots = new RootKeyStore(redis, keys, cipher(NEW_KEY, "2"));
        AppSKeyStore newAppSKeys = new AppSKeyStore(redis, keys, cipher(NEW_KEY, "2"));
        for (Map.Entry<Eui64, byte[]> device : appKeys.entrySet()) {
            assertArrayEquals(device.getValue(), newRoots.rootKeys(device.getKey()).await(10, TimeUnit.SECONDS)
                    .orElseThrow().appKey().bytes());
            assertArrayEquals(device.getValue(), newAppSKeys.get(device.getKey(), "session-1")
                    .await(10, TimeUnit.SECONDS).orElseThrow().bytes());
        }
    }

    /** The root-key records and AppSKeys of this test on one node, read from it directly: key to record. */
    private Map<String, String> recordsOn(Redis node) throws Exception {
        Map<String, String> records = new HashMap<>();
        String cursor = "0";
        do {
            Response page = node.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "lorawan:js:*")
                    .arg("COUNT").arg(1000)).await(10, TimeUnit.SECONDS);
            for (Response key : page.get(1)) {
                String name = key.toString();
                if (name.endsWith(":keys") || name.contains(":appskey:")) {
                    records.put(name, node.send(Request.cmd(Command.GET).arg(name)).await(10, TimeUnit.SECONDS)
                            .toString());
                }
            }
            cursor = page.get(0).toString();
        } while (!cursor.equals("0"));
        return records;
    }

    private static AtRestCipher cipher(String key, String id) {
        return new AtRestCipher(new MasterKey(id, AesKey.parse(key, "master key")), List.of());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return key;
    }
}
