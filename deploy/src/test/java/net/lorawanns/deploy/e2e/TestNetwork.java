package net.lorawanns.deploy.e2e;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.Durations;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.Assertions;

/**
 * Server instances on the test Redis, or on a given Redis set-up (Cluster, Sentinel), with one key prefix per
 * network, started from a TOML file as an operator would, plus a webhook receiver that collects every event and a
 * small REST API client.
 */
final class TestNetwork implements AutoCloseable {
    /** Reads the event streams the tests follow, a daemon thread each for as long as its stream lasts. */
    private static final ExecutorService STREAM_READERS = Executors.newCachedThreadPool(reader -> {
        Thread thread = new Thread(reader, "event-stream");
        thread.setDaemon(true);
        return thread;
    });

    /** How long one GET of the operations endpoint may take before it is tried again. */
    private static final Duration OPERATIONS_ATTEMPT = Duration.ofSeconds(2);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String API_KEY = "e2e-api-key-0123456789";
    static final String NET_ID = "000013";
    static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";

    private final String keyPrefix = "e2e-" + UUID.randomUUID() + ":";
    private final List<Server> servers = new ArrayList<>();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer webhookServer;
    private final EventCollector webhook = new EventCollector();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path dir;
    private final RedisSettings redis;
    /** Further lines of the {@code [network]}, {@code [redis]} and {@code [gateway.udp]} sections of instances. */
    String networkLines = "";
    /** The instances' {@code network.deduplication_delay}: shorter for tests that send many frames from one gateway. */
    String deduplicationDelay = "200ms";
    /**
     * The instances' {@code network.start_up_warm_up}: none, so that the tests' many start-ups take no longer than
     * they need; {@code StartUpWarmUpTest} runs one.
     */
    String startUpWarmUp = "0s";
    String redisLines = "";
    String gatewayLines = "";

    TestNetwork(Path dir) throws Exception {
        this(dir, TestRedis.url());
    }

    /** A network on the standalone Redis at {@code redisUrl} rather than the shared test Redis. */
    TestNetwork(Path dir, String redisUrl) throws Exception {
        this(dir, new RedisSettings(List.of(redisUrl), "standalone", "", ""));
    }

    /** A network on the Redis set-up {@code redis} describes (its key prefix is not used: the network has its own). */
    TestNetwork(Path dir, RedisSettings redis) throws Exception {
        this.dir = dir;
        this.redis = redis;
        this.webhookServer = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            webhook.add(body.toJsonObject());
            request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** Starts one more server instance on this network's Redis keys. */
    Server startInstance() throws Exception {
        return startInstance("");
    }

    /** Starts an instance whose configuration has {@code extraToml} (further sections) appended. */
    Server startInstance(String extraToml) throws Exception {
        return startInstance("", extraToml);
    }

    /** Starts an instance with {@code udpToml} (keys) in its {@code [gateway.udp]} and {@code extraToml} appended. */
    Server startInstance(String udpToml, String extraToml) throws Exception {
        Path file = dir.resolve("instance-" + servers.size() + ".toml");
        String redisServers = redis.servers().stream().map(url -> '"' + url + '"').collect(Collectors.joining(", "));
        Files.writeString(file, """
                [logging]
                level = "warn"
                [network]
                net_id = "%s"
                deduplication_delay = "%s"
                start_up_warm_up = "%s"
                %s
                [redis]
                servers = [%s]
                mode = "%s"
                master_name = "%s"
                key_prefix = "%s"
                min_replicas_acked = %d
                replica_ack_timeout = "%s"
                %s
                [gateway.udp]
                bind = "127.0.0.1:0"
                %s
                [internal_js]
                master_key = "%s"
                [api]
                bind = "127.0.0.1:0"
                api_keys = ["%s"]
                webhook_allowed_networks = ["127.0.0.0/8"]
                [metrics]
                bind = "127.0.0.1:0"
                """.formatted(NET_ID, deduplicationDelay, startUpWarmUp, networkLines, redisServers, redis.mode(),
                        redis.masterName(), keyPrefix, redis.minReplicasAcked(),
                        Durations.format(redis.replicaAckTimeout()), redisLines, gatewayLines + "\n" + udpToml,
                        MASTER_KEY, API_KEY) + extraToml);
        Settings settings = new ConfigLoader().load(file);
        Server server = Server.start(settings);
        servers.add(server);
        return server;
    }

    /** The {@code redis.key_prefix} of this network's instances: every key they write starts with it. */
    String keyPrefix() {
        return keyPrefix;
    }

    /**
     * The MAC state the server keeps for a device's active session (field {@code m} of its session hash, JSON in
     * clear: it holds no secret) once it matches {@code wanted}: the server stores it after sending the answer that
     * the test may already hold. An AssertionError with the last state read when it does not within 10 s.
     */
    JsonObject awaitMacState(String devEui, Predicate<JsonObject> wanted) throws Exception {
        Redis client = TestRedis.client(vertx, redis);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            JsonObject state = macState(client, devEui);
            while (state == null || !wanted.test(state)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("MAC state of " + devEui + " not as expected within 10 s: " + state);
                }
                state = macState(client, devEui);
            }
            return state;
        } finally {
            client.close();
        }
    }

    /**
     * Waits until the receive windows of the device's last uplink have passed, as the server recorded them in the
     * session hash (README, "Downlinks": {@code lu}, when the uplink came, and {@code lw}, the windows' span, in ms):
     * a Class B or C downlink may go out at once from then on.
     */
    void awaitDownlinkPathFree(String devEui) throws Exception {
        String session = keyPrefix + "lorawan:device:{" + devEui + "}:session";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Response windows = redis(Request.cmd(Command.HMGET).arg(session).arg("lu").arg("lw"));
            if (windows.get(0) == null || windows.get(0).toLong() + windows.get(1).toLong()
                    < System.currentTimeMillis()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the receive windows of " + devEui + " are still open after 10 s");
            }
        }
    }

    /** Sends one command to this network's Redis, as an operator's redis-cli would. */
    Response redis(Request request) throws Exception {
        Redis client = TestRedis.client(vertx, redis);
        try {
            return client.send(request).await(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    /**
     * Waits until the sum of a Prometheus metric's samples starting with {@code series} reaches {@code atLeast}; an
     * AssertionError with the last value when it does not within 10 s.
     */
    double awaitMetric(Server server, String series, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double value = metric(server, series);
        while (value < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(series + " is " + value + ", not " + atLeast + " or more, after 10 s");
            }
            value = metric(server, series);
        }
        return value;
    }

    private JsonObject macState(Redis client, String devEui) throws Exception {
        // README, "Keys in Redis": key_prefix, "lorawan:", then the session hash device:{DevEUI}:session.
        Response m = client.send(Request.cmd(Command.HGET).arg(keyPrefix + "lorawan:device:{" + devEui + "}:session")
                .arg("m")).await(10, TimeUnit.SECONDS);
        return m == null || m.toString().isEmpty() ? null : new JsonObject(m.toString());
    }

    String webhookUrl() {
        return "http://127.0.0.1:" + webhookServer.actualPort() + "/events";
    }

    /** PUTs an application whose webhook is this network's receiver. */
    void createApplication(Server server, String id) throws Exception {
        api(server, "PUT", "/api/v1/applications/" + id, new JsonObject().put("webhook_url", webhookUrl()), 200);
    }

    /** A LoRaWAN 1.0.3 ABP device of {@code applicationId}, created through {@code server}'s API. */
    SpecDevice abpDevice(Server server, String devEui, String devAddr, String applicationId) throws Exception {
        return abpDevice(server, devEui, devAddr, applicationId, null);
    }

    /** A LoRaWAN 1.0.3 ABP device that names the device profile {@code profileId} (null: none). */
    SpecDevice abpDevice(Server server, String devEui, String devAddr, String applicationId, String profileId)
            throws Exception {
        SpecDevice device = new SpecDevice(devEui, null, "1.0.3", null, null, 0);
        byte[] nwkSKey = randomKey();
        byte[] appSKey = randomKey();
        device.activate(devAddr, nwkSKey, appSKey);
        JsonObject body = new JsonObject().put("application_id", applicationId).put("mac_version", "1.0.3")
                .put("abp", new JsonObject().put("dev_addr", devAddr).put("nwk_s_key", HEX.formatHex(nwkSKey))
                        .put("app_s_key", HEX.formatHex(appSKey)));
        if (profileId != null) {
            body.put("device_profile_id", profileId);
        }
        api(server, "PUT", "/api/v1/devices/" + devEui, body, 200);
        return device;
    }

    /** An OTAA device of {@code applicationId} whose root keys the internal join server keeps. */
    SpecDevice otaaDevice(Server server, String devEui, String version, String applicationId) throws Exception {
        return otaaDevice(server, devEui, version, applicationId, null);
    }

    /** An OTAA device that names the device profile {@code profileId} (null: none). */
    SpecDevice otaaDevice(Server server, String devEui, String version, String applicationId, String profileId)
            throws Exception {
        byte[] appKey = randomKey();
        byte[] nwkKey = version.startsWith("1.1") ? randomKey() : null;
        SpecDevice device = new SpecDevice(devEui, "70B3D57ED00F0000", version, appKey, nwkKey, 0);
        JsonObject body = new JsonObject().put("application_id", applicationId).put("mac_version", version)
                .put("join_eui", device.joinEui).put("app_key", HEX.formatHex(appKey));
        if (profileId != null) {
            body.put("device_profile_id", profileId);
        }
        if (nwkKey != null) {
            body.put("nwk_key", HEX.formatHex(nwkKey));
        }
        api(server, "PUT", "/api/v1/devices/" + devEui, body, 200);
        return device;
    }

    static byte[] randomKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * The gateway {@code eui} as {@code server}'s gateway list shows it, once it is as {@code wanted} (its status comes
     * from Redis, written after the bridge hears of it): awaited for 10 s, an {@link AssertionError} after.
     */
    JsonObject gateway(Server server, String eui, Predicate<JsonObject> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            String cursor = null;
            do {
                JsonObject page = api(server, "GET", "/api/v1/gateways?limit=1"
                        + (cursor == null ? "" : "&cursor=" + cursor), null, 200);
                for (Object gateway : page.getJsonArray("gateways")) {
                    if (((JsonObject) gateway).getString("gateway_id").equals(eui)) {
                        last = (JsonObject) gateway;
                    }
                }
                cursor = page.getString("next_cursor");
            } while (cursor != null);
            if (last != null && wanted.test(last)) {
                return last;
            }
        }
        throw new AssertionError("gateway " + eui + " not as expected within 10 s: " + last);
    }

    JsonObject api(Server server, String method, String path, JsonObject body, int expectedStatus) throws Exception {
        return api(server, method, path, body == null ? null : body.encode(), API_KEY, expectedStatus);
    }

    /** A request with any body text and any API key (null: no Authorization header). */
    JsonObject api(Server server, String method, String path, String body, String apiKey, int expectedStatus)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError(method + " " + path + ": expected " + expectedStatus + ", got "
                    + response.statusCode() + " " + response.body());
        }
        return new JsonObject(response.body());
    }

    /** Starts a request with this network's API key; the answer, whatever its status, completes the future. */
    CompletableFuture<HttpResponse<String>> apiAsync(Server server, String method, String path, JsonObject body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + API_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode())).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the server's operations endpoint ({@code /metrics}, {@code /health}, {@code /ready}). */
    HttpResponse<String> operations(Server server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + path))
                .timeout(OPERATIONS_ATTEMPT).build();
        long deadline = System.nanoTime() + Site.WAIT.toNanos();
        while (true) {
            // The JDK's client has been seen to let an exchange hang past its timeout (once in a CI run, polling
            // /metrics back to back): each attempt gets a deadline of its own, and a stuck one is given up.
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            try {
                return answer.get(OPERATIONS_ATTEMPT.toMillis() + 500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                answer.cancel(true);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("GET " + path + " got no answer within " + Site.WAIT, e);
                }
            }
        }
    }

    /** The sum of a Prometheus metric's samples whose line starts with {@code series}, e.g. a name and tags. */
    double metric(Server server, String series) throws Exception {
        double sum = 0;
        for (String line : operations(server, "/metrics").body().split("\n")) {
            if (line.startsWith(series)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The events the application's webhook received. */
    EventCollector webhook() {
        return webhook;
    }

    /**
     * Follows the server's event stream (Server-Sent Events, every application) as {@code curl -N} would. The
     * returned collector fills as events come.
     */
    EventCollector followStream(Server server) throws Exception {
        return followStream(server, new EventCollector());
    }

    /** Follows the server's event stream into {@code stream}, which may collect other servers' events too. */
    EventCollector followStream(Server server, EventCollector stream) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort()
                + "/api/v1/events")).header("Authorization", "Bearer " + API_KEY).build();
        // Read on a thread of its own: with thenAccept, a response that had already arrived was read on this thread,
        // forever (a CI run hung there in RedisClusterEndToEndTest's set-up).
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> response.body()
                .forEach(line -> {
                    if (line.startsWith(": connected")) {
                        connected.countDown();
                    } else if (line.startsWith("data: ")) {
                        stream.add(new JsonObject(line.substring(6)));
                    }
                }), STREAM_READERS);
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the event stream did not open");
        }
        return stream;
    }

    static Predicate<JsonObject> event(String type, String devEui) {
        return e -> type.equals(e.getString("type")) && devEui.equals(e.getString("dev_eui"));
    }

    static Predicate<JsonObject> uplink(String devEui, long fCnt) {
        return e -> "uplink".equals(e.getString("type")) && devEui.equals(e.getString("dev_eui"))
                && e.getLong("f_cnt") == fCnt;
    }

    /** Each (DevEUI, FCnt) uplink event came once, and there are {@code expected} of them. */
    static void assertExactlyOnce(List<JsonObject> events, int expected) {
        Map<String, Long> counts = events.stream().filter(e -> "uplink".equals(e.getString("type")))
                .collect(Collectors.groupingBy(e -> e.getString("dev_eui") + "/" + e.getLong("f_cnt"),
                        Collectors.counting()));
        Assertions.assertEquals(expected, counts.size(), "distinct uplinks: " + counts);
        counts.forEach((frame, count) -> Assertions.assertEquals(1L, count, frame + " delivered " + count + " times"));
    }

    static JsonArray gatewaysOf(JsonObject event) {
        JsonArray ids = new JsonArray();
        event.getJsonArray("rx_info").forEach(rx -> ids.add(((JsonObject) rx).getString("gateway_id")));
        return ids;
    }

    @Override
    public void close() throws Exception {
        servers.forEach(Server::close);
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
