package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.ResourceIndexes;
import net.lorawanns.core.gateway.GatewayStatusStore;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The list routes of the REST API (applications, devices of an application, device profiles) over real HTTP on a
 * real Redis: pages in key order, cursors that survive changes between pages, the index of devices by application
 * kept by device writes, moves and deletions (also when two writers race), the re-index of records stored before the
 * index, the scope of an application's key, and the 400s for bad paging.
 */
class ResourceListsTest {
    private static final String ADMIN_KEY = "resource-lists-test-admin-key-0123";
    private static final String JOIN_EUI = "70B3D57ED0000000";

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private DeviceStore devices;
    private ApplicationStore applications;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings redisSettings = TestRedis.settings();
        keys = new RedisKeys(redisSettings.keyPrefix());
        redis = TestRedis.client(vertx, redisSettings);
        RestApi.Services services = ApiServices.on(vertx, redis, keys, List.of("eu868"), 3, event -> { });
        devices = services.devices();
        applications = services.applications();
        ApiAccess access = new ApiAccess(List.of(ADMIN_KEY), Optional.of(new ApiKeyStore(redis, keys)),
                new SimpleMeterRegistry());
        HttpServer server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, access,
                        List.of(RestApi.joinServerOff())).await(10, TimeUnit.SECONDS))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void devicePagesFollowDevEuiOrderAndACursorSurvivesDeletesAndInserts() throws Exception {
        call(ADMIN_KEY, "PUT", "/api/v1/applications/app-a", new JsonObject(), 200);
        for (int i = 1; i <= 9; i += 2) {
            putDevice(eui(i), "app-a");
        }
        putDevice(eui(2), "app-b");
        JsonObject first = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a&limit=2", null, 200);
        assertEquals(List.of(eui(1), eui(3)), devEuis(first));
        JsonObject firstDevice = first.getJsonArray("devices").getJsonObject(0);
        assertEquals(call(ADMIN_KEY, "GET", "/api/v1/devices/" + eui(1), null, 200), firstDevice,
                "each device as GET /devices/:devEui shows it");
        String cursor = first.getString("next_cursor");

        // Between the pages: one already read and one not yet read are deleted, one is inserted before the cursor
        // and one after it.
        call(ADMIN_KEY, "DELETE", "/api/v1/devices/" + eui(1), null, 200);
        call(ADMIN_KEY, "DELETE", "/api/v1/devices/" + eui(5), null, 200);
        putDevice(eui(0), "app-a");
        putDevice(eui(6), "app-a");
        List<String> rest = new ArrayList<>();
        while (cursor != null) {
            JsonObject page = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a&limit=2&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8), null, 200);
            rest.addAll(devEuis(page));
            cursor = page.getString("next_cursor");
        }
        assertEquals(List.of(eui(6), eui(7), eui(9)), rest, "nothing repeated, nothing that stayed skipped");

        JsonObject whole = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a", null, 200);
        assertEquals(List.of(eui(0), eui(3), eui(6), eui(7), eui(9)), devEuis(whole));
        assertNull(whole.getValue("next_cursor"), "the default limit (100) holds them all");
        assertEquals(List.of(eui(2)), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-b", null,
                200)));
    }

    @Test
    void aDeviceMovedToAnotherApplicationOrDeletedLeavesItsList() throws Exception {
        putDevice(eui(1), "app-a");
        putDevice(eui(1), "app-b");
        assertEquals(List.of(), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a", null, 200)));
        assertEquals(List.of(eui(1)), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-b", null,
                200)));
        assertEquals(List.of(), listed("app-a"), "the index itself no longer lists it in app-a");
        call(ADMIN_KEY, "DELETE", "/api/v1/devices/" + eui(1), null, 200);
        assertEquals(List.of(), listed("app-b"));
        assertEquals(List.of(), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-b", null, 200)));
    }

    @Test
    void anEntryLeftByADeletionWhoseIndexStepFailedIsLeftOutAndThenRemoved() throws Exception {
        putDevice(eui(1), "app-a");
        putDevice(eui(2), "app-a");
        // As a deletion whose step on the index failed leaves it: the record gone, its mark (a later generation)
        // there, the entry still listed.
        Eui64 deleted = Eui64.parse(eui(1));
        long generation = redis.send(Request.cmd(Command.INCR).arg(keys.deviceProfileGeneration()))
                .await(10, TimeUnit.SECONDS).toLong();
        redis.send(Request.cmd(Command.DEL).arg(keys.device(deleted))).await(10, TimeUnit.SECONDS);
        redis.send(Request.cmd(Command.SET).arg(keys.deviceDeleted(deleted)).arg(generation).arg("PX").arg(60_000))
                .await(10, TimeUnit.SECONDS);
        assertEquals(List.of(eui(1), eui(2)), listed("app-a"));

        assertEquals(List.of(eui(2)), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a", null,
                200)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listed("app-a").equals(List.of(eui(2)))) {
            assertTrue(System.nanoTime() < deadline, "the entry was not removed: " + listed("app-a"));
        }
    }

    @Test
    void twoWritersMovingADeviceAtOnceLeaveItListedWhereItsRecordSays() throws Exception {
        Eui64 devEui = Eui64.parse(eui(7));
        for (int round = 0; round < 30; round++) {
            List<Future<Void>> writes = new ArrayList<>();
            for (String application : List.of("app-a", "app-b", "app-c")) {
                writes.add(devices.put(new Device(devEui, Optional.of(Eui64.parse(JOIN_EUI)), MacVersion.LORAWAN_1_0_3,
                        application, false, Optional.empty())));
            }
            if (round % 3 == 2) {
                writes.add(devices.delete(devEui).mapEmpty());
            }
            Future.all(writes).await(10, TimeUnit.SECONDS);
            Optional<Device> stored = devices.get(devEui).await(10, TimeUnit.SECONDS);
            for (String application : List.of("app-a", "app-b", "app-c")) {
                boolean named = stored.isPresent() && stored.get().applicationId().equals(application);
                assertEquals(named ? List.of(eui(7)) : List.of(), listed(application),
                        "round " + round + ": " + application + ", record " + stored);
            }
        }
    }

    @Test
    void recordsStoredBeforeTheIndexesAreListedOnceAtStartUp() throws Exception {
        // As a server before the indexes wrote them: the records alone.
        redis.send(Request.cmd(Command.SET).arg(keys.device(Eui64.parse(eui(4)))).arg(new JsonObject()
                .put("dev_eui", eui(4)).put("mac_version", "1.0.3").put("application_id", "old-app")
                .put("join_eui", JOIN_EUI).encode())).await(10, TimeUnit.SECONDS);
        redis.send(Request.cmd(Command.SET).arg(keys.application("old-app")).arg(new JsonObject()
                .put("application_id", "old-app").encode())).await(10, TimeUnit.SECONDS);
        assertEquals(0, call(ADMIN_KEY, "GET", "/api/v1/applications", null, 200).getJsonArray("applications").size());

        assertTrue(ResourceIndexes.start(vertx, redis, keys, applications, devices).finished()
                .await(10, TimeUnit.SECONDS));
        assertFalse(ResourceIndexes.start(vertx, redis, keys, applications, devices).finished()
                .await(10, TimeUnit.SECONDS), "once only");
        assertEquals(List.of(eui(4)), devEuis(call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=old-app", null,
                200)));
        assertEquals("old-app", call(ADMIN_KEY, "GET", "/api/v1/applications", null, 200).getJsonArray("applications")
                .getJsonObject(0).getString("application_id"));
    }

    @Test
    void applicationsAndDeviceProfilesArePagedInIdOrder() throws Exception {
        for (String id : List.of("c-app", "a-app", "b-app")) {
            call(ADMIN_KEY, "PUT", "/api/v1/applications/" + id, new JsonObject()
                    .put("webhook_headers", new JsonObject().put("Authorization", "Bearer secret-token")), 200);
        }
        JsonObject first = call(ADMIN_KEY, "GET", "/api/v1/applications?limit=2", null, 200);
        assertEquals(List.of("a-app", "b-app"), ids(first.getJsonArray("applications"), "application_id"));
        assertEquals("****", first.getJsonArray("applications").getJsonObject(0).getJsonObject("webhook_headers")
                .getString("Authorization"), "as GET /applications/:id shows it");
        assertFalse(first.encode().contains("secret-token"));
        JsonObject second = call(ADMIN_KEY, "GET", "/api/v1/applications?limit=2&cursor="
                + first.getString("next_cursor"), null, 200);
        assertEquals(List.of("c-app"), ids(second.getJsonArray("applications"), "application_id"));
        assertNull(second.getValue("next_cursor"));

        for (String id : List.of("p3", "p1", "p2")) {
            call(ADMIN_KEY, "PUT", "/api/v1/device-profiles/" + id, new JsonObject().put("region", "eu868")
                    .put("mac_version", "1.0.3").put("reg_params_revision", "RP002-1.0.4"), 200);
        }
        JsonObject profiles = call(ADMIN_KEY, "GET", "/api/v1/device-profiles?limit=2", null, 200);
        assertEquals(List.of("p1", "p2"), ids(profiles.getJsonArray("device_profiles"), "device_profile_id"));
        JsonObject last = call(ADMIN_KEY, "GET", "/api/v1/device-profiles?cursor=" + profiles.getString("next_cursor"),
                null, 200);
        assertEquals(List.of("p3"), ids(last.getJsonArray("device_profiles"), "device_profile_id"));
        assertNull(last.getValue("next_cursor"));
    }

    @Test
    void gatewaysArePagedWithTheirLocationAndABadLocationIsRefusedNamingTheField() throws Exception {
        JsonObject location = new JsonObject().put("latitude", -33.8688).put("longitude", 151.2093);
        call(ADMIN_KEY, "PUT", "/api/v1/gateways/AA555A0000000002", new JsonObject().put("location", location), 200);
        call(ADMIN_KEY, "PUT", "/api/v1/gateways/AA555A0000000001", new JsonObject().put("region", "eu868"), 200);
        JsonObject first = call(ADMIN_KEY, "GET", "/api/v1/gateways?limit=1", null, 200);
        assertEquals(new JsonArray().add(new JsonObject().put("gateway_id", "AA555A0000000001").put("region", "eu868")
                .put("online", false).putNull("last_seen").putNull("last_stats")), first.getJsonArray("gateways"));
        JsonObject second = call(ADMIN_KEY, "GET", "/api/v1/gateways?limit=1&cursor=" + first.getString("next_cursor"),
                null, 200);
        assertEquals(new JsonArray().add(new JsonObject().put("gateway_id", "AA555A0000000002").put("location", location)
                .put("online", false).putNull("last_seen").putNull("last_stats")), second.getJsonArray("gateways"));
        assertNull(second.getValue("next_cursor"));

        for (JsonObject bad : List.of(new JsonObject().put("latitude", 90.5).put("longitude", 0),
                new JsonObject().put("latitude", 0).put("longitude", -180.01),
                new JsonObject().put("longitude", 0), new JsonObject().put("latitude", "52").put("longitude", 4),
                new JsonObject().put("latitude", 0).put("longitude", 0).put("altitude", "high"),
                new JsonObject().put("latitude", 0).put("longitude", 0).put("height", 3))) {
            String error = call(ADMIN_KEY, "PUT", "/api/v1/gateways/AA555A0000000003",
                    new JsonObject().put("location", bad), 400).getString("error");
            assertTrue(error.startsWith("body.location"), bad.encode() + ": " + error);
        }
        call(ADMIN_KEY, "PUT", "/api/v1/gateways/AA555A0000000003", new JsonObject().put("location", "here"), 400);
        call(ADMIN_KEY, "PUT", "/api/v1/gateways/AA555A0000000002", new JsonObject(), 200);
        assertFalse(call(ADMIN_KEY, "GET", "/api/v1/gateways", null, 200).getJsonArray("gateways").getJsonObject(1)
                .containsKey("location"), "a PUT without a location removes it");
    }

    @Test
    void theDeviceListShowsSessionsWithoutOpeningThemAndAnUnreadableOneIsLeftOut() throws Exception {
        call(ADMIN_KEY, "PUT", "/api/v1/applications/app-a", new JsonObject(), 200);
        for (int i = 1; i <= 2; i++) {
            call(ADMIN_KEY, "PUT", "/api/v1/devices/" + eui(i), new JsonObject().put("application_id", "app-a")
                    .put("mac_version", "1.0.3").put("abp", new JsonObject().put("dev_addr", "2601000" + i)
                            .put("nwk_s_key", "000102030405060708090A0B0C0D0E0F")
                            .put("app_s_key", "0F0E0D0C0B0A09080706050403020100")), 200);
        }
        putDevice(eui(3), "app-a");
        // Device 1's keys can no longer be opened (its sealed part damaged); device 2's record is not one at all.
        String first = keys.session(Eui64.parse(eui(1)));
        byte[] stored = redis.send(Request.cmd(Command.HGET).arg(first).arg("a")).await(10, TimeUnit.SECONDS)
                .toBytes();
        stored[stored.length - 1] ^= 1;
        redis.send(Request.cmd(Command.HSET).arg(first).arg("a").arg(io.vertx.core.buffer.Buffer.buffer(stored)))
                .await(10, TimeUnit.SECONDS);
        redis.send(Request.cmd(Command.HSET).arg(keys.session(Eui64.parse(eui(2)))).arg("a").arg("x"))
                .await(10, TimeUnit.SECONDS);

        JsonArray listed = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=app-a", null, 200)
                .getJsonArray("devices");
        assertEquals(List.of(eui(1), eui(2), eui(3)), ids(listed, "dev_eui"));
        assertEquals(new JsonObject().put("dev_addr", "26010001").put("last_f_cnt_up", -1),
                listed.getJsonObject(0).getJsonObject("session"), "the DevAddr is readable beside the keys");
        assertFalse(listed.getJsonObject(1).containsKey("session"), listed.getJsonObject(1).encode());
        assertEquals("abp", listed.getJsonObject(1).getString("activation"));
        assertFalse(listed.getJsonObject(2).containsKey("session"));
    }

    @Test
    void removingAGatewayDeletesItsStatus() throws Exception {
        Eui64 gateway = Eui64.parse("AA555A0000000001");
        call(ADMIN_KEY, "PUT", "/api/v1/gateways/" + gateway, new JsonObject(), 200);
        new GatewayStatusStore(redis, keys, Duration.ofSeconds(30), vertx.getOrCreateContext(),
                new SimpleMeterRegistry()).pulled(gateway, Instant.now());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (call(ADMIN_KEY, "GET", "/api/v1/gateways", null, 200).getJsonArray("gateways").getJsonObject(0)
                .getValue("last_seen") == null) {
            assertTrue(System.nanoTime() < deadline, "the PULL_DATA was not recorded");
        }
        call(ADMIN_KEY, "DELETE", "/api/v1/gateways/" + gateway, null, 200);
        assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(keys.gatewayStatus(gateway)))
                .await(10, TimeUnit.SECONDS).toInteger(), "no stale last_seen for 30 days");
    }

    @Test
    void badPagingAndAMissingApplicationAreRefusedNamingTheParameter() throws Exception {
        for (String limit : List.of("0", "1001", "-1", "ten", "1.5", "99999999999")) {
            String error = call(ADMIN_KEY, "GET", "/api/v1/applications?limit=" + limit, null, 400).getString("error");
            assertTrue(error.startsWith("query.limit:"), limit + ": " + error);
        }
        for (String cursor : List.of("%25%25%25", "bm90IGFuIEVVSQ", "QUFBQQ")) {
            String error = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=a&cursor=" + cursor, null, 400)
                    .getString("error");
            assertTrue(error.startsWith("cursor:") || error.startsWith("query.cursor:"), cursor + ": " + error);
            assertFalse(error.contains("%%%"), "the value is not echoed: " + error);
        }
        String badCursor = call(ADMIN_KEY, "GET", "/api/v1/device-profiles?cursor=ab!c", null, 400).getString("error");
        assertTrue(badCursor.startsWith("cursor:") || badCursor.startsWith("query.cursor:"), badCursor);
        String missing = call(ADMIN_KEY, "GET", "/api/v1/devices", null, 400).getString("error");
        assertTrue(missing.startsWith("query.application_id:"), missing);
        String badId = call(ADMIN_KEY, "GET", "/api/v1/devices?application_id=a%20b", null, 400).getString("error");
        assertTrue(badId.startsWith("application_id:") || badId.startsWith("query.application_id:"), badId);
    }

    @Test
    void anApplicationsKeySeesItsOwnApplicationAndDevicesOnly() throws Exception {
        for (String application : List.of("app-a", "app-b")) {
            call(ADMIN_KEY, "PUT", "/api/v1/applications/" + application, new JsonObject(), 200);
        }
        putDevice(eui(1), "app-a");
        putDevice(eui(2), "app-b");
        String appA = call(ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "application:app-a"),
                201).getString("key");
        assertEquals(List.of("app-a"), ids(call(appA, "GET", "/api/v1/applications", null, 200)
                .getJsonArray("applications"), "application_id"));
        assertEquals(List.of(eui(1)), devEuis(call(appA, "GET", "/api/v1/devices?application_id=app-a", null, 200)));
        assertTrue(call(appA, "GET", "/api/v1/devices?application_id=app-b", null, 403).getString("error")
                .contains("application:app-a"));
        call(appA, "GET", "/api/v1/devices", null, 403);
        call(appA, "GET", "/api/v1/devices/" + eui(1) + "/state", null, 200);
        call(appA, "GET", "/api/v1/devices/" + eui(2) + "/state", null, 403);
        assertEquals(List.of("app-a", "app-b"), ids(call(ADMIN_KEY, "GET", "/api/v1/applications", null, 200)
                .getJsonArray("applications"), "application_id"));
    }

    @Test
    void aTrailingSlashNeitherWidensNorNarrowsAnApplicationsKey() throws Exception {
        putDevice(eui(1), "app-a");
        putDevice(eui(2), "app-b");
        String appA = call(ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "application:app-a"),
                201).getString("key");
        // The router serves each of these as the route without the slash: the scope must judge them alike.
        assertTrue(call(appA, "GET", "/api/v1/devices/?application_id=app-b", null, 403).getString("error")
                .contains("application:app-a"));
        call(appA, "GET", "/api/v1/devices//?application_id=app-b", null, 403);
        call(appA, "GET", "/api/v1/devices/" + eui(2) + "/", null, 403);
        call(appA, "GET", "/api/v1/devices/" + eui(2) + "/state/", null, 403);
        call(appA, "DELETE", "/api/v1/devices/" + eui(2) + "/queue/", null, 403);
        call(appA, "GET", "/api/v1/applications/app-b/", null, 403);
        call(appA, "PUT", "/api/v1/gateways/AA555A0000000001/", new JsonObject(), 403);
        call(appA, "GET", "/api/v1/api-keys/", null, 403);
        call(appA, "GET", "/api/v1/events/?application_id=app-b", null, 403);
        assertEquals(List.of(eui(1)), devEuis(call(appA, "GET", "/api/v1/devices/?application_id=app-a", null, 200)));
        assertEquals(eui(1), call(appA, "GET", "/api/v1/devices/" + eui(1) + "/", null, 200).getString("dev_eui"));
        assertEquals(List.of("app-a"), ids(call(appA, "GET", "/api/v1/applications/", null, 200)
                .getJsonArray("applications"), "application_id"));
        call(appA, "GET", "/api/v1/gateways/", null, 200);
        call(appA, "GET", "/api/v1/device-profiles/", null, 200);
    }

    @Test
    void aMalformedEscapeInTheQueryIsAJson400NamingTheQuery() throws Exception {
        // Refused before routing (RestApi's percent-encoding check) or by the scope check's reading of the query.
        putDevice(eui(1), "app-a");
        String appA = call(ADMIN_KEY, "POST", "/api/v1/api-keys", new JsonObject().put("scope", "application:app-a"),
                201).getString("key");
        for (String target : List.of("/api/v1/applications?limit=%zz", "/api/v1/devices?application_id=a&cursor=%zz",
                "/api/v1/gateways?limit=1%")) {
            assertTrue(raw(ADMIN_KEY, target, 400).getString("error").contains("query"), target);
        }
        // An application's key: the scope check reads the query before any route.
        for (String target : List.of("/api/v1/devices?application_id=app-a&cursor=%zz", "/api/v1/events?x=%g1")) {
            assertTrue(raw(appA, target, 400).getString("error").contains("query"), target);
        }
        call(ADMIN_KEY, "GET", "/api/v1/applications?limit=1", null, 200);
    }

    /** A GET of a request target sent as given (java.net.URI refuses a malformed escape); its JSON body. */
    private JsonObject raw(String apiKey, String target, int status) throws Exception {
        HttpClientResponse[] response = new HttpClientResponse[1];
        String body = vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1").setPort(port).setURI(target).putHeader("Authorization", "Bearer " + apiKey))
                .compose(HttpClientRequest::send).compose(answer -> {
                    response[0] = answer;
                    return answer.body();
                }).await(10, TimeUnit.SECONDS).toString();
        assertEquals(status, response[0].statusCode(), target + ": " + body);
        assertEquals("application/json", response[0].getHeader("Content-Type"), target);
        return new JsonObject(body);
    }

    /** The DevEUIs the index itself lists for the application, read straight from Redis. */
    private List<String> listed(String application) throws Exception {
        List<String> members = new ArrayList<>();
        redis.send(Request.cmd(Command.ZRANGE).arg(keys.applicationDevices(application)).arg(0).arg(-1))
                .await(10, TimeUnit.SECONDS).forEach(member -> members.add(member.toString().substring(0, 16)));
        return members;
    }

    /** Puts the device in the application, which is created first. */
    private void putDevice(String devEui, String application) throws Exception {
        call(ADMIN_KEY, "PUT", "/api/v1/applications/" + application, new JsonObject(), 200);
        call(ADMIN_KEY, "PUT", "/api/v1/devices/" + devEui, new JsonObject().put("application_id", application)
                .put("join_eui", JOIN_EUI).put("mac_version", "1.0.3"), 200);
    }

    private static String eui(int n) {
        return String.format("00000000000A%04X", n);
    }

    private static List<String> devEuis(JsonObject page) {
        return ids(page.getJsonArray("devices"), "dev_eui");
    }

    private static List<String> ids(JsonArray items, String field) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ids.add(items.getJsonObject(i).getString(field));
        }
        return ids;
    }

    private JsonObject call(String apiKey, String method, String path, JsonObject body, int status) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + apiKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode())).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return new JsonObject(response.body());
    }
}
