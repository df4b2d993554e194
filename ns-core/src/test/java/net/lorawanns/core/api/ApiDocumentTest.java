package net.lorawanns.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API document ({@link ApiDocument}) is served without a key and is valid OpenAPI 3.1, the router serves exactly
 * its operations, and handlers that do not match its operations one to one stop the API from starting.
 */
class ApiDocumentTest {
    private static final String KEY = "document-test-key-0123456789";

    private Vertx vertx;
    private RestApi.Services services;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        services = ApiServices.on(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theServedDocumentIsValidOpenApi31AndNeedsNoKey() throws Exception {
        Router router = RestApi.router(vertx, services, List.of(KEY)).await(10, TimeUnit.SECONDS);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.actualPort() + "/api/v1/openapi.json")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject served = new JsonObject(response.body());
        // Parsed back: resolved and checked against the OpenAPI 3.1 schema by Vert.x's own parser.
        OpenAPIContract contract = OpenAPIContract.from(vertx, served).await(30, TimeUnit.SECONDS);
        assertEquals(OpenAPIVersion.V3_1, contract.getVersion());
        assertEquals("3.1.0", served.getString("openapi"));
        assertEquals("http", served.getJsonObject("components").getJsonObject("securitySchemes")
                .getJsonObject("apiKey").getString("type"));
        assertEquals("bearer", served.getJsonObject("components").getJsonObject("securitySchemes")
                .getJsonObject("apiKey").getString("scheme"));
        contract.operations().forEach(operation -> {
            assertTrue(operation.getResponse(401) != null || operation.getSecurityRequirements().isEmpty(),
                    operation.getOperationId() + " says nothing of a refused key");
            assertTrue(operation.getResponse(400) != null || operation.getParameters().isEmpty()
                    && operation.getRequestBody() == null, operation.getOperationId() + " says nothing of a refusal");
        });
    }

    @Test
    void everyRouteTheRouterServesIsInTheDocument() throws Exception {
        Router router = RestApi.router(vertx, services, List.of(KEY)).await(10, TimeUnit.SECONDS);
        OpenAPIContract contract = ApiDocument.contract(vertx).await(30, TimeUnit.SECONDS);
        Set<String> documented = new TreeSet<>();
        contract.operations().forEach(operation -> documented.add(operation.getHttpMethod() + " "
                + operation.getOpenAPIPath()));
        Set<String> served = new TreeSet<>();
        collect(router, served);
        assertTrue(documented.containsAll(served), "served but not in the document: " + difference(served,
                documented));
        assertEquals(documented, served, "in the document but not served");
    }

    /** The method and path (in the document's form) of every route of {@code router} and its sub-routers. */
    private static void collect(Router router, Set<String> served) {
        for (Route route : router.getRoutes()) {
            if (route.getSubRouter() != null) {
                collect(route.getSubRouter(), served);
            } else if (route.getPath() != null && route.isExactPath() && route.methods() != null
                    && !route.methods().isEmpty()) {
                route.methods().forEach(method -> served.add(method + " "
                        + route.getPath().replaceAll(":([A-Za-z]+)", "{$1}")));
            }
        }
    }

    private static Set<String> difference(Set<String> all, Set<String> minus) {
        Set<String> left = new TreeSet<>(all);
        left.removeAll(minus);
        return left;
    }

    @Test
    void aHandlerForAnOperationTheDocumentLacksStopsTheApi() {
        ApiRoutes stray = operations -> operations.handle("listWidgets", ctx -> ctx.response().end());
        IllegalStateException refused = refused(RestApi.router(vertx, services, List.of(KEY),
                List.of(RestApi.joinServerOff(), stray)));
        assertEquals("a handler for operation listWidgets, which the API document does not have",
                refused.getMessage());
    }

    @Test
    void anOperationWithoutAHandlerStopsTheApi() {
        // Without the join server's adapter, nor the answer for its absence, its operations have no handler.
        IllegalStateException refused = refused(RestApi.router(vertx, services, List.of(KEY), List.of()));
        assertTrue(refused.getMessage().startsWith("operations of the API document without a handler: ["),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("claimDevice") && refused.getMessage().contains("importRootKeys"),
                refused.getMessage());
    }

    @Test
    void anOperationWithTwoHandlersStopsTheApi() {
        IllegalStateException refused = refused(RestApi.router(vertx, services, List.of(KEY),
                List.of(RestApi.joinServerOff(), RestApi.joinServerOff())));
        assertTrue(refused.getMessage().endsWith("of the API document has two handlers"), refused.getMessage());
    }

    private static IllegalStateException refused(Future<Router> router) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> router.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        return assertInstanceOf(IllegalStateException.class, failed.getCause());
    }
}
