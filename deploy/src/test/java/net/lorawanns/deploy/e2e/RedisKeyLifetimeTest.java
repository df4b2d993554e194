package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After joins, uplinks, re-joins and deletions of OTAA and ABP devices, and a device's life cycle in the built-in join
 * server (provisioned, claimed, a wrong owner token, exported and locked, with the transfer key made), every key the
 * server left in Redis either expires or is configuration-grade data, as the README lists it.
 */
class RedisKeyLifetimeTest {
    private static final Duration WAIT = Site.WAIT;
    private static final int TX_DR = 3;
    private static final String APP = "app-lifetime";
    private static final String FACTORY_KEK = "0F0E0D0C0B0A09080706050403020100";
    private static final String OWNER_TOKEN = "BOX-LABEL-7E08";

    @TempDir
    Path dir;
    private Site site;
    private TestNetwork network;
    private Server server;
    private final Vertx vertx = Vertx.vertx();

    @BeforeEach
    void start() throws Exception {
        site = new Site(dir, "AA555A0000000021", APP, """
                [[internal_js.kek]]
                label = "factory"
                kek = "%s"
                """.formatted(FACTORY_KEK));
        network = site.network;
        server = site.server;
    }

    @AfterEach
    void stop() throws Exception {
        site.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyKeyExpiresUnlessItIsConfigurationGradeData() throws Exception {
        SpecDevice rejoining = network.otaaDevice(server, "00000000007E0001", "1.0.4", APP);
        join(rejoining, 1);
        send(rejoining);
        join(rejoining, 2);
        send(rejoining);

        // A LoRaWAN 1.1 device that rejoins with types 0 (RJcount0 in its session) and 1 (RJcount1 at the join server).
        SpecDevice lorawan11 = network.otaaDevice(server, "00000000007E0005", "1.1", APP);
        join(lorawan11, 1);
        send(lorawan11);
        rejoin(lorawan11, lorawan11.rejoinRequest(0));
        rejoin(lorawan11, lorawan11.rejoinRequest1());

        SpecDevice deletedOtaa = network.otaaDevice(server, "00000000007E0002", "1.0.3", APP);
        join(deletedOtaa, 0x0456);
        send(deletedOtaa);
        network.api(server, "DELETE", "/api/v1/devices/" + deletedOtaa.devEui, null, 200);

        SpecDevice deletedAbp = network.abpDevice(server, "00000000007E0003", "26007E03", APP);
        send(deletedAbp);
        enqueue(deletedAbp);
        network.api(server, "DELETE", "/api/v1/devices/" + deletedAbp.devEui, null, 200);
        SpecDevice abp = network.abpDevice(server, "00000000007E0004", "26007E04", APP);
        send(abp);
        enqueue(abp);

        // Device profiles, a device that holds one and a device that held one before its deletion.
        network.api(server, "PUT", "/api/v1/device-profiles/lifetime", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.3").put("reg_params_revision", "RP002-1.0.3"), 200);
        JsonObject onProfile = new JsonObject().put("application_id", APP).put("join_eui", "70B3D57ED0000000")
                .put("device_profile_id", "lifetime");
        network.api(server, "PUT", "/api/v1/devices/00000000007E0006", onProfile, 200);
        network.api(server, "PUT", "/api/v1/devices/00000000007E0007", onProfile, 200);
        network.api(server, "DELETE", "/api/v1/devices/00000000007E0007", null, 200);

        joinServerLifeCycle("00000000007E0008");

        String prefix = Pattern.quote(network.keyPrefix() + "lorawan:");
        String eui = "\\{[0-9A-F]{16}\\}";
        // README, "Keys in Redis": the configuration-grade keys, which live until the operator deletes them.
        List<Pattern> configurationGrade = List.of(
                Pattern.compile(prefix + "device:" + eui),
                Pattern.compile(prefix + "device:\\{" + abp.devEui + "\\}:session"),
                Pattern.compile(prefix + "devaddr:\\{" + abp.devAddr() + "\\}"),
                Pattern.compile(prefix + "js:" + eui + ":(keys|joinnonce|(devnonce|rjcount1):[0-9A-F]{16})"),
                // The claim and the lock after an export live until the owner's next step; the transfer key is the
                // network's, like its master key.
                Pattern.compile(prefix + "js:" + eui + ":(claim|locked)"),
                Pattern.compile(prefix + "js:\\{transfer-key\\}:rsa"),
                Pattern.compile(prefix + "js:\\{FFFFFFFFFFFFFFFF\\}:keys:check:.+"),
                Pattern.compile(prefix + "application:\\{[A-Za-z0-9._-]+\\}(:devices)?"),
                Pattern.compile(prefix + "applications:\\{applications\\}(:indexed)?"),
                Pattern.compile(prefix + "device-profiles:\\{profiles\\}(:users|:generation|:holds:[0-9A-F]{16})?"),
                Pattern.compile(prefix + "gateways"));

        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        List<String> keys = keys(redis);
        assertTrue(keys.size() > 10, "the scan found the server's keys: " + keys);
        assertTrue(keys.stream().anyMatch(k -> k.contains(":rjcount1:")), "the RJcount1 record was made: " + keys);
        for (String made : List.of("js:{00000000007E0008}:claim", "js:{00000000007E0008}:locked",
                "js:{00000000007E0008}:claim-failures", "js-audit:{audit}", "js-audit:{audit}:refused",
                "js-audit:{audit}:provisioning", "js:{transfer-key}:rsa")) {
            assertTrue(keys.stream().anyMatch(k -> k.endsWith("lorawan:" + made)), made + " was made: " + keys);
        }
        List<String> lasting = new ArrayList<>();
        for (String key : keys) {
            long ttl = redis.send(Request.cmd(Command.PTTL).arg(key)).await(10, TimeUnit.SECONDS).toLong();
            if (ttl == -1 && configurationGrade.stream().noneMatch(p -> p.matcher(key).matches())) {
                lasting.add(key);
            }
        }
        assertEquals(List.of(), lasting, "keys that never expire and are not configuration-grade");
        // A deleted device leaves only the mark of its deletion, which expires (see above).
        for (SpecDevice deleted : List.of(deletedOtaa, deletedAbp)) {
            assertTrue(keys.stream().noneMatch(k -> (k.contains("device:{" + deleted.devEui + "}")
                    && !k.endsWith(":deleted")) || k.contains("devaddr:{" + deleted.devAddr() + "}")),
                    deleted.devEui + " left keys: " + keys);
        }
        assertTrue(keys.stream().noneMatch(k -> k.contains("00000000007E0007") && !k.endsWith(":deleted")),
                "the deleted device left a hold on its profile: " + keys);
        assertTrue(keys.stream().anyMatch(k -> k.endsWith(":holds:00000000007E0006")), "the hold was made: " + keys);
        assertTrue(keys.stream().anyMatch(k -> k.endsWith("device:{" + abp.devEui + "}:queue")),
                "the downlink queue was made: " + keys);
    }

    /**
     * Through the API: a device provisioned from a manifest, claimed, tried with a wrong owner token, and exported
     * to the owner's RSA key (locked), with the transfer key made by asking for it.
     */
    private void joinServerLifeCycle(String devEui) throws Exception {
        Cipher wrap = Cipher.getInstance("AESWrap");
        wrap.init(Cipher.WRAP_MODE, new SecretKeySpec(HexFormat.of().parseHex(FACTORY_KEK), "AES"));
        String wrapped = HexFormat.of().formatHex(wrap.wrap(new SecretKeySpec(TestNetwork.randomKey(), "AES")));
        network.api(server, "POST", "/api/v1/join-server/provisioning", new JsonArray().add(new JsonObject()
                .put("dev_eui", devEui).put("join_eui", "70B3D57ED00F0000").put("mac_version", "1.0.4")
                .put("kek_label", "factory").put("app_key", wrapped).put("owner_token", OWNER_TOKEN)).encode(),
                TestNetwork.API_KEY, 200);
        String claim = "/api/v1/join-server/devices/" + devEui + "/claim";
        network.api(server, "POST", claim, new JsonObject().put("owner_token", OWNER_TOKEN)
                .put("home_net_id", TestNetwork.NET_ID), 200);
        network.api(server, "POST", claim, new JsonObject().put("owner_token", "NOT-THE-TOKEN")
                .put("home_net_id", TestNetwork.NET_ID), 403);
        network.api(server, "GET", "/api/v1/join-server/transfer-key", null, 200);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(rsa.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        JsonObject exported = network.api(server, "POST", "/api/v1/join-server/exports", new JsonObject()
                .put("owner_public_key", pem).put("devices", new JsonArray().add(new JsonObject()
                        .put("dev_eui", devEui).put("owner_token", OWNER_TOKEN))), 200);
        assertTrue(exported.getJsonArray("devices").getJsonObject(0).containsKey("jwe"), exported.encode());
    }

    private void join(SpecDevice device, int devNonce) throws Exception {
        site.join(device, devNonce);
    }

    private void rejoin(SpecDevice device, byte[] request) throws Exception {
        site.rejoin(device, request);
    }

    private void send(SpecDevice device) throws Exception {
        long fCnt = device.fCntUp;
        site.transmit(device.uplink(false, 2, new byte[] {7}, new byte[0], TX_DR, 0));
        network.webhook().await(uplink(device.devEui, fCnt), WAIT);
    }

    /** An application downlink that waits in the device's queue. */
    private void enqueue(SpecDevice device) throws Exception {
        network.api(server, "POST", "/api/v1/devices/" + device.devEui + "/queue",
                new JsonObject().put("f_port", 2).put("data", "AQID"), 201);
    }

    private List<String> keys(Redis redis) throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH")
                    .arg(network.keyPrefix() + "*").arg("COUNT").arg(1000)).await(10, TimeUnit.SECONDS);
            cursor = page.get(0).toString();
            page.get(1).forEach(key -> keys.add(key.toString()));
        } while (!cursor.equals("0"));
        return keys;
    }
}
