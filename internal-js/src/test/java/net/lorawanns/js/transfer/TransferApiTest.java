package net.lorawanns.js.transfer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.api.ApiRoutes;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.InterposingRedis;
import net.lorawanns.js.JoinServerApi;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.DeviceClaiming;
import net.lorawanns.js.claim.DeviceProvisioning;
import net.lorawanns.js.claim.OwnerToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export, unlock and import over the REST API (real HTTP, a real Redis): every answer a device can get, the JWE of
 * {@code POST /exports} opened with the JDK's own ciphers, a transfer landing just before the script of the step that
 * acts, exports and refusals when the audit log cannot be written, and an import of a locked device's known keys.
 */
class TransferApiTest {
    private static final String API_KEY = "transfer-api-test-key-0123456789ab";
    private static final NetId OWNER = NetId.parse("000013");
    private static final Eui64 JOIN_EUI = Eui64.parse("70B3D57ED0000A01");
    private static final String APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String TOKEN = "owner-token-1";
    private static final AttemptLimit LIMIT = new AttemptLimit(3, Duration.ofMinutes(1));

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private AtRestCipher cipher;
    private RootKeyStore rootKeys;
    private ClaimStore claims;
    private DeviceClaiming claiming;
    private AuditLog audit;
    /**
     * The Redis the export and unlock routes check owner tokens and act through, where a test makes a step land
     * before the script that acts.
     */
    private InterposingRedis interposing;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private KeyPair owner;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        rootKeys = new RootKeyStore(redis, keys, cipher);
        claims = new ClaimStore(redis, keys, cipher, LIMIT);
        audit = new AuditLog(redis, keys, Duration.ofDays(365), 1_000_000);
        claiming = new DeviceClaiming(rootKeys, claims, audit, Set.of(), Clock.systemUTC(), new SimpleMeterRegistry());
        interposing = new InterposingRedis(redis);
        server = serve(audit);
        owner = RootKeyExportTest.rsa(2048);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void exportAnswersEachDeviceAndItsJweOpensWithTheJdksOwnCiphers() throws Exception {
        Eui64 claimed = device("00000000000D0001", true);
        Eui64 unclaimed = device("00000000000D0002", false);
        Eui64 guessed = device("00000000000D0003", true);

        JsonArray answers = export(200, entry(guessed, "not-the-token"), entry(unclaimed, TOKEN), entry(claimed, TOKEN))
                .getJsonArray("devices");
        assertEquals("wrong_token", answers.getJsonObject(0).getString("reason"));
        assertEquals("not_claimed", answers.getJsonObject(1).getString("reason"));
        JsonObject exported = answers.getJsonObject(2);
        String jwe = exported.getString("jwe");
        assertNotNull(jwe, exported.encode());
        JsonObject payload = RootKeyExportTest.jdkDecrypt(jwe.split("\\."), owner);
        assertEquals(APP_KEY, payload.getString("app_key"));
        assertEquals(claimed.toString(), payload.getString("dev_eui"));
        assertEquals(JOIN_EUI.toString(), payload.getString("join_eui"));
        assertFalse(answers.encode().contains(APP_KEY), "the key is in the JWE only");

        assertEquals("locked", export(200, entry(claimed, TOKEN)).getJsonArray("devices").getJsonObject(0)
                .getString("reason"));
        for (int i = 0; i < 2; i++) {
            export(200, entry(guessed, "not-the-token-" + i));
        }
        JsonObject limited = export(200, entry(guessed, TOKEN)).getJsonArray("devices").getJsonObject(0);
        assertEquals("rate_limited", limited.getString("reason"), "the right token too, past the limit");
        assertTrue(limited.getInteger("retry_after") > 0, limited.encode());

        assertEquals(List.of("export", "claim"), actions(claimed, false), "the export is recorded");
        assertEquals(List.of("claim"), actions(guessed, false), "refused attempts stay out of the life cycle's log");
        assertEquals(List.of("export_refused", "export_refused", "export_refused", "export_refused"),
                actions(guessed, true));
        assertEquals(List.of("rate_limited", "wrong_token", "wrong_token", "wrong_token"),
                details(guessed, true));
    }

    @Test
    void unlockAnswersAndIsRecorded() throws Exception {
        Eui64 claimed = device("00000000000D0011", true);
        Eui64 unclaimed = device("00000000000D0012", false);
        export(200, entry(claimed, TOKEN));

        send("/api/v1/join-server/devices/" + unclaimed + "/unlock", new JsonObject().put("owner_token", TOKEN), 409);
        for (int i = 0; i < 3; i++) {
            send("/api/v1/join-server/devices/" + claimed + "/unlock", new JsonObject().put("owner_token",
                    "not-the-token-" + i), 403);
        }
        HttpResponse<String> limited = post("/api/v1/join-server/devices/" + claimed + "/unlock",
                new JsonObject().put("owner_token", TOKEN).encode());
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) > 0);
        assertEquals(List.of("rate_limited", "wrong_token", "wrong_token", "wrong_token"), details(claimed, true));
        assertEquals(List.of("unlock_refused"), actions(unclaimed, true));
        assertEquals(List.of("export", "claim"), actions(claimed, false), "no unlock");
    }

    /**
     * A transfer on another instance lands after the owner token was checked, just before the export reads the root
     * keys it then compares in its script (a transfer re-seals them, so landing later would be caught by that
     * comparison alone): the claim compared in the script refuses the export, and nothing is exported.
     */
    @Test
    void aTransferBetweenTheTokenCheckAndTheExportRefusesTheExport() throws Exception {
        Eui64 devEui = device("00000000000D0021", true);
        interposing.beforeRequestNaming(keys.rootKeys(devEui), () -> transfer(devEui));

        JsonObject answer = export(200, entry(devEui, TOKEN)).getJsonArray("devices").getJsonObject(0);

        assertEquals("changed", answer.getString("reason"), answer.encode());
        assertFalse(answer.containsKey("jwe"));
        assertEquals(0, exists(keys.rootKeysLock(devEui)), "not locked");
        assertEquals(List.of("transfer", "claim"), actions(devEui, false), "no export recorded");
    }

    /**
     * A transfer lands after the owner token was checked, just before the unlock script: the old owner's token
     * unlocks nothing.
     */
    @Test
    void aTransferBetweenTheTokenCheckAndTheUnlockRefusesTheUnlock() throws Exception {
        Eui64 devEui = device("00000000000D0031", true);
        export(200, entry(devEui, TOKEN));
        interposing.beforeRequestNaming(keys.rootKeysLock(devEui), () -> transfer(devEui));

        String refused = send("/api/v1/join-server/devices/" + devEui + "/unlock", new JsonObject()
                .put("owner_token", TOKEN), 409).getString("error");
        assertTrue(refused.contains("changed during the unlock"), refused);

        assertEquals(1, exists(keys.rootKeysLock(devEui)), "still locked");
        assertEquals(List.of("transfer", "export", "claim"), actions(devEui, false), "no unlock recorded");
    }

    /**
     * An export whose audit entry cannot be written gives no JWE and leaves the device unlocked; the devices after it
     * are not tried, and the one before it, locked and recorded, has its JWE in the answer (200).
     */
    @Test
    void anExportThatCannotBeRecordedIsNotGivenOut() throws Exception {
        Eui64 first = device("00000000000D0041", true);
        Eui64 unrecorded = device("00000000000D0042", true);
        Eui64 after = device("00000000000D0043", true);
        InterposingRedis auditRedis = new InterposingRedis(redis);
        server.close().await(10, TimeUnit.SECONDS);
        server = serve(new AuditLog(auditRedis, keys, Duration.ofDays(365), 1_000_000));
        auditRedis.beforeRequestNaming(unrecorded.toString(), () -> Future.failedFuture("the audit log is down"));

        HttpResponse<String> response = post("/api/v1/join-server/exports", exportBody(entry(first, TOKEN),
                entry(unrecorded, TOKEN), entry(after, TOKEN)).encode());

        assertEquals(200, response.statusCode(), response.body());
        JsonArray answers = new JsonObject(response.body()).getJsonArray("devices");
        assertEquals(APP_KEY, RootKeyExportTest.jdkDecrypt(answers.getJsonObject(0).getString("jwe").split("\\."),
                owner).getString("app_key"), "the JWE of the device locked and recorded before it");
        assertEquals(1, exists(keys.rootKeysLock(first)));
        JsonObject notRecorded = answers.getJsonObject(1);
        assertEquals("audit_unavailable", notRecorded.getString("reason"), notRecorded.encode());
        assertFalse(notRecorded.containsKey("jwe"));
        assertEquals(0, exists(keys.rootKeysLock(unrecorded)), "the export's lock was taken back");
        assertEquals("not_tried", answers.getJsonObject(2).getString("reason"));
        assertEquals(0, exists(keys.rootKeysLock(after)));
        assertEquals(List.of("export", "claim"), actions(first, false));
        assertEquals(List.of("claim"), actions(unrecorded, false));
    }

    /** Refusals are answered as such when the audit log cannot record them: 403, 409 and 429, not 503. */
    @Test
    void refusalsAreAnsweredWhenTheAuditLogIsDown() throws Exception {
        Eui64 claimed = device("00000000000D0051", true);
        Eui64 unclaimed = device("00000000000D0052", false);
        export(200, entry(claimed, TOKEN));
        RedisSettings down;
        try (ServerSocket socket = new ServerSocket(0)) {
            down = new RedisSettings(List.of("redis://127.0.0.1:" + socket.getLocalPort()), "standalone", "",
                    "test-down:");
        }
        server.close().await(10, TimeUnit.SECONDS);
        server = serve(new AuditLog(TestRedis.client(vertx, down), keys, Duration.ofDays(365), 1_000_000));

        String unlock = "/api/v1/join-server/devices/" + claimed + "/unlock";
        send("/api/v1/join-server/devices/" + unclaimed + "/unlock", new JsonObject().put("owner_token", TOKEN), 409);
        assertEquals("wrong_token", export(200, entry(claimed, "not-the-token-0")).getJsonArray("devices")
                .getJsonObject(0).getString("reason"));
        for (int i = 1; i < 3; i++) {
            send(unlock, new JsonObject().put("owner_token", "not-the-token-" + i), 403);
        }
        HttpResponse<String> limited = post(unlock, new JsonObject().put("owner_token", TOKEN).encode());
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals(1, exists(keys.rootKeysLock(claimed)), "still locked");
    }

    /**
     * The reviewer's attack over the API: a JWE of a locked device's known root keys, JoinNonce 0 and no DevNonces,
     * imported under another token, is answered as returned and locked; the importer's token unlocks nothing, the
     * owner's does. Refused imports go to the refused attempts' log, one whose JWE does not decrypt without a DevEUI.
     */
    @Test
    void anImportOfALockedDevicesKnownKeysLeavesItToItsOwner() throws Exception {
        Eui64 devEui = device("00000000000D0061", true);
        export(200, entry(devEui, TOKEN));
        TransferKey key = new TransferKeyStore(vertx, redis, keys, cipher).transferKey().await(30, TimeUnit.SECONDS);
        String jwe = RootKeyJwe.encrypt(new ExportedRootKeys(devEui, JOIN_EUI, MacVersion.LORAWAN_1_0_4,
                AesKey.of(HexFormat.of().parseHex(APP_KEY)), Optional.empty(), Optional.empty(), List.of(),
                new JoinNonce(0), Optional.empty()), key.publicKey(), key.keyId());
        JsonObject importBody = new JsonObject().put("home_net_id", "00001B").put("devices", new JsonArray()
                .add(new JsonObject().put("jwe", jwe).put("owner_token", "attacker-token")));

        JsonObject returned = send("/api/v1/join-server/imports", importBody, 200).getJsonArray("devices")
                .getJsonObject(0);
        assertEquals(true, returned.getBoolean("returned"), returned.encode());
        assertEquals(true, returned.getBoolean("locked"), returned.encode());
        assertEquals(false, returned.getBoolean("imported"), returned.encode());
        assertEquals(1, exists(keys.rootKeysLock(devEui)));
        send("/api/v1/join-server/devices/" + devEui + "/unlock", new JsonObject().put("owner_token",
                "attacker-token"), 403);
        assertEquals(true, send("/api/v1/join-server/devices/" + devEui + "/unlock", new JsonObject()
                .put("owner_token", TOKEN), 200).getBoolean("was_locked"));

        assertEquals("exists", send("/api/v1/join-server/imports", importBody, 200).getJsonArray("devices")
                .getJsonObject(0).getString("reason"), "unlocked: not imported");
        send("/api/v1/join-server/imports", new JsonObject().put("home_net_id", "00001B").put("devices",
                new JsonArray().add(new JsonObject().put("jwe", "not.a.jwe").put("owner_token", "attacker-token"))),
                400);
        assertEquals(List.of("unlock", "import", "export", "claim"), actions(devEui, false));
        assertEquals(List.of("import_refused", "unlock_refused"), actions(devEui, true));
        assertEquals("exists", details(devEui, true).get(0));
        JsonObject refusedJwe = refusedEntries().getJsonObject(0);
        assertEquals("import_refused", refusedJwe.getString("action"), refusedJwe.encode());
        assertTrue(refusedJwe.getString("detail").startsWith("refused_jwe"), refusedJwe.encode());
        assertEquals(null, refusedJwe.getValue("dev_eui"), "a JWE that does not decrypt names no device");
    }

    private HttpServer serve(AuditLog log) throws Exception {
        Settings settings = new ConfigLoader().parse("""
                [network]
                net_id = "000013"
                enabled_regions = ["eu868"]
                """);
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JoinServerApi lifeCycle = new JoinServerApi(new DeviceClaiming(rootKeys, claims, log, Set.of(),
                Clock.systemUTC(), registry), new DeviceProvisioning(rootKeys, claims, log, registry), log, Map.of());
        TransferApi transfers = new TransferApi(vertx, new TransferServices(new TransferKeyStore(vertx, redis, keys,
                cipher), new ExportLock(interposing, keys, rootKeys), new RootKeyImport(redis, keys, rootKeys),
                new ClaimStore(interposing, keys, cipher, LIMIT), log, Set.of(), registry));
        RestApi.Services services = new RestApi.Services(new DeviceStore(redis, keys),
                new SessionStore(redis, keys, cipher), new ApplicationStore(redis, keys, cipher),
                new GatewayStore(redis, keys), Optional.of(rootKeys), new DevNonceRegistry(redis, keys),
                new EventStream(vertx, new SimpleMeterRegistry()), new WebhookAddressPolicy(List.of()),
                OWNER, plan.region(), (joinEui, devEui) -> Future.failedFuture("no join server check here"),
                new DeviceProfileStore(redis, keys), plan.regions(), plan.defaults(),
                new DownlinkQueue(redis, keys, 3, Duration.ofDays(7)), event -> { });
        return vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, List.of(API_KEY),
                List.of(lifeCycle, transfers)).await(10, TimeUnit.SECONDS)).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    /** A device provisioned with {@link #TOKEN}, claimed for {@link #OWNER} when {@code claim}. */
    private Eui64 device(String eui, boolean claim) throws Exception {
        Eui64 devEui = Eui64.parse(eui);
        RootKeys device = new RootKeys(JOIN_EUI, MacVersion.LORAWAN_1_0_4,
                AesKey.of(HexFormat.of().parseHex(APP_KEY)), Optional.empty(), DeviceClaiming.NO_HOME,
                Optional.empty(), Optional.empty());
        assertEquals(ClaimStore.ProvisionOutcome.PROVISIONED, claims.provision(devEui,
                rootKeys.seal(devEui, device), OwnerToken.of(TOKEN)).await(10, TimeUnit.SECONDS));
        if (claim) {
            send("/api/v1/join-server/devices/" + devEui + "/claim", new JsonObject().put("owner_token", TOKEN)
                    .put("home_net_id", OWNER.toString()), 200);
        }
        return devEui;
    }

    /** The owner hands the device on (its token and a fresh one), as another instance would. */
    private Future<Void> transfer(Eui64 devEui) {
        return claiming.transfer(devEui, OwnerToken.of(TOKEN), OwnerToken.of("new-owner-token"), "api-key:other")
                .mapEmpty();
    }

    private static JsonObject entry(Eui64 devEui, String token) {
        return new JsonObject().put("dev_eui", devEui.toString()).put("owner_token", token);
    }

    private JsonObject exportBody(JsonObject... devices) {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(owner.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        return new JsonObject().put("owner_public_key", pem).put("devices", new JsonArray(List.of(devices)));
    }

    private JsonObject export(int status, JsonObject... devices) throws Exception {
        return send("/api/v1/join-server/exports", exportBody(devices), status);
    }

    private List<String> actions(Eui64 devEui, boolean refused) throws Exception {
        return field(devEui, refused, "action");
    }

    private List<String> details(Eui64 devEui, boolean refused) throws Exception {
        return field(devEui, refused, "detail");
    }

    private List<String> field(Eui64 devEui, boolean refused, String name) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/join-server/audit?dev_eui="
                + devEui + "&refused=" + refused)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("entries").stream()
                .map(entry -> ((JsonObject) entry).getString(name)).toList();
    }

    private JsonArray refusedEntries() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/join-server/audit?refused=true"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + API_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("entries");
    }

    private long exists(String key) throws Exception {
        return redis.send(Request.cmd(Command.EXISTS).arg(key)).await(10, TimeUnit.SECONDS).toLong();
    }

    private JsonObject send(String path, JsonObject body, int status) throws Exception {
        HttpResponse<String> response = post(path, body.encode());
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        return new JsonObject(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }
}
