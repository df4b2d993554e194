package net.lorawanns.js;

import static org.junit.jupiter.api.Assertions.assertThrows;

import net.lorawanns.core.join.RootKeysOwnedException;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.api.ApiRoutes;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.crypto.KeyWrap;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.DeviceClaiming;
import net.lorawanns.js.claim.DeviceProvisioning;
import net.lorawanns.sim.TestVectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static net.lorawanns.sim.TestVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The join server's life cycle over the REST API (real HTTP, a real Redis): a manifest provisions the device of the
 * shared join-request vector (ChirpStack's: AppKey 0102...10, JoinEUI 0101..., DevEUI 0202...) unclaimed, its
 * join-request is refused until it is claimed, then answered for its owner's NetID only. Root keys in manifests are
 * wrapped with the JDK's AESWrap cipher.
 */
class JoinServerApiTest {
    private static final String API_KEY = "join-server-api-test-key-0123456789";
    private static final NetId OWNER = NetId.parse("000013");
    private static final NetId OTHER = NetId.parse("00000A");
    private static final byte[] FACTORY_KEK = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");
    private static final AesKey AS_KEK = AesKey.of(HexFormat.of().parseHex("08070605040302010807060504030201"));
    private static final String TOKEN = "K7Q2-M9XW-4R";
    /** TR005's example QR code (DevEUI AABBCCDDEEFF0011, JoinEUI 1122334455667788, owner token AABBCCDDEEFF). */
    private static final String QR_CODE =
            "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:OAABBCCDDEEFF:SYYWWNNNNNN:PFOOBAR:CAF2C";

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private RootKeyStore rootKeys;
    private InternalJoinServer joinServer;
    private HttpServer server;
    private JoinRequest request;
    private AesKey appKey;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings redisSettings = TestRedis.settings();
        keys = new RedisKeys(redisSettings.keyPrefix());
        redis = TestRedis.client(vertx, redisSettings);
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        rootKeys = new RootKeyStore(redis, keys, cipher);
        ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
        Map<String, AesKey> keks = Map.of("factory", AesKey.of(FACTORY_KEK), "as.owner", AS_KEK);
        joinServer = new InternalJoinServer(rootKeys, claims, new AppSKeyStore(redis, keys, cipher),
                new DevNonceRegistry(redis, keys), new JoinNonceCounter(redis, keys), new RejoinCount1Registry(redis, keys),
                Duration.ZERO, keks, "");
        AuditLog audit = new AuditLog(redis, keys, Duration.ofDays(365), 1_000_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JoinServerApi routes = new JoinServerApi(new DeviceClaiming(rootKeys, claims, audit, keks.keySet(),
                Clock.systemUTC(), registry), new DeviceProvisioning(rootKeys, claims, audit, registry), audit, keks);

        Settings settings = new ConfigLoader().parse("""
                [network]
                net_id = "000013"
                enabled_regions = ["eu868"]
                """);
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        RestApi.Services services = new RestApi.Services(new DeviceStore(redis, keys),
                new SessionStore(redis, keys, cipher), new ApplicationStore(redis, keys, cipher),
                new GatewayStore(redis, keys), Optional.of(rootKeys), new DevNonceRegistry(redis, keys),
                new EventStream(vertx, new SimpleMeterRegistry()), new WebhookAddressPolicy(List.of()),
                OWNER, plan.region(), (joinEui, devEui) -> Future.failedFuture("no join server check here"),
                new DeviceProfileStore(redis, keys), plan.regions(), plan.defaults(),
                new DownlinkQueue(redis, keys, 3, Duration.ofDays(7)), event -> { });
        ApiRoutes noTransfer = ApiRoutes.absent("root-key-transfer", "not in this test");
        server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, List.of(API_KEY),
                List.of(routes, noTransfer)).await(10, TimeUnit.SECONDS)).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);

        JsonNode vector = TestVectors.group("join_request_mic").get(0);
        request = (JoinRequest) FrameCodec.decode(bytes(vector, "phy_payload"));
        appKey = AesKey.of(TestVectors.bytes(vector, "key"));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnclaimedDeviceIsRefusedUntilClaimedThenJoinsItsOwnersNetworkOnly() throws Exception {
        JsonObject provisioned = post("/api/v1/join-server/provisioning", "application/json", new JsonArray()
                .add(manifestDevice(request.devEui(), request.joinEui(), appKey, TOKEN)).encode(), 200);
        assertEquals(1, provisioned.getInteger("provisioned"));
        assertEquals("provisioned", provisioned.getJsonArray("devices").getJsonObject(0).getString("result"));

        JoinAnswer.Rejected unclaimed = rejected(join(OWNER));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, unclaimed.result());
        assertTrue(unclaimed.description().contains("not claimed"), unclaimed.description());

        String wrong = post(claimPath(request.devEui()), new JsonObject().put("owner_token", "K7Q2-M9XW-4S")
                .put("home_net_id", "000013"), 403).getString("error");
        assertFalse(wrong.contains("K7Q2"), wrong);
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013")
                .put("as_kek_label", "no-such-kek"), 400);
        JsonObject claimed = post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN)
                .put("home_net_id", "000013").put("as_kek_label", "as.owner"), 200);
        assertEquals("claimed", claimed.getString("state"));
        assertEquals("000013", claimed.getString("home_net_id"));
        assertFalse(claimed.encode().contains(TOKEN), claimed.encode());
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "00000A"),
                409);

        JoinAnswer.Rejected otherNetwork = rejected(join(OTHER));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, otherNetwork.result());
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class, join(OWNER));
        assertEquals("as.owner", accepted.appSKey().orElseThrow().kekLabel(), "the AppSKey goes under the owner's KEK");
        KeyWrap.unwrap(AS_KEK, accepted.appSKey().orElseThrow().aesKey());

        assertEquals(List.of("claim"), auditActions(Optional.of(request.devEui())), "the life cycle's steps");
        assertEquals(List.of("provision"), get("/api/v1/join-server/audit?provisioning=true&dev_eui="
                + request.devEui(), 200).getJsonArray("entries").stream()
                .map(entry -> ((JsonObject) entry).getString("action")).toList(), "provisioning, in its own log");
        get("/api/v1/join-server/audit?provisioning=true&refused=true", 400);
        // Newest first: the second claim (already claimed), the wrong token; the unknown KEK label was refused
        // before any token was compared, and is not an attempt.
        JsonObject refused = get("/api/v1/join-server/audit?refused=true&dev_eui=" + request.devEui(), 200);
        assertEquals(List.of("already_claimed", "wrong_token"), refused.getJsonArray("entries").stream()
                .map(entry -> ((JsonObject) entry).getString("detail")).toList());
        get("/api/v1/join-server/audit?refused=maybe", 400);
    }

    @Test
    void wrongOwnerTokensAreLimitedAndThenTheRightOneIsRefusedToo() throws Exception {
        provision(request.devEui(), request.joinEui(), TOKEN);
        JsonObject wrong = new JsonObject().put("owner_token", "WRONG-TOKEN").put("home_net_id", "000013");
        for (int i = 0; i < AttemptLimit.DEFAULT.failures(); i++) {
            post(claimPath(request.devEui()), wrong, 403);
        }
        HttpResponse<String> limited = send("POST", claimPath(request.devEui()), "application/json", new JsonObject()
                .put("owner_token", TOKEN).put("home_net_id", "000013").encode());
        assertEquals(429, limited.statusCode(), limited.body());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, rejected(join(OWNER)).result(), "still unclaimed");

        // An unknown DevEUI answers exactly as a wrong token does.
        JsonObject unknown = post(claimPath(Eui64.parse("0202020202020299")), wrong, 403);
        assertEquals(post(claimPath(Eui64.parse("0202020202020298")), wrong, 403).getString("error")
                .replace("0202020202020298", ""), unknown.getString("error").replace("0202020202020299", ""));
    }

    @Test
    void aQrCodeClaimsTheDeviceItNames() throws Exception {
        Eui64 devEui = Eui64.parse("AABBCCDDEEFF0011");
        provision(devEui, Eui64.parse("1122334455667788"), "AABBCCDDEEFF");
        JsonObject claimed = post("/api/v1/join-server/claims", new JsonObject().put("qr_code", QR_CODE)
                .put("home_net_id", "000013").put("home_ns_id", "ns.owner"), 200);
        assertEquals("claimed", claimed.getString("state"));
        assertEquals("AABBCCDDEEFF0011", claimed.getString("dev_eui"));
        assertEquals("1122334455667788", claimed.getString("join_eui"));
        assertEquals("ns.owner", claimed.getString("home_ns_id"));
        RootKeys keys = rootKeys.rootKeys(devEui).await(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(OWNER, keys.homeNetId());
        assertEquals(Optional.of("ns.owner"), keys.homeNsId());

        String misread = QR_CODE.replace("SYYWW", "SYYWX");
        assertTrue(post("/api/v1/join-server/claims", new JsonObject().put("qr_code", misread)
                .put("home_net_id", "000013"), 400).getString("error").contains("CheckSum"));
        post("/api/v1/join-server/claims", new JsonObject().put("qr_code",
                "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122").put("home_net_id", "000013"), 400);
    }

    @Test
    void transferHandsTheDeviceToANewOwnerAndEveryStepIsAudited() throws Exception {
        provision(request.devEui(), request.joinEui(), TOKEN);
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "00000A"),
                200);
        JsonObject transferred = post("/api/v1/join-server/devices/" + request.devEui() + "/transfer",
                new JsonObject().put("owner_token", TOKEN).put("new_owner_token", "NEW-OWNER-77"), 200);
        assertEquals("unclaimed", transferred.getString("state"));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, rejected(join(OTHER)).result(), "unclaimed after transfer");
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013"),
                403);
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", "NEW-OWNER-77")
                .put("home_net_id", "000013"), 200);
        assertInstanceOf(JoinAnswer.Accepted.class, join(OWNER));

        JsonObject unclaimed = unclaim(request.devEui(), "NEW-OWNER-77");
        assertEquals("unclaimed", unclaimed.getString("state"));
        assertFalse(unclaimed.containsKey("home_net_id"));
        assertEquals(DeviceClaiming.NO_HOME, rootKeys.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS)
                .orElseThrow().homeNetId());
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", "NEW-OWNER-77")
                .put("home_net_id", "000013"), 200);

        List<String> expected = List.of("claim", "unclaim", "claim", "transfer", "claim");
        assertEquals(expected, auditActions(Optional.of(request.devEui())));
        // The log is in Redis: a new instance (a restart) lists the same entries; who is the API key's identity.
        AuditLog restarted = new AuditLog(redis, keys, Duration.ofDays(365), 1_000_000);
        JsonObject page = restarted.list(Optional.of(request.devEui()), 3, Optional.empty())
                .await(10, TimeUnit.SECONDS).toJson();
        assertEquals(3, page.getJsonArray("entries").size());
        assertEquals("api-key:" + sha256Prefix(API_KEY), page.getJsonArray("entries").getJsonObject(0).getString("who"));
        JsonObject older = get("/api/v1/join-server/audit?dev_eui=" + request.devEui() + "&limit=3&after="
                + page.getString("next"), 200);
        assertEquals(List.of("transfer", "claim"), older.getJsonArray("entries").stream()
                .map(entry -> ((JsonObject) entry).getString("action")).toList());
        assertFalse(get("/api/v1/join-server/audit", 200).encode().contains("NEW-OWNER"));
        assertEquals(List.of("claim_refused"), get("/api/v1/join-server/audit?refused=true", 200)
                .getJsonArray("entries").stream().map(entry -> ((JsonObject) entry).getString("action")).toList(),
                "the old owner's token after the transfer");
        get("/api/v1/join-server/audit?limit=0", 400);
    }

    @Test
    void aCsvManifestIsProvisionedAndClaimedOrOwnDevicesAreNotReplaced() throws Exception {
        Eui64 own = Eui64.parse("0202020202020210");
        rootKeys.setRootKeys(own, new RootKeys(request.joinEui(), MacVersion.LORAWAN_1_0_3, appKey, Optional.empty(),
                OWNER, Optional.empty(), Optional.empty())).await(10, TimeUnit.SECONDS);
        String header = "dev_eui,join_eui,mac_version,kek_label,app_key,owner_token\n";
        String csv = header + request.devEui() + "," + request.joinEui() + ",1.0.3,factory,"
                + wrap(FACTORY_KEK, appKey) + "," + TOKEN + "\n";
        assertEquals(1, post("/api/v1/join-server/provisioning", "text/csv", csv, 200).getInteger("provisioned"));
        JsonObject again = post("/api/v1/join-server/provisioning", "text/csv", csv, 200);
        assertEquals("reprovisioned", again.getJsonArray("devices").getJsonObject(0).getString("result"));

        JsonObject bad = post("/api/v1/join-server/provisioning", "text/csv", header + request.devEui() + ","
                + request.joinEui() + ",1.0.3,factory,00112233," + TOKEN + "\n", 400);
        assertEquals(2, bad.getJsonArray("errors").getJsonObject(0).getInteger("row"));
        assertEquals("app_key", bad.getJsonArray("errors").getJsonObject(0).getString("field"));

        String ownRow = own + "," + request.joinEui() + ",1.0.3,factory," + wrap(FACTORY_KEK, appKey) + ",OTHER-TOKEN\n";
        JsonObject refused = post("/api/v1/join-server/provisioning", "text/csv", header + ownRow, 409);
        assertEquals("own_device", refused.getJsonArray("devices").getJsonObject(0).getString("result"));
        assertArrayEquals(appKey.bytes(), rootKeys.rootKeys(own).await(10, TimeUnit.SECONDS).orElseThrow()
                .appKey().bytes());

        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013"),
                200);
        assertEquals("claimed", post("/api/v1/join-server/provisioning", "text/csv", csv, 409)
                .getJsonArray("devices").getJsonObject(0).getString("result"));

        // The claimed device is its owner's: root keys put through PUT /api/v1/devices do not replace them, and
        // DELETE /api/v1/devices leaves them; only the owner, with its token, unclaims it.
        Future<Void> replaced = rootKeys.setRootKeys(request.devEui(), new RootKeys(request.joinEui(),
                MacVersion.LORAWAN_1_0_3, AesKey.of(new byte[16]), Optional.empty(), OWNER, Optional.empty(),
                Optional.empty()));
        assertInstanceOf(RootKeysOwnedException.class, assertThrows(Exception.class,
                () -> replaced.await(10, TimeUnit.SECONDS)));
        assertFalse(rootKeys.deleteRootKeys(request.devEui()).await(10, TimeUnit.SECONDS));
        assertArrayEquals(appKey.bytes(), rootKeys.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS)
                .orElseThrow().appKey().bytes());
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013"),
                409);
    }

    /**
     * An API key alone cannot replace the root keys and owner token of a device that had an owner: neither one handed
     * on by a transfer and not claimed yet, nor one its owner unclaimed. A device that never had an owner can be.
     */
    @Test
    void onlyADeviceThatNeverHadAnOwnerIsProvisionedAgain() throws Exception {
        Eui64 fresh = Eui64.parse("0202020202020211");
        provision(fresh, request.joinEui(), TOKEN);
        JsonObject again = post("/api/v1/join-server/provisioning", "application/json", new JsonArray()
                .add(manifestDevice(fresh, request.joinEui(), appKey, "MAKER-FIX-1")).encode(), 200);
        assertEquals("reprovisioned", again.getJsonArray("devices").getJsonObject(0).getString("result"));

        provision(request.devEui(), request.joinEui(), TOKEN);
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013"),
                200);
        post("/api/v1/join-server/devices/" + request.devEui() + "/transfer",
                new JsonObject().put("owner_token", TOKEN).put("new_owner_token", "NEW-OWNER-77"), 200);
        AesKey other = AesKey.of(new byte[16]);
        String takeOver = new JsonArray().add(manifestDevice(request.devEui(), request.joinEui(), other,
                "ATTACKER-1")).encode();
        JsonObject refused = post("/api/v1/join-server/provisioning", "application/json", takeOver, 409);
        JsonObject row = refused.getJsonArray("devices").getJsonObject(0);
        assertEquals("was_claimed", row.getString("result"), "handed on by a transfer, not claimed yet");
        assertTrue(row.getString("error").contains("had an owner"), row.encode());
        assertEquals(0, refused.getInteger("provisioned"));

        post(claimPath(request.devEui()), new JsonObject().put("owner_token", "NEW-OWNER-77")
                .put("home_net_id", "000013"), 200);
        unclaim(request.devEui(), "NEW-OWNER-77");
        assertEquals("was_claimed", post("/api/v1/join-server/provisioning", "application/json", takeOver, 409)
                .getJsonArray("devices").getJsonObject(0).getString("result"), "unclaimed by its owner");
        assertArrayEquals(appKey.bytes(), rootKeys.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS)
                .orElseThrow().appKey().bytes(), "its root keys are kept");
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", "NEW-OWNER-77")
                .put("home_net_id", "000013"), 200);

        assertEquals(List.of("provision", "provision"), get("/api/v1/join-server/audit?provisioning=true&dev_eui="
                + fresh, 200).getJsonArray("entries").stream().map(entry -> ((JsonObject) entry).getString("action"))
                .toList(), "stock never owned, provisioned twice");
        assertEquals(List.of("was_claimed", "was_claimed"), get("/api/v1/join-server/audit?refused=true&dev_eui="
                + request.devEui(), 200).getJsonArray("entries").stream()
                .filter(entry -> ((JsonObject) entry).getString("action").equals("provision_refused"))
                .map(entry -> ((JsonObject) entry).getString("detail")).toList(), "the refused rows");
        assertFalse(auditActions(Optional.empty()).contains("provision"), "the life cycle's log holds no provisioning");
    }

    /**
     * {@code DELETE /devices/{DevEUI}/dev-nonces} leaves the DevNonce history of a device with an owner in the join
     * server (409): reset, its old join-requests would be answered again. The network's own devices' is reset.
     */
    @Test
    void theDevNonceHistoryOfAnOwnersDeviceIsNotReset() throws Exception {
        provision(request.devEui(), request.joinEui(), TOKEN);
        post(claimPath(request.devEui()), new JsonObject().put("owner_token", TOKEN).put("home_net_id", "000013"),
                200);
        assertEquals(200, send("PUT", "/api/v1/applications/app-a", "application/json", "{}").statusCode());
        JsonObject device = new JsonObject().put("application_id", "app-a").put("mac_version", "1.0.3")
                .put("join_eui", request.joinEui().toString());
        HttpResponse<String> put = send("PUT", "/api/v1/devices/" + request.devEui(), "application/json",
                device.encode());
        assertEquals(200, put.statusCode(), put.body());
        assertInstanceOf(JoinAnswer.Accepted.class, join(OWNER));

        HttpResponse<String> reset = send("DELETE", "/api/v1/devices/" + request.devEui() + "/dev-nonces", null,
                null);
        assertEquals(409, reset.statusCode(), reset.body());
        assertTrue(new JsonObject(reset.body()).getString("error").contains("owner"), reset.body());
        JoinAnswer.Rejected replay = rejected(join(OWNER));
        assertEquals(JoinResult.JOIN_REQ_FAILED, replay.result(), "the join-request is still a replay");
        assertTrue(replay.description().contains("DevNonce"), replay.description());

        Eui64 own = Eui64.parse("0202020202020212");
        rootKeys.setRootKeys(own, new RootKeys(request.joinEui(), MacVersion.LORAWAN_1_0_3, appKey, Optional.empty(),
                OWNER, Optional.empty(), Optional.empty())).await(10, TimeUnit.SECONDS);
        put = send("PUT", "/api/v1/devices/" + own, "application/json", device.encode());
        assertEquals(200, put.statusCode(), put.body());
        redis.send(Request.cmd(Command.HSET).arg(keys.devNonces(own, request.joinEui())).arg("n513").arg(1))
                .await(10, TimeUnit.SECONDS);
        reset = send("DELETE", "/api/v1/devices/" + own + "/dev-nonces", null, null);
        assertEquals(200, reset.statusCode(), reset.body());
        assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(keys.devNonces(own, request.joinEui())))
                .await(10, TimeUnit.SECONDS).toInteger(), "the network's own device's history is reset");
    }

    private void provision(Eui64 devEui, Eui64 joinEui, String token) throws Exception {
        post("/api/v1/join-server/provisioning", "application/json", new JsonArray()
                .add(manifestDevice(devEui, joinEui, appKey, token)).encode(), 200);
    }

    private static JsonObject manifestDevice(Eui64 devEui, Eui64 joinEui, AesKey key, String token) throws Exception {
        return new JsonObject().put("dev_eui", devEui.toString()).put("join_eui", joinEui.toString())
                .put("mac_version", "1.0.3").put("kek_label", "factory").put("app_key", wrap(FACTORY_KEK, key))
                .put("owner_token", token);
    }

    private static String wrap(byte[] kek, AesKey key) throws Exception {
        Cipher cipher = Cipher.getInstance("AESWrap");
        cipher.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
        return HexFormat.of().formatHex(cipher.wrap(new SecretKeySpec(key.bytes(), "AES")));
    }

    private static String claimPath(Eui64 devEui) {
        return "/api/v1/join-server/devices/" + devEui + "/claim";
    }

    private JsonObject unclaim(Eui64 devEui, String token) throws Exception {
        HttpResponse<String> response = send("DELETE", claimPath(devEui), "application/json",
                new JsonObject().put("owner_token", token).encode());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private List<String> auditActions(Optional<Eui64> devEui) throws Exception {
        JsonObject page = get("/api/v1/join-server/audit" + devEui.map(eui -> "?dev_eui=" + eui).orElse(""), 200);
        return page.getJsonArray("entries").stream().map(entry -> ((JsonObject) entry).getString("action")).toList();
    }

    private JoinAnswer join(NetId netId) throws Exception {
        return joinServer.join(new JoinRequestContext(request.encode(), request, MacVersion.LORAWAN_1_0_3, netId,
                new DevAddr(0x26000001), new DlSettings(false, 0, 0), 1, Optional.empty())).await(10, TimeUnit.SECONDS);
    }

    private static JoinAnswer.Rejected rejected(JoinAnswer answer) {
        return assertInstanceOf(JoinAnswer.Rejected.class, answer);
    }

    private JsonObject post(String path, JsonObject body, int status) throws Exception {
        return post(path, "application/json", body.encode(), status);
    }

    private JsonObject post(String path, String type, String body, int status) throws Exception {
        HttpResponse<String> response = send("POST", path, type, body);
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        return new JsonObject(response.body());
    }

    private JsonObject get(String path, int status) throws Exception {
        HttpResponse<String> response = send("GET", path, null, null);
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        return new JsonObject(response.body());
    }

    private HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + API_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256Prefix(String key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash).substring(0, 8);
    }
}
