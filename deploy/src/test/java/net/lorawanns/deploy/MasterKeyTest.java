package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.transfer.TransferKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The master key as an operator handles it: a restart with the wrong one, and a rotation with the command, which
 * re-seals root keys, sessions and applications.
 */
class MasterKeyTest {
    private static final String OLD_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final String NEW_KEY = "F0E0D0C0B0A090807060504030201000";
    private static final String APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String NWK_S_KEY = "3C4FCF098815F7ABA6D2AE2816157E2B";
    private static final String HEADER = "Bearer webhook-credential-0123";
    private static final Eui64 DEV_EUI = Eui64.parse("0004A30B001C0530");

    @TempDir
    Path dir;
    private final String prefix = "mk-" + UUID.randomUUID() + ":";
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aRestartWithAnotherMasterKeyStopsWithAClearError() throws Exception {
        Server.start(settings(OLD_KEY, "1", "")).close();
        ConfigException refused = assertThrows(ConfigException.class, () -> Server.start(settings(NEW_KEY, "1", "")));
        assertEquals("internal_js.master_key", refused.key());
        assertTrue(refused.getMessage().contains("is not the key they were stored with"), refused.getMessage());
        assertFalse(refused.getMessage().contains(NEW_KEY) || refused.getMessage().contains(OLD_KEY));
    }

    @Test
    void keysRotateReEncryptsUnderTheNewMasterKey() throws Exception {
        RedisSettings redisSettings = new RedisSettings(List.of(TestRedis.url()), null, null, prefix);
        Redis redis = TestRedis.client(vertx, redisSettings);
        RedisKeys keys = new RedisKeys(prefix);
        RootKeyStore old = new RootKeyStore(redis, keys, cipher(OLD_KEY, "1"));
        old.setRootKeys(DEV_EUI, new RootKeys(Eui64.parse("70B3D57ED0001234"), MacVersion.LORAWAN_1_0_3,
                AesKey.parse(APP_KEY, "app_key"), Optional.empty(), NetId.parse("000013"), Optional.empty(),
                Optional.empty()))
                .await(10, TimeUnit.SECONDS);
        AesKey nwkSKey = AesKey.parse(NWK_S_KEY, "nwk_s_key");
        new SessionStore(redis, keys, cipher(OLD_KEY, "1")).setActive(DEV_EUI, new DeviceSession("s1",
                DevAddr.parse("26000001"), false, nwkSKey, nwkSKey, nwkSKey, Optional.empty(), Optional.empty(), 0, 0,
                1), 41, 0).await(10, TimeUnit.SECONDS);
        new ApplicationStore(redis, keys, cipher(OLD_KEY, "1")).put(new Application("app", Optional.empty(),
                Map.of("Authorization", HEADER))).await(10, TimeUnit.SECONDS);
        String transferKeyId = new TransferKeyStore(vertx, redis, keys, cipher(OLD_KEY, "1")).transferKey()
                .await(30, TimeUnit.SECONDS).keyId();

        Path config = Files.writeString(dir.resolve("rotate.toml"), toml(NEW_KEY, "2", """
                [[internal_js.previous_master_keys]]
                id = "1"
                key = "%s"
                """.formatted(OLD_KEY)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("keys", "rotate", "--config", config.toString()), err.toString());
        assertTrue(out.toString().contains("Re-encrypted 1 root-key record(s), 0 owner-token record(s), "
                + "0 AppSKey record(s), 1 session record(s), 1 application record(s) and 1 transfer key(s) under "
                + "master key ID '2'"), out.toString());

        String stored = redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(DEV_EUI))).await(10, TimeUnit.SECONDS)
                .toString();
        assertTrue(stored.contains("\"kid\":\"2\""), stored);
        assertFalse(stored.toUpperCase().contains(APP_KEY), stored);
        RootKeyStore fresh = new RootKeyStore(redis, keys, cipher(NEW_KEY, "2"));
        assertArrayEquals(HexFormat.of().parseHex(APP_KEY), fresh.rootKeys(DEV_EUI).await(10, TimeUnit.SECONDS)
                .orElseThrow().appKey().bytes());
        SessionCandidate session = new SessionStore(redis, keys, cipher(NEW_KEY, "2")).sessionsOf(DEV_EUI)
                .await(10, TimeUnit.SECONDS).get(0);
        assertEquals(nwkSKey, session.session().nwkSEncKey());
        assertEquals(41L, session.lastFCntUp());
        assertEquals(Map.of("Authorization", HEADER), new ApplicationStore(redis, keys, cipher(NEW_KEY, "2"))
                .get("app").await(10, TimeUnit.SECONDS).orElseThrow().webhookHeaders());

        assertEquals(transferKeyId, new TransferKeyStore(vertx, redis, keys, cipher(NEW_KEY, "2")).transferKey()
                .await(10, TimeUnit.SECONDS).keyId(), "the transfer key opens under the new master key alone");

        Path withoutOld = Files.writeString(dir.resolve("new-only.toml"), toml(OLD_KEY, "3", ""));
        err.getBuffer().setLength(0);
        assertEquals(Launcher.CONFIG_ERROR, cli.execute("keys", "rotate", "--config", withoutOld.toString()));
        assertTrue(err.toString().contains("master key ID '2'"), err.toString());
    }

    private static AtRestCipher cipher(String key, String id) {
        return new AtRestCipher(new MasterKey(id, AesKey.parse(key, "master key")), List.of());
    }

    private net.lorawanns.config.Settings settings(String masterKey, String id, String extra) throws Exception {
        return new ConfigLoader().parse(toml(masterKey, id, extra));
    }

    private String toml(String masterKey, String id, String extra) {
        return """
                [logging]
                level = "warn"
                [network]
                start_up_warm_up = "0s"
                [redis]
                servers = ["%s"]
                key_prefix = "%s"
                [gateway.udp]
                bind = "127.0.0.1:0"
                [api]
                bind = "127.0.0.1:0"
                [metrics]
                enabled = false
                [internal_js]
                master_key = "%s"
                master_key_id = "%s"
                %s
                """.formatted(TestRedis.url(), prefix, masterKey, id, extra);
    }
}
