package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.SecretScan;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.deploy.Server;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.audit.AuditPage;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two networks with separate Redis stores, each with a gateway of its own that hears the spec device: the device's
 * root keys are exported from the first to the second's published transfer key and imported there; its next
 * join-request is answered by the second and refused by the first (locked after export), and a replay of a
 * join-request it sent to the first (an old DevNonce) is refused by the second. Then it comes back to the first by
 * the second's export: the first merges its nonce state and keeps it locked until its owner unlocks it, then refuses
 * a join-request the device sent to the second and gives a JoinNonce above the second's last. Then the import API's
 * answers to JWEs it must not take.
 */
class RootKeyTransferEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DEV_EUI = "0004A30B001C0A17";
    private static final String JOIN_EUI = "70B3D57ED0000A17";
    private static final String OWNER_TOKEN_A = "owner-token-first";
    private static final String OWNER_TOKEN_B = "owner-token-second";
    private static final String APP = "app-transfer";
    private static final String TRANSFERS = "lorawan_js_root_key_transfers_total";

    @TempDir
    Path dir;
    private EmbeddedRedis redisA;
    private EmbeddedRedis redisB;
    private TestNetwork networkA;
    private TestNetwork networkB;
    private Server first;
    private Server second;
    private SimulatedGateway gatewayA;
    private SimulatedGateway gatewayB;
    private Air air;
    private SpecDevice device;
    private final Vertx vertx = Vertx.vertx();

    @BeforeEach
    void start() throws Exception {
        redisA = EmbeddedRedis.start();
        redisB = EmbeddedRedis.start();
        networkA = new TestNetwork(Files.createDirectories(dir.resolve("a")), redisA.url());
        networkB = new TestNetwork(Files.createDirectories(dir.resolve("b")), redisB.url());
        first = networkA.startInstance();
        second = networkB.startInstance();
        networkA.createApplication(first, APP);
        networkB.createApplication(second, APP);
        gatewayA = new SimulatedGateway("AA555A0000000A01", first.udpPort());
        gatewayB = new SimulatedGateway("AA555A0000000B01", second.udpPort());
        gatewayA.pullData();
        gatewayB.pullData();
        air = new Air();
        byte[] appKey = TestNetwork.randomKey();
        device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", appKey, null, 0);
        // The first network gets the device as an owner would bring it: a JWE made here to its transfer key.
        JsonObject payload = new JsonObject().put("format", "lorawan-ns-root-keys/1").put("dev_eui", DEV_EUI)
                .put("join_eui", JOIN_EUI).put("mac_version", "1.0.3")
                .put("app_key", HexFormat.of().withUpperCase().formatHex(appKey))
                .put("used_dev_nonces", new JsonArray()).put("last_join_nonce", 0);
        String jwe = jwe(JWEAlgorithm.RSA_OAEP_256, payload, transferKey(networkA, first));
        JsonObject imported = importInto(networkA, first, jwe, OWNER_TOKEN_A, 200).getJsonArray("devices")
                .getJsonObject(0);
        assertTrue(imported.getBoolean("imported", false), imported.encode());
        register(networkA, first);
    }

    @AfterEach
    void stop() throws Exception {
        air.close();
        gatewayA.close();
        gatewayB.close();
        networkA.close();
        networkB.close();
        redisA.close();
        redisB.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeviceMovedToTheSecondNetworkJoinsThereAndNotAtTheFirstAndItsOldJoinRequestsStayRefused()
            throws Exception {
        // Before the move the device is heard by the first network only (a frame heard twice by one network is
        // dropped as a copy by its deduplication, which would hide the second network's DevNonce check).
        byte[] earlier = device.joinRequest(0x0101);
        transmit(earlier, List.of(gatewayA));
        device.acceptJoin(gatewayA.awaitDownlink(WAIT).phy());
        networkA.webhook().await(event("join", DEV_EUI), WAIT);

        JsonObject exportRequest = new JsonObject().put("owner_public_key", transferKey(networkB, second)
                .getJsonObject("jwk")).put("devices", new JsonArray().add(new JsonObject().put("dev_eui", DEV_EUI)
                .put("owner_token", OWNER_TOKEN_A)));
        JsonObject exported = networkA.api(first, "POST", "/api/v1/join-server/exports", exportRequest, 200)
                .getJsonArray("devices").getJsonObject(0);
        assertEquals(DEV_EUI, exported.getString("dev_eui"));
        String jwe = exported.getString("jwe");
        assertEquals("locked", networkA.api(first, "POST", "/api/v1/join-server/exports", exportRequest, 200)
                .getJsonArray("devices").getJsonObject(0).getString("reason"), "exported once, then locked");
        assertTrue(importInto(networkB, second, jwe, OWNER_TOKEN_B, 200).getJsonArray("devices").getJsonObject(0)
                .getBoolean("imported"));
        register(networkB, second);
        // README, "Keys in Redis": the root keys at js:{DevEUI}:keys, sealed on both sides.
        for (TestNetwork network : List.of(networkA, networkB)) {
            String record = network.redis(Request.cmd(Command.GET).arg(network.keyPrefix() + "lorawan:js:{" + DEV_EUI
                    + "}:keys")).toString();
            assertEquals(List.of(), SecretScan.find(record, device.appKey), record);
        }

        transmit(device.joinRequest(0x0202), List.of(gatewayA, gatewayB));
        device.acceptJoin(gatewayB.awaitDownlink(WAIT).phy());
        JsonObject joined = networkB.webhook().await(event("join", DEV_EUI), WAIT);
        assertEquals(device.devAddr(), joined.getString("dev_addr"));
        JsonObject refused = networkA.webhook().await(rejected("locked after export"), WAIT);
        assertEquals("ActivationDisallowed", refused.getString("result"), refused.encode());
        // The first network decided (the event above) and sent nothing.
        assertNull(gatewayA.pollDownlink(Duration.ZERO), "the first network answered a locked device");

        transmit(earlier, List.of(gatewayB));
        JsonObject replay = networkB.webhook().await(rejected("DevNonce"), WAIT);
        assertEquals("JoinReqFailed", replay.getString("result"), replay.encode());
        assertNull(gatewayB.pollDownlink(Duration.ZERO), "the second network answered an old DevNonce");

        // A join-request heard by the second network only; then the device comes back to the first (A->B->A).
        byte[] sentToB = device.joinRequest(0x0303);
        transmit(sentToB, List.of(gatewayB));
        device.acceptJoin(gatewayB.awaitDownlink(WAIT).phy());
        assertEquals("3", joinNonce(networkB), "the second network gave JoinNonces 2 and 3");
        JsonObject back = networkB.api(second, "POST", "/api/v1/join-server/exports", new JsonObject()
                .put("owner_public_key", transferKey(networkA, first).getJsonObject("jwk"))
                .put("devices", new JsonArray().add(new JsonObject().put("dev_eui", DEV_EUI)
                        .put("owner_token", OWNER_TOKEN_B))), 200).getJsonArray("devices").getJsonObject(0);
        JsonObject returned = importInto(networkA, first, back.getString("jwe"), OWNER_TOKEN_A, 200)
                .getJsonArray("devices").getJsonObject(0);
        assertTrue(returned.getBoolean("returned", false), "back where it was exported from: " + returned.encode());
        assertTrue(returned.getBoolean("locked", false), "locked until its owner unlocks it: " + returned.encode());
        networkA.api(first, "POST", "/api/v1/join-server/devices/" + DEV_EUI + "/unlock",
                new JsonObject().put("owner_token", OWNER_TOKEN_A), 200);

        transmit(sentToB, List.of(gatewayA));
        JsonObject replayAtA = networkA.webhook().await(rejected("DevNonce"), WAIT);
        assertEquals("JoinReqFailed", replayAtA.getString("result"), replayAtA.encode());
        assertNull(gatewayA.pollDownlink(Duration.ZERO), "the first network answered a DevNonce used at the second");
        transmit(device.joinRequest(0x0404), List.of(gatewayA));
        device.acceptJoin(gatewayA.awaitDownlink(WAIT).phy());
        assertEquals("4", joinNonce(networkA), "the first network's JoinNonce is above the second's last");
        networkA.api(first, "POST", "/api/v1/join-server/devices/" + DEV_EUI + "/unlock",
                new JsonObject().put("owner_token", "not-the-owner-token"), 403);

        assertEquals(List.of("unlock", "import", "export", "import"), audit(networkA, redisA), "newest first");
        assertEquals(1.0, networkA.metric(first, TRANSFERS + "{action=\"export\",result=\"exported\""));
        assertEquals(1.0, networkA.metric(first, TRANSFERS + "{action=\"export\",result=\"locked\""));
        assertEquals(1.0, networkA.metric(first, TRANSFERS + "{action=\"import\",result=\"imported\""));
        assertEquals(1.0, networkA.metric(first, TRANSFERS + "{action=\"import\",result=\"returned\""));
        assertEquals(1.0, networkA.metric(first, TRANSFERS + "{action=\"unlock\",result=\"wrong_token\""));
        assertEquals(1.0, networkB.metric(second, TRANSFERS + "{action=\"import\",result=\"imported\""));
        assertEquals(List.of("export", "import"), audit(networkB, redisB));
    }

    private static String joinNonce(TestNetwork network) throws Exception {
        return network.redis(Request.cmd(Command.GET).arg(network.keyPrefix() + "lorawan:js:{" + DEV_EUI
                + "}:joinnonce")).toString();
    }

    /** The actions of the device's audit entries, newest first, each naming its caller and free of keys. */
    private List<String> audit(TestNetwork network, EmbeddedRedis redis) throws Exception {
        Redis client = TestRedis.client(vertx, new RedisSettings(List.of(redis.url()), "standalone", "", ""));
        AuditPage page = new AuditLog(client, new RedisKeys(network.keyPrefix()), Duration.ofDays(1), 1000)
                .list(Optional.of(Eui64.parse(DEV_EUI)), 10, Optional.empty()).await(10, TimeUnit.SECONDS);
        String text = page.toJson().encode();
        String appKey = HexFormat.of().withUpperCase().formatHex(device.appKey);
        assertFalse(text.contains(appKey) || text.contains(OWNER_TOKEN_A) || text.contains(OWNER_TOKEN_B), text);
        page.entries().forEach(listed -> assertTrue(listed.entry().who().startsWith("api-key:"), text));
        return page.entries().stream().map(listed -> listed.entry().action().wireName()).toList();
    }

    @Test
    void anImportRefusesWhatItCannotTrustWithA400() throws Exception {
        JsonObject key = transferKey(networkB, second);
        RSAPublicKey transfer = RSAKey.parse(key.getJsonObject("jwk").getMap()).toRSAPublicKey();
        JsonObject payload = new JsonObject().put("format", "lorawan-ns-root-keys/1").put("dev_eui", "0004A30B001C0B01")
                .put("join_eui", JOIN_EUI).put("mac_version", "1.0.4")
                .put("app_key", "2B7E151628AED2A6ABF7158809CF4F3C")
                .put("last_dev_nonce", 7).put("last_join_nonce", 3);

        String forAnotherKey = jwe(JWEAlgorithm.RSA_OAEP_256, payload, rsa(2048));
        assertRefused(forAnotherKey, "cannot be decrypted with this server's transfer key");
        String rsa15 = jwe(JWEAlgorithm.RSA1_5, payload, transfer);
        assertRefused(rsa15, "alg must be RSA-OAEP-256");
        String[] parts = jwe(JWEAlgorithm.RSA_OAEP_256, payload, transfer).split("\\.");
        char tag = parts[4].charAt(0) == 'A' ? 'B' : 'A';
        assertRefused(String.join(".", parts[0], parts[1], parts[2], parts[3], tag + parts[4].substring(1)),
                "altered");
        assertTrue(importInto(networkB, second, jwe(JWEAlgorithm.RSA_OAEP_256, payload, transfer), OWNER_TOKEN_B, 200)
                .getJsonArray("devices").getJsonObject(0).getBoolean("imported"), "the same, untouched, is taken");

        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                small.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        JsonObject tooSmall = networkB.api(second, "POST", "/api/v1/join-server/exports", new JsonObject()
                .put("owner_public_key", pem).put("devices", new JsonArray().add(new JsonObject()
                        .put("dev_eui", "0004A30B001C0B01").put("owner_token", OWNER_TOKEN_B))), 400);
        assertTrue(tooSmall.getString("error").contains("1024 bits is too small"), tooSmall.encode());
        assertEquals(3.0, networkB.metric(second, TRANSFERS + "{action=\"import\",result=\"refused_jwe\""));
    }

    private void assertRefused(String jwe, String reason) throws Exception {
        JsonObject refused = importInto(networkB, second, jwe, OWNER_TOKEN_B, 400);
        assertTrue(refused.getString("error").contains(reason), refused.encode());
        assertTrue(refused.getString("error").contains("nothing was imported"), refused.encode());
    }

    private static Predicate<JsonObject> rejected(String why) {
        return e -> event("error", DEV_EUI).test(e) && "join_rejected".equals(e.getString("error"))
                && e.getString("description", "").contains(why);
    }

    private static JsonObject transferKey(TestNetwork network, Server server) throws Exception {
        JsonObject key = network.api(server, "GET", "/api/v1/join-server/transfer-key", null, 200);
        assertTrue(key.getString("pem").startsWith("-----BEGIN PUBLIC KEY-----"), key.encode());
        assertFalse(key.getJsonObject("jwk").containsKey("d"), "only the public half: " + key.encode());
        return key;
    }

    private static String jwe(JWEAlgorithm algorithm, JsonObject payload, JsonObject transferKey) throws Exception {
        return jwe(algorithm, payload, RSAKey.parse(transferKey.getJsonObject("jwk").getMap()).toRSAPublicKey());
    }

    private static String jwe(JWEAlgorithm algorithm, JsonObject payload, RSAPublicKey recipient) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader(algorithm, EncryptionMethod.A256GCM),
                new Payload(payload.encode()));
        jwe.encrypt(new RSAEncrypter(recipient));
        return jwe.serialize();
    }

    private static RSAPublicKey rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return (RSAPublicKey) generator.generateKeyPair().getPublic();
    }

    private static JsonObject importInto(TestNetwork network, Server server, String jwe, String ownerToken,
                                         int status) throws Exception {
        return network.api(server, "POST", "/api/v1/join-server/imports", new JsonObject()
                .put("home_net_id", TestNetwork.NET_ID).put("devices", new JsonArray().add(new JsonObject()
                        .put("jwe", jwe).put("owner_token", ownerToken))), status);
    }

    private static void register(TestNetwork network, Server server) throws Exception {
        network.api(server, "PUT", "/api/v1/devices/" + DEV_EUI, new JsonObject().put("application_id", APP)
                .put("mac_version", "1.0.3").put("join_eui", JOIN_EUI), 200);
    }

    private void transmit(byte[] phy, List<SimulatedGateway> heardBy) throws Exception {
        air.transmit(phy, 868_100_000L, "SF9BW125", heardBy.stream()
                .map(gateway -> new Air.Reception(gateway, 7.0, -80, 10_000_000)).toList());
    }
}
