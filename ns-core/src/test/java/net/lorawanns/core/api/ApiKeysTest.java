package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.NetId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys made through the API, over real HTTP on a real Redis, with two API instances sharing it as two servers
 * would: a key made on one works on the other, its list never shows a key, and a revocation on one holds on the
 * other's very next request. Scopes: read-only, one application's, admin.
 */
class ApiKeysTest {
    private static final String ADMIN_KEY = "api-keys-test-admin-key-0123456789";
    private static final String JOIN_EUI = "70B3D57ED0000000";

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private Instance first;
    private Instance second;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One API instance: its port, its metrics and the event stream it serves. */
    private record Instance(int port, SimpleMeterRegistry registry, EventStream events) {
        double refused(String reason) {
            return registry.get("lorawan.api.requests.refused").tag("reason", reason).counter().count();
        }
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings redisSettings = TestRedis.settings();
        keys = new RedisKeys(redisSettings.keyPrefix());
        redis = TestRedis.client(vertx, redisSettings);
        first = instance();
        second = instance();
    }

    private Instance instance() throws Exception {
        Settings settings = new ConfigLoader().parse("""
                [network]
                net_id = "000013"
                enabled_regions = ["eu868"]
                """);
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Streams are asked to re-authenticate every 200 ms here (15 s in the server).
        EventStream events = new EventStream(vertx, registry, Duration.ofMillis(200));
        RestApi.Services services = new RestApi.Services(new DeviceStore(redis, keys),
                new SessionStore(redis, keys, cipher), new ApplicationStore(redis, keys, cipher),
                new GatewayStore(redis, keys), Optional.empty(), new DevNonceRegistry(redis, keys), events,
                new WebhookAddressPolicy(List.of()), NetId.parse("000013"), plan.region(),
                (joinEui, devEui) -> Future.failedFuture("no join server here"), new DeviceProfileStore(redis, keys),
                plan.regions(), plan.defaults(), new DownlinkQueue(redis, keys, 3, Duration.ofDays(7)), events);
        ApiAccess access = new ApiAccess(List.of(ADMIN_KEY), Optional.of(new ApiKeyStore(redis, keys)), registry);
        ApiRoutes joinServer = operations -> operations.tagged("join-server").forEach(id -> operations.handle(id,
                ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("caller", RestApi.caller(ctx)).encode())));
        HttpServer server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, access,
                        List.of(joinServer)).await(10, TimeUnit.SECONDS))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        return new Instance(server.actualPort(), registry, events);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aKeyMadeOnOneInstanceWorksOnTheOtherUntilRevokedThere() throws Exception {
        JsonObject created = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "read-only").put("name", "dashboard"), 201);
        String key = created.getString("key");
        String id = created.getString("id");
        assertTrue(key.matches("lnk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), key);
        assertTrue(key.startsWith("lnk_" + id + "_"), key);
        assertEquals("read-only", created.getString("scope"));
        String admin = "api-key:" + sha256(ADMIN_KEY).substring(0, 8);
        assertEquals(admin, created.getString("created_by"));

        call(second, key, "GET", "/api/v1/gateways", null, 200);

        String secret = key.substring("lnk_".length() + id.length() + 1);
        for (Instance instance : List.of(first, second)) {
            JsonObject listed = call(instance, ADMIN_KEY, "GET", "/api/v1/api-keys", null, 200);
            JsonArray all = listed.getJsonArray("api_keys");
            assertEquals(1, all.size(), listed.encode());
            JsonObject entry = all.getJsonObject(0);
            assertEquals(id, entry.getString("id"));
            assertEquals("dashboard", entry.getString("name"));
            assertEquals("read-only", entry.getString("scope"));
            assertEquals(admin, entry.getString("created_by"));
            assertEquals(created.getString("created_at"), entry.getString("created_at"));
            assertFalse(listed.encode().contains(secret), "no secret in " + listed.encode());
            assertFalse(listed.encode().contains(sha256(key)), "no hash in " + listed.encode());
        }
        assertEquals(43, secret.length());
        // At rest: the key's SHA-256, never the key.
        Response stored = redis.send(Request.cmd(Command.HGETALL).arg(keys.apiKeys())).await(10, TimeUnit.SECONDS);
        assertTrue(stored.toString().contains(sha256(key)), stored.toString());
        assertFalse(stored.toString().contains(secret), stored.toString());

        JsonObject revoked = call(first, ADMIN_KEY, "DELETE", "/api/v1/api-keys/" + id, null, 200);
        assertEquals(admin, revoked.getString("revoked_by"));
        JsonObject refused = call(second, key, "GET", "/api/v1/gateways", null, 401);
        assertTrue(refused.getString("error").contains("revoked"), refused.encode());
        assertEquals(1.0, second.refused("revoked"));
        String otherSecret = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertTrue(call(second, otherSecret, "GET", "/api/v1/gateways", null, 401).getString("error")
                .contains("unknown"), "only the key's holder learns that it was revoked");
        assertEquals(1.0, second.refused("revoked"));
        assertEquals(revoked.getString("revoked_at"), call(second, ADMIN_KEY, "GET", "/api/v1/api-keys", null, 200)
                .getJsonArray("api_keys").getJsonObject(0).getString("revoked_at"));
        call(second, ADMIN_KEY, "DELETE", "/api/v1/api-keys/00000000000000ff", null, 404);
    }

    @Test
    void missingAndUnknownKeysAreRefusedAndCounted() throws Exception {
        call(first, null, "GET", "/api/v1/gateways", null, 401);
        assertEquals(1.0, first.refused("no_key"));
        String made = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "admin"), 201)
                .getString("key");
        String otherSecret = made.substring(0, made.length() - 1) + (made.endsWith("A") ? "B" : "A");
        call(first, otherSecret, "GET", "/api/v1/gateways", null, 401);
        call(first, "lnk_0123456789abcdef_" + "A".repeat(43), "GET", "/api/v1/gateways", null, 401);
        call(first, "not-a-key-at-all", "GET", "/api/v1/gateways", null, 401);
        assertEquals(3.0, first.refused("unknown_key"));
        call(first, made, "GET", "/api/v1/gateways", null, 200);
        assertEquals(0.0, first.refused("scope") + first.refused("revoked"));

        JsonObject badScope = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "owner"), 400);
        assertTrue(badScope.getString("error").contains("admin, read-only or application:ID"), badScope.encode());
        call(first, ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "application:a b"), 400);
        call(first, ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject(), 400);
    }

    @Test
    void scopesLimitWhatAKeyMayDo() throws Exception {
        call(first, ADMIN_KEY, "PUT", "/api/v1/applications/app-a", new JsonObject(), 200);
        call(first, ADMIN_KEY, "PUT", "/api/v1/applications/app-b", new JsonObject(), 200);
        call(first, ADMIN_KEY, "PUT", "/api/v1/devices/00000000000A0001", device("app-a"), 200);
        call(first, ADMIN_KEY, "PUT", "/api/v1/devices/00000000000B0001", device("app-b"), 200);
        String readOnly = key("read-only");
        String appA = key("application:app-a");

        call(second, readOnly, "GET", "/api/v1/devices/00000000000B0001", null, 200);
        JsonObject put = call(second, readOnly, "PUT", "/api/v1/gateways/0016C001FF10A235", null, 403);
        assertTrue(put.getString("error").contains("scope read-only"), put.encode());
        call(second, readOnly, "GET", "/api/v1/api-keys", null, 403);
        for (String path : List.of("/api/v1/API-KEYS", "/api/v1//api-keys", "/api/v1/./api-keys",
                "/api/v1/gateways/../api-keys", "/api/v1/api-keys/", "/api//v1/api-keys")) {
            assertNotEquals(200, status(second, readOnly, path), path);
        }

        double refusedBefore = second.refused("scope");
        assertEquals("app-a", call(second, appA, "GET", "/api/v1/devices/00000000000A0001", null, 200)
                .getString("application_id"));
        call(second, appA, "GET", "/api/v1/devices/00000000000A0001/queue", null, 200);
        call(second, appA, "DELETE", "/api/v1/devices/00000000000A0001/dev-nonces", null, 200);
        JsonObject other = call(second, appA, "GET", "/api/v1/devices/00000000000B0001", null, 403);
        assertTrue(other.getString("error").contains("scope application:app-a"), other.encode());
        call(second, appA, "DELETE", "/api/v1/devices/00000000000B0001", null, 403);
        call(second, appA, "GET", "/api/v1/devices/00000000000B0001/queue", null, 403);
        call(second, appA, "PUT", "/api/v1/devices/00000000000A0002", device("app-b"), 403);
        call(second, appA, "PUT", "/api/v1/devices/00000000000A0002", device("app-a"), 200);
        call(second, appA, "GET", "/api/v1/applications/app-a", null, 200);
        call(second, appA, "GET", "/api/v1/applications/app-b", null, 403);
        call(second, appA, "GET", "/api/v1/gateways", null, 200);
        call(second, appA, "PUT", "/api/v1/gateways/0016C001FF10A235", null, 403);
        call(second, appA, "GET", "/api/v1/device-profiles", null, 200);
        call(second, appA, "GET", "/api/v1/events?application_id=app-b", null, 403);
        call(second, appA, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "admin"), 403);
        call(second, appA, "GET", "/api/v1/join-servers/check/" + JOIN_EUI, null, 403);
        assertEquals(refusedBefore + 9, second.refused("scope"));

        call(second, ADMIN_KEY, "GET", "/api/v1/devices/00000000000B0001", null, 200);
        call(second, ADMIN_KEY, "DELETE", "/api/v1/devices/00000000000B0001", null, 200);
    }

    @Test
    void addedJoinServerRoutesNeedAnAdminKeyAndSeeItsId() throws Exception {
        JsonObject admin = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "admin"),
                201);
        assertEquals("api-key:" + admin.getString("id"), call(second, admin.getString("key"), "GET",
                "/api/v1/join-server/transfer-key", null, 200).getString("caller"));
        call(second, key("read-only"), "GET", "/api/v1/join-server/transfer-key", null, 403);
        call(second, key("application:app-a"), "GET", "/api/v1/join-server/transfer-key", null, 403);
    }

    @Test
    void anApplicationKeysEventStreamCarriesItsApplicationOnly() throws Exception {
        String appA = key("application:app-a");
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + second.port() + "/api/v1/events"))
                .header("Authorization", "Bearer " + appA).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        Iterator<String> lines = stream.body().iterator();
        assertEquals(": connected", lines.next());
        second.events().publish(ApplicationEvent.lazy("status", Optional.of("app-b"),
                () -> new JsonObject().put("application_id", "app-b")));
        second.events().publish(ApplicationEvent.lazy("status", Optional.of("app-a"),
                () -> new JsonObject().put("application_id", "app-a")));
        String line = lines.next();
        while (!line.startsWith("data: ")) {
            line = lines.next();
        }
        assertEquals("app-a", new JsonObject(line.substring(6)).getString("application_id"), line);
        stream.body().close();
    }

    /** A stream opened with a key ends once the key is revoked, on another instance, within the keep-alive interval. */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void anEventStreamEndsWhenItsKeyIsRevoked() throws Exception {
        JsonObject created = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "read-only"), 201);
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + second.port() + "/api/v1/events"))
                .header("Authorization", "Bearer " + created.getString("key")).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        Iterator<String> lines = stream.body().iterator();
        assertEquals(": connected", lines.next());
        // A keep-alive proves the stream is checked and still allowed before the revocation.
        assertEquals(": keep-alive", nextNonEmpty(lines));
        call(first, ADMIN_KEY, "DELETE", "/api/v1/api-keys/" + created.getString("id"), null, 200);
        // The server ends the stream: the lines run out (a stream left open fails on the test's 30 s timeout).
        while (lines.hasNext()) {
            String line = lines.next();
            assertTrue(line.isEmpty() || line.equals(": keep-alive"), line);
        }
        stream.body().close();
    }

    private static String nextNonEmpty(Iterator<String> lines) {
        String line = lines.next();
        while (line.isEmpty()) {
            line = lines.next();
        }
        return line;
    }

    private String key(String scope) throws Exception {
        String key = call(first, ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", scope), 201)
                .getString("key");
        assertNotEquals(ADMIN_KEY, key);
        return key;
    }

    private static JsonObject device(String applicationId) {
        return new JsonObject().put("application_id", applicationId).put("mac_version", "1.0.3")
                .put("join_eui", JOIN_EUI);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The status of a GET of {@code path} exactly as written (the client does not tidy it). */
    private static int status(Instance instance, String apiKey, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", instance.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + apiKey + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private JsonObject call(Instance instance, String apiKey, String method, String path, JsonObject body, int status)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return new JsonObject(response.body());
    }
}
