package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the API document refuses are answered 400 (415 for a body of another type) with {@code {"error": ...}}
 * naming the parameter or field and the problem, as the document states it, and never the value given.
 */
class ApiValidationTest {
    private static final String KEY = "validation-test-key-0123456789";
    /** A root key someone puts in a body the API refuses: it must not come back. */
    private static final String ROOT_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String DEVICES = "/api/v1/devices/";

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, ApiServices.on(vertx), List.of(KEY))
                .await(30, TimeUnit.SECONDS)).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void parametersAreCheckedAgainstTheDocument() throws Exception {
        assertEquals("path.devEui: does not match ^[0-9A-Fa-f]{16}$", error("GET", DEVICES + "00000000000E00F", null,
                400));
        assertEquals("path.eui: does not match ^[0-9A-Fa-f]{16}$", error("DELETE", "/api/v1/gateways/zz", null, 400));
        assertEquals("path.id: does not match ^[A-Za-z0-9._-]{1,64}$", error("GET",
                "/api/v1/applications/a%20b", null, 400));
        assertEquals("query.limit: must be <= 1000", error("GET", "/api/v1/gateways?limit=1001", null, 400));
        assertEquals("query.limit: must be >= 1", error("GET", "/api/v1/device-profiles?limit=0", null, 400));
        assertTrue(error("GET", "/api/v1/gateways?limit=ten", null, 400).startsWith("query.limit: "));
        assertEquals("query.application_id: is required", error("GET", "/api/v1/devices", null, 400));
        assertEquals("query.dev_eui: does not match ^([0-9A-Fa-f]{16})?$", error("GET",
                "/api/v1/join-servers/check/70B3D57ED0000000?dev_eui=12", null, 400));
    }

    @Test
    void bodiesAreCheckedAgainstTheDocument() throws Exception {
        String queue = DEVICES + "00000000000E0001/queue";
        assertEquals("body.f_port: must be <= 223", error("POST", queue, new JsonObject().put("f_port", 224)
                .put("data", "AQ==").encode(), 400));
        assertEquals("body.f_port: must be a whole number, got a string", error("POST", queue,
                new JsonObject().put("f_port", "1").put("data", "AQ==").encode(), 400));
        assertEquals("body.data: is required", error("POST", queue, new JsonObject().put("f_port", 1).encode(), 400));
        assertEquals("body.fport: unknown field", error("POST", queue, new JsonObject().put("f_port", 1)
                .put("data", "AQ==").put("fport", 1).encode(), 400));
        assertEquals("body: is not valid JSON", error("POST", queue, "{\"f_port\": 1,", 400));
        assertEquals("body: must be a JSON object, got a JSON array", error("POST", queue, "[1, 2]", 400));
        assertEquals("body: is required (a JSON object)", error("POST", queue, null, 400));
        assertEquals("body.location.latitude: must be <= 90", error("PUT", "/api/v1/gateways/0016C001FF10A235",
                new JsonObject().put("location", new JsonObject().put("latitude", 91).put("longitude", 0)).encode(),
                400));
        JsonArray devices = new JsonArray().add(new JsonObject().put("dev_eui", "0016C001FF10A235")
                .put("owner_token", "token-1")).add(new JsonObject().put("dev_eui", "nope").put("owner_token", "t-2"));
        assertEquals("body.devices[1].dev_eui: does not match ^[0-9A-Fa-f]{16}$", error("POST",
                "/api/v1/join-server/exports", new JsonObject().put("owner_public_key", "PEM").put("devices", devices)
                        .encode(), 400));
    }

    @Test
    void aBodyOfAnotherTypeIsRefused() throws Exception {
        HttpResponse<String> response = send("POST", DEVICES + "00000000000E0001/queue", "text/plain",
                new JsonObject().put("f_port", 1).put("data", "AQ==").encode(), KEY);
        assertEquals(415, response.statusCode(), response.body());
        assertEquals("Content-Type: must be application/json, got text/plain",
                new JsonObject(response.body()).getString("error"));
    }

    @Test
    void aFormBodyIsRefusedBeforeItIsReadEvenWithAMalformedEscape() throws Exception {
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            HttpResponse<String> response = send("PUT", "/api/v1/applications/app-form", type,
                    "{\"webhook_url\":\"http://h/%zz\"}", KEY);
            assertEquals(415, response.statusCode(), response.body());
            assertEquals("Content-Type: must be application/json, got " + type.split(";")[0],
                    new JsonObject(response.body()).getString("error"));
        }
    }

    @Test
    void aRefusedBodyNeverEchoesAKey() throws Exception {
        JsonObject device = new JsonObject().put("application_id", "app").put("mac_version", "1.0.3")
                .put("join_eui", "70B3D57ED0000000").put("app_key", ROOT_KEY);
        List<JsonObject> refused = List.of(device.copy().put("relax_fcnt", "yes"),
                device.copy().put("app_key", ROOT_KEY + "0"),
                device.copy().put("app_key", ROOT_KEY.substring(1)),
                device.copy().put("nwk_key", new JsonObject().put("key", ROOT_KEY)),
                device.copy().put("abp", new JsonObject().put("dev_addr", "26000001").put("nwk_s_key", ROOT_KEY)));
        for (JsonObject body : refused) {
            HttpResponse<String> response = send("PUT", DEVICES + "00000000000E0002", "application/json",
                    body.encode(), KEY);
            assertEquals(400, response.statusCode(), response.body());
            assertFalse(response.body().toUpperCase().contains(ROOT_KEY.substring(1, 31)), response.body());
        }
        assertEquals("body.app_key: does not match ^[0-9A-Fa-f]{32}$", error("PUT", DEVICES + "00000000000E0002",
                device.copy().put("app_key", ROOT_KEY + "0").encode(), 400));
        assertEquals("body.abp.app_s_key: is required", error("PUT", DEVICES + "00000000000E0002",
                refused.get(4).encode(), 400));
    }

    @Test
    void theKeyIsCheckedBeforeTheDocument() throws Exception {
        HttpResponse<String> response = send("GET", DEVICES + "not-an-eui", null, null, null);
        assertEquals(401, response.statusCode(), response.body());
    }

    private String error(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = send(method, path, null, body, KEY);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return new JsonObject(response.body()).getString("error");
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String apiKey)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + path)).timeout(Duration.ofSeconds(10)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
