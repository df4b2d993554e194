package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes added to the REST API share its authentication and see which API key called, never the key itself. */
class ApiCallerTest {
    private static final String FIRST_KEY = "caller-test-key-one-0123456789";
    private static final String SECOND_KEY = "caller-test-key-two-0123456789";

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RestApi.Services services = ApiServices.on(vertx);
        // An adapter's operations (here the join server's) answered with who called.
        ApiRoutes whoAmI = operations -> operations.tagged("join-server").forEach(id -> operations.handle(id,
                ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("caller", RestApi.caller(ctx)).encode())));
        server = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services,
                        List.of(FIRST_KEY, SECOND_KEY), List.of(whoAmI)).await(10, TimeUnit.SECONDS))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void eachKeyIsNamedByAPrefixOfItsHash() throws Exception {
        String first = get(FIRST_KEY, 200).getString("caller");
        assertEquals("api-key:" + sha256Prefix(FIRST_KEY), first);
        assertEquals("api-key:" + sha256Prefix(SECOND_KEY), get(SECOND_KEY, 200).getString("caller"));
        assertFalse(first.contains("caller-test"), first);
    }

    @Test
    void addedRoutesNeedAnApiKey() throws Exception {
        get("not-a-key", 401);
        get(null, 401);
    }

    private static String sha256Prefix(String key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash).substring(0, 8);
    }

    private JsonObject get(String apiKey, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + "/api/v1/join-server/transfer-key")).timeout(Duration.ofSeconds(10)).GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }
}
