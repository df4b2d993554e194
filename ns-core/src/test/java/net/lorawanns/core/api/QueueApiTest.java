package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.queue.QueuedDownlink;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The downlink queue routes of the REST API over real HTTP, on a real Redis, with the stores a server has, a network
 * serving EU868, US915 and AS923-1, and an event sink that keeps what the API publishes. The devices' sessions and
 * MAC states are written as the pipeline writes them after an uplink, so that each size rule meets a known data rate.
 */
class QueueApiTest {
    private static final String KEY = "queue-api-test-key-0123456789";
    private static final String APP = "app-queue";
    private static final int MAX_QUEUE = 3;
    /** The join server of these devices keeps nothing here: their sessions are written by the test. */
    private static final String JOIN_EUI = "70B3D57ED0000000";

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private SessionStore sessions;
    private HttpServer server;
    private final Events events = new Events();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings redisSettings = TestRedis.settings();
        keys = new RedisKeys(redisSettings.keyPrefix());
        redis = TestRedis.client(vertx, redisSettings);
        RestApi.Services services = ApiServices.on(vertx, redis, keys, List.of("eu868", "us915", "as923-1"),
                MAX_QUEUE, events);
        sessions = services.sessions();
        server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, List.of(KEY))
                        .await(10, TimeUnit.SECONDS))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        api("PUT", "/api/v1/applications/" + APP, new JsonObject(), 200);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void itemsAreQueuedListedAndFlushedWithTheirEvents() throws Exception {
        String dev = "00000000000E0001";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        JsonObject first = api("POST", queue(dev), item(10, 3).put("confirmed", true), 201);
        assertEquals(1, first.getInteger("queue_length"));
        String firstId = first.getString("id");
        assertEquals(new JsonObject().put("type", "downlink_queued").put("application_id", APP).put("dev_eui", dev)
                .put("id", firstId).put("f_port", 10).put("confirmed", true).put("size", 3).put("encrypted", false)
                .put("queue_length", 1), events.next());
        Instant expiry = Instant.parse("2100-01-01T00:00:00Z");
        JsonObject second = api("POST", queue(dev), item(11, 5).put("expires_at", "2100-01-01T01:00:00+01:00"), 201);
        assertEquals(2, second.getInteger("queue_length"));
        assertEquals(second.getString("id"), events.next().getString("id"));

        JsonObject listed = api("GET", queue(dev), null, 200);
        JsonArray items = listed.getJsonArray("items");
        assertEquals(2, items.size());
        assertEquals(firstId, items.getJsonObject(0).getString("id"), "oldest first");
        assertEquals(10, items.getJsonObject(0).getInteger("f_port"));
        assertEquals(Base64.getEncoder().encodeToString(payload(3)), items.getJsonObject(0).getString("data"));
        assertTrue(items.getJsonObject(0).getBoolean("confirmed"));
        assertEquals(second.getString("id"), items.getJsonObject(1).getString("id"));
        assertEquals(expiry.toString(), items.getJsonObject(1).getString("expires_at"));
        assertFalse(listed.containsKey("pending_ack"), "nothing went out yet");

        assertEquals(2, api("DELETE", queue(dev), null, 200).getInteger("removed"));
        for (String id : List.of(firstId, second.getString("id"))) {
            JsonObject failed = events.next();
            assertEquals("downlink_failed", failed.getString("type"));
            assertEquals("flushed", failed.getString("reason"));
            assertEquals(id, failed.getString("id"));
            assertEquals(APP, failed.getString("application_id"));
        }
        assertEquals(new JsonArray(), api("GET", queue(dev), null, 200).getJsonArray("items"));
        assertEquals(0, api("DELETE", queue(dev), null, 200).getInteger("removed"));
    }

    /** The confirmed item that went out shows as {@code pending_ack} until the device's answer. */
    @Test
    void theConfirmedItemAwaitingItsAckIsListed() throws Exception {
        String dev = "00000000000E0002";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        String id = api("POST", queue(dev), item(10, 3).put("confirmed", true), 201).getString("id");
        DownlinkQueue store = new DownlinkQueue(redis, keys, MAX_QUEUE, Duration.ofDays(7));
        QueuedDownlink sent = store.head(Eui64.parse(dev)).await(10, TimeUnit.SECONDS).orElseThrow();
        JsonObject pending = new JsonObject().put("item", sent.toJson()).put("f_cnt", 4)
                .put("sent_at", "2026-11-29T12:00:00Z").put("on_air_at", "2026-11-29T12:00:01Z")
                .put("deadline", "2026-11-29T12:00:08Z");
        store.take(Eui64.parse(dev), sent.id(), Optional.of(PendingAck.fromJson(pending)))
                .await(10, TimeUnit.SECONDS);
        JsonObject listed = api("GET", queue(dev), null, 200);
        assertEquals(new JsonArray(), listed.getJsonArray("items"));
        assertEquals(id, listed.getJsonObject("pending_ack").getJsonObject("item").getString("id"));
        assertEquals(4, listed.getJsonObject("pending_ack").getInteger("f_cnt"));
    }

    /**
     * Each case is a device at a known uplink data rate, RX1DROffset, RX2 data rate and downlink dwell time; the
     * limit is the larger of the two windows' N (no repeater), typed from RP002-1.0.4: EU868 section 2.4.6 (DR0-DR2
     * 51, DR3 115, DR4-DR7 242; RX1 = uplink DR minus the offset, section 2.4.7), US915 sections 2.5.6 and 2.5.7
     * (uplink DR0 in RX1 with offset 0 is DR10, 242; with offset 3 DR8; RX2 DR8, 53), AS923 sections 2.10.6 and
     * 2.10.7 (with the downlink dwell time, uplink DR4 and offset 0 give DR4 in RX1, 125, and DR2 in RX2, 11; without
     * it DR4 carries 242).
     */
    @Test
    void thePayloadMustFitOneOfTheDevicesReceiveWindows() throws Exception {
        api("PUT", "/api/v1/device-profiles/us", profile("us915"), 200);
        api("PUT", "/api/v1/device-profiles/as", profile("as923"), 200);
        record Case(String profile, MacState mac, int limit, String message) {
        }
        List<Case> cases = List.of(
                new Case(null, eu868(5, 0, 0), 242, "at most 242 bytes at DR5 in RX1 / 51 bytes at DR0 in RX2"),
                new Case(null, eu868(5, 2, 0), 115, "at most 115 bytes at DR3 in RX1 / 51 bytes at DR0 in RX2"),
                new Case(null, eu868(0, 0, 3), 115, "at most 51 bytes at DR0 in RX1 / 115 bytes at DR3 in RX2"),
                new Case(null, eu868(2, 0, 0), 51, "at most 51 bytes at DR2 in RX1 / 51 bytes at DR0 in RX2"),
                new Case("us", mac(0, 0, 8, 923_300_000L, f -> { }), 242,
                        "at most 242 bytes at DR10 in RX1 / 53 bytes at DR8 in RX2"),
                new Case("us", mac(0, 3, 8, 923_300_000L, f -> { }), 53,
                        "at most 53 bytes at DR8 in RX1 / 53 bytes at DR8 in RX2"),
                new Case("as", mac(4, 0, 2, 923_200_000L, f -> f.txParams = Optional.of(
                        new MacState.TxParams(true, true, 5))), 125,
                        "at most 125 bytes at DR4 in RX1 / 11 bytes at DR2 in RX2"),
                new Case("as", mac(4, 0, 2, 923_200_000L, f -> f.txParams = Optional.of(
                        new MacState.TxParams(false, false, 5))), 242,
                        "at most 242 bytes at DR4 in RX1 / 115 bytes at DR2 in RX2"));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String dev = String.format("00000000000F%04X", i);
            device(dev, Optional.ofNullable(c.profile()), true, Optional.of(c.mac()));
            String refused = error("POST", queue(dev), item(1, c.limit() + 1), 400);
            assertEquals("data: " + (c.limit() + 1) + " bytes do not fit the device's receive windows at its current "
                    + "data rates: " + c.message(), refused, "case " + i);
            api("POST", queue(dev), item(1, c.limit()), 201);
        }
    }

    /**
     * Before its first uplink a device has no MAC state: its uplink data rate, and so its RX1 data rate, is not
     * known; RX2 is the one its session gave it (here DR0 in EU868: 51 bytes, RP002-1.0.4 section 2.4.6).
     */
    @Test
    void beforeTheFirstUplinkOnlyRx2IsKnown() throws Exception {
        String dev = "00000000000E0003";
        device(dev, Optional.empty(), true, Optional.empty());
        assertEquals("data: 52 bytes do not fit the device's receive windows at its current data rates: at most 51 "
                + "bytes at DR0 in RX2 (RX1: the device's uplink data rate is not known yet)",
                error("POST", queue(dev), item(1, 52), 400));
        api("POST", queue(dev), item(1, 51), 201);
    }

    /**
     * After a join the device's next uplink uses the join's session, which waits as pending until then: an item
     * queued meanwhile is for it (its id, and RX2 as its join-accept gave it: DR0 in EU868, 51 bytes), not for the
     * session before, whose MAC state (DR5 in RX1: 242 bytes) no longer applies.
     */
    @Test
    void anItemQueuedAfterAJoinIsForTheJoinsSession() throws Exception {
        String dev = "00000000000E0009";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        AesKey key = AesKey.of(new byte[16]);
        String joined = UUID.randomUUID().toString();
        sessions.setPending(Eui64.parse(dev), new DeviceSession(joined, DevAddr.parse("26AB0009"), false, key, key,
                key, Optional.empty(), Optional.empty(), 0, 0, 1)).await(10, TimeUnit.SECONDS);
        assertTrue(error("POST", queue(dev), item(1, 4), 409).startsWith("this server does not hold the AppSKey"),
                "the join's session has no AppSKey here");
        assertTrue(error("POST", queue(dev), item(1, 52).put("encrypted", true).put("f_cnt", 0), 400)
                .endsWith("at most 51 bytes at DR0 in RX2 (RX1: the device's uplink data rate is not known yet)"));
        api("POST", queue(dev), item(1, 51).put("encrypted", true).put("f_cnt", 0), 201);
        assertEquals(joined, api("GET", queue(dev), null, 200).getJsonArray("items").getJsonObject(0)
                .getString("session_id"));
    }

    @Test
    void aPayloadTheApplicationEncryptedNeedsItsCounterAndASession() throws Exception {
        String withoutKey = "00000000000E0004";
        device(withoutKey, Optional.empty(), false, Optional.of(eu868(5, 0, 0)));
        String refused = error("POST", queue(withoutKey), item(1, 4), 409);
        assertTrue(refused.startsWith("this server does not hold the AppSKey of " + withoutKey), refused);
        assertTrue(refused.contains("\"encrypted\": true") && refused.contains("\"f_cnt\""), refused);
        assertTrue(error("POST", queue(withoutKey), item(1, 4).put("encrypted", true), 400).startsWith("f_cnt: "));
        assertTrue(error("POST", queue(withoutKey), item(1, 4).put("f_cnt", 7), 400).startsWith("f_cnt: "));
        assertTrue(error("POST", queue(withoutKey), item(1, 4).put("encrypted", true).put("f_cnt", -1), 400)
                .startsWith("body.f_cnt: must be >= 0"));
        assertTrue(error("POST", queue(withoutKey), item(1, 4).put("encrypted", true).put("f_cnt", 1L << 32), 400)
                .startsWith("body.f_cnt: must be <= 4294967295"));

        String id = api("POST", queue(withoutKey), item(1, 4).put("encrypted", true).put("f_cnt", 7), 201)
                .getString("id");
        JsonObject queued = events.next();
        assertEquals(id, queued.getString("id"), "the refusals published nothing");
        assertTrue(queued.getBoolean("encrypted"));
        JsonObject listed = api("GET", queue(withoutKey), null, 200).getJsonArray("items").getJsonObject(0);
        assertTrue(listed.getBoolean("encrypted"));
        assertEquals(7, listed.getInteger("f_cnt"));
        assertEquals(sessionId(withoutKey), listed.getString("session_id"), "the session whose AppSKey was used");

        // Three downlinks later (FCntDown 0, 1, 2 taken), a payload encrypted with FCntDown 2 could never go out.
        for (int i = 0; i < 3; i++) {
            sessions.nextFCntDown(Eui64.parse(withoutKey), false).await(10, TimeUnit.SECONDS);
        }
        String used = error("POST", queue(withoutKey), item(1, 4).put("encrypted", true).put("f_cnt", 2), 409);
        assertTrue(used.startsWith("f_cnt: 2 is already used") && used.contains("the next FCntDown is 3"), used);
        api("POST", queue(withoutKey), item(1, 4).put("encrypted", true).put("f_cnt", 3), 201);
        events.next();

        String notJoined = "00000000000E0005";
        api("PUT", "/api/v1/devices/" + notJoined, otaa(), 200);
        for (JsonObject body : List.of(item(1, 4), item(1, 4).put("encrypted", true).put("f_cnt", 0))) {
            assertTrue(error("POST", queue(notJoined), body, 409).startsWith(notJoined + " has no session: it has not joined yet"));
        }
    }

    @Test
    void aFullQueueRefusesTheNextItem() throws Exception {
        String dev = "00000000000E0006";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        for (int i = 1; i <= MAX_QUEUE; i++) {
            assertEquals(i, api("POST", queue(dev), item(1, 1), 201).getInteger("queue_length"));
        }
        assertTrue(error("POST", queue(dev), item(1, 1), 409).contains("full"));
        assertEquals(MAX_QUEUE, api("GET", queue(dev), null, 200).getJsonArray("items").size());
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        String dev = "00000000000E0007";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        Map<String, JsonObject> bodies = new LinkedHashMap<>();
        bodies.put("data", item(1, 1).put("data", "not base64!"));
        bodies.put("data ", item(1, 1).put("data", 5));
        bodies.put("data  ", new JsonObject().put("f_port", 1));
        bodies.put("f_port", item(0, 1));
        bodies.put("f_port ", item(224, 1));
        bodies.put("f_port  ", item(1, 1).put("f_port", "1"));
        bodies.put("f_port   ", item(1, 1).put("f_port", 1.5));
        bodies.put("f_port    ", item(1, 1).put("f_port", 1L << 40));
        bodies.put("f_port     ", new JsonObject().put("data", "AQ=="));
        bodies.put("confirmed", item(1, 1).put("confirmed", "yes"));
        bodies.put("encrypted", item(1, 1).put("encrypted", 1));
        bodies.put("expires_at", item(1, 1).put("expires_at", "tomorrow"));
        bodies.put("expires_at ", item(1, 1).put("expires_at", "2020-01-01T00:00:00Z"));
        bodies.put("expires_at  ", item(1, 1).put("expires_at", 1_700_000_000));
        bodies.put("fport", item(1, 1).put("fport", 1));
        for (Map.Entry<String, JsonObject> body : bodies.entrySet()) {
            String field = body.getKey().trim();
            String refused = error("POST", queue(dev), body.getValue(), 400);
            // The API document refuses what its schema says (body.<field>), the handler the rest (<field>).
            assertTrue(refused.startsWith(field + ": ") || refused.startsWith("body." + field + ": "),
                    body.getValue().encode() + " -> " + refused);
        }
        assertTrue(error("POST", queue(dev), item(1, 1000), 400).startsWith("data: 1000 bytes do not fit"));
        request("POST", queue(dev), "{\"f_port\": 1, ", 400);
        request("POST", queue(dev), "[1, 2]", 400);
        request("POST", queue(dev), null, 400);
        JsonObject huge = request("POST", queue(dev), item(1, 60_000).encode(), 413);
        assertTrue(huge.getString("error").contains("65536 bytes"), huge.encode());
        request("POST", queue(dev), item(1, 1).encode(), null, 401);

        String id = api("POST", queue(dev), item(1, 1), 201).getString("id");
        assertEquals(id, events.next().getString("id"), "no refused request published an event");
        assertEquals(1, api("GET", queue(dev), null, 200).getJsonArray("items").size());
    }

    @Test
    void anUnknownDeviceIsNotFound() throws Exception {
        for (String method : List.of("POST", "GET", "DELETE")) {
            assertEquals("no device 00000000000E00FF", error(method, queue("00000000000E00FF"),
                    method.equals("POST") ? item(1, 1) : null, 404));
        }
        assertEquals("path.devEui: does not match ^[0-9A-Fa-f]{16}$", error("GET", queue("not-an-eui"), null, 400));
    }

    /** README, "Keys in Redis": a deleted device leaves nothing but the mark of its deletion. */
    @Test
    void deletingADeviceDeletesItsQueue() throws Exception {
        String dev = "00000000000E0008";
        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        api("POST", queue(dev), item(1, 1), 201);
        String queueKey = keys.downlinkQueue(Eui64.parse(dev));
        String pathKey = keys.downlinkPath(Eui64.parse(dev));
        // The hold an uplink's receive windows leave on the device's downlink path (see SessionStore.accept).
        redis.send(Request.cmd(Command.SET).arg(pathKey).arg("A").arg("PX").arg(3_000)).await(10, TimeUnit.SECONDS);
        assertEquals(2, exist(queueKey, pathKey));
        api("DELETE", "/api/v1/devices/" + dev, null, 200);
        assertEquals(0, exist(queueKey, pathKey));
        error("GET", queue(dev), null, 404);

        device(dev, Optional.empty(), true, Optional.of(eu868(5, 0, 0)));
        assertEquals(new JsonArray(), api("GET", queue(dev), null, 200).getJsonArray("items"),
                "a device registered again starts with an empty queue");
        String id = api("POST", queue(dev), item(1, 1), 201).getString("id");
        assertEquals("downlink_queued", events.next().getString("type"));
        assertEquals(id, events.next().getString("id"), "the deletion dropped the first item without an event");
    }

    private int exist(String... keysToCheck) throws Exception {
        Request exists = Request.cmd(Command.EXISTS);
        for (String key : keysToCheck) {
            exists.arg(key);
        }
        return redis.send(exists).await(10, TimeUnit.SECONDS).toInteger();
    }

    /**
     * A device registered through the API (OTAA, its join server elsewhere) with an active session written as a join
     * and first uplink leave it: with or without the AppSKey, and the MAC state of its last uplink, if any.
     */
    private void device(String devEui, Optional<String> profile, boolean appSKey, Optional<MacState> mac)
            throws Exception {
        JsonObject body = otaa();
        profile.ifPresent(id -> body.remove("mac_version"));
        profile.ifPresent(id -> body.put("device_profile_id", id));
        api("PUT", "/api/v1/devices/" + devEui, body, 200);
        AesKey key = AesKey.of(new byte[16]);
        String id = UUID.randomUUID().toString();
        DeviceSession session = new DeviceSession(id, DevAddr.parse("26" + devEui.substring(10)), false, key, key,
                key, appSKey ? Optional.of(key) : Optional.empty(), Optional.empty(), 0, 0, 1);
        Eui64 eui = Eui64.parse(devEui);
        sessions.setActive(eui, session, 10, 0).await(10, TimeUnit.SECONDS);
        if (mac.isPresent()) {
            assertTrue(sessions.saveMacState(eui, id, 10, mac.get(), Duration.ofMillis(2_200))
                    .await(10, TimeUnit.SECONDS));
        }
    }

    private String sessionId(String devEui) throws Exception {
        return sessions.sessionsOf(Eui64.parse(devEui)).await(10, TimeUnit.SECONDS).get(0).session().id();
    }

    /** An EU868 device's MAC state: its uplink data rate, RX1DROffset and RX2 data rate (869.525 MHz). */
    private static MacState eu868(int uplinkDr, int rx1DrOffset, int rx2Dr) {
        return mac(uplinkDr, rx1DrOffset, rx2Dr, 869_525_000L, f -> { });
    }

    private static MacState mac(int uplinkDr, int rx1DrOffset, int rx2Dr, long rx2Frequency,
                                Consumer<MacState.Fields> more) {
        return MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(1, rx1DrOffset, rx2Dr, rx2Frequency)).with(f -> {
                    f.dataRate = uplinkDr;
                    more.accept(f);
                });
    }

    private static JsonObject profile(String region) {
        return new JsonObject().put("region", region).put("mac_version", "1.0.3")
                .put("reg_params_revision", "RP002-1.0.3");
    }

    private static JsonObject otaa() {
        return new JsonObject().put("application_id", APP).put("mac_version", "1.0.3").put("join_eui", JOIN_EUI);
    }

    private static JsonObject item(int fPort, int size) {
        return new JsonObject().put("f_port", fPort).put("data", Base64.getEncoder().encodeToString(payload(size)));
    }

    private static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    private static String queue(String devEui) {
        return "/api/v1/devices/" + devEui + "/queue";
    }

    private JsonObject api(String method, String path, JsonObject body, int status) throws Exception {
        return request(method, path, body == null ? null : body.encode(), status);
    }

    private String error(String method, String path, JsonObject body, int status) throws Exception {
        return api(method, path, body, status).getString("error");
    }

    private JsonObject request(String method, String path, String body, int status) throws Exception {
        return request(method, path, body, KEY, status);
    }

    private JsonObject request(String method, String path, String body, String apiKey, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + path)).timeout(Duration.ofSeconds(10)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response.body());
        return new JsonObject(response.body());
    }

    /** The events the API published, in order. */
    private static final class Events implements EventSink {
        private final BlockingQueue<ApplicationEvent> published = new LinkedBlockingQueue<>();

        @Override
        public void publish(ApplicationEvent event) {
            published.add(event);
        }

        /** The next event published, waiting for it up to 10 s. */
        JsonObject next() throws InterruptedException {
            ApplicationEvent event = published.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no event within 10 s");
            }
            return event.body();
        }
    }
}
