package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.lorawanns.core.api.ApiDocument;
import net.lorawanns.deploy.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 generated bad requests against a running server (real HTTP, real Redis, the built-in join server on), each
 * made from an operation of the API document with at least one thing wrong: a broken path parameter, a malformed,
 * oversized or deeply nested body, a field of the wrong type, an unknown field, a bad query parameter, a body of
 * another Content-Type, a missing or garbled Authorization, a method or path the document does not have. Every answer
 * must be a 4xx with a JSON body that has {@code error}, and the server must answer a good request after. The seed is
 * fixed and printed; {@code -DbadRequests.seed=N} replays another. A request must never be good by accident: a good
 * one to the event stream would stay open, and a good PUT would change what later requests meet.
 */
class ApiBadRequestsTest {
    private static final int REQUESTS = Integer.getInteger("badRequests.count", 10_000);
    private static final int LANES = 16;
    private static final long SEED = Long.getLong("badRequests.seed", 20_261_130L);
    private static final int BODY_LIMIT = 64 * 1024;
    private static final JsonObject DOCUMENT = new JsonObject(ApiDocument.text());
    /** A request not answered within this is a failure of its own (the others go on). */
    private static final long ANSWER_TIMEOUT_MS = 5_000;
    private static final Map<String, String> GOOD_PARAMETERS = Map.of("devEui", "0016C001FF10A235",
            "eui", "0016C001FF10A236", "joinEui", "70B3D57ED0000000", "id", "fuzz-app");
    /** Path parameter values that no parameter of the document takes. */
    private static final List<String> BAD_PATH_VALUES = List.of("a b", "zz!", "<script>", "%zz", "é", "..", "%00",
            "0016C001FF10A2350", "x".repeat(65), "a/b", "-1", "{devEui}", "ÿ".repeat(40));
    private static final List<String> GARBLED_AUTHORIZATIONS = List.of("Bearer", "Bearer ", "Bearer wrong-key",
            "Basic dXNlcjpwYXNz", "bearer " + TestNetwork.API_KEY, "Bearer " + TestNetwork.API_KEY + "x",
            "Bearer lnk_0123456789abcdef_" + "A".repeat(43), "Bearer " + "k".repeat(4000), "Token abc");
    private static final List<String> OTHER_CONTENT_TYPES = List.of("text/plain", "application/xml", "text/html",
            "image/png", "application/octet-stream");
    private static final List<String> MALFORMED_BODIES = List.of("{", "}", "{\"a\":}", "nul", "{\"a\" 1}", "[1,",
            "\"unterminated", "{\"a\":1}}", "\u0000", "{'a': 1}", "{\"a\":NaN}", "{\"a\":01}", "\uFFFF\uFFFE");

    @TempDir
    Path dir;
    private TestNetwork network;
    private Server server;
    private Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        network.close();
    }

    @Test
    void everyBadRequestIsRefusedWithAJsonErrorAndTheServerStillAnswers() throws Exception {
        System.out.println("ApiBadRequestsTest seed " + SEED + " (replay with -DbadRequests.seed=" + SEED + ")");
        Random random = new Random(SEED);
        List<Operation> operations = Operation.all(DOCUMENT);
        List<BadRequest> requests = new ArrayList<>();
        while (requests.size() < REQUESTS) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            List<Operation> eligible = operations.stream().filter(kind.eligible::apply).toList();
            kind.make(eligible.get(random.nextInt(eligible.size())), random, operations).ifPresent(requests::add);
        }
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(LANES));
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
            Future<Void> chain = Future.succeededFuture();
            for (int i = lane; i < requests.size(); i += LANES) {
                BadRequest request = requests.get(i);
                chain = chain.compose(v -> send(client, request).map(answer -> {
                    check(request, answer).ifPresent(wrong::add);
                    return (Void) null;
                }));
            }
            lanes.add(chain);
        }
        long started = System.nanoTime();
        Future.all(lanes).await(60, TimeUnit.SECONDS);
        System.out.printf("ApiBadRequestsTest: %d requests answered in %d ms%n", requests.size(),
                (System.nanoTime() - started) / 1_000_000);
        assertTrue(wrong.isEmpty(), "seed " + SEED + ": " + wrong.size() + " of " + REQUESTS + " answers were wrong, "
                + "e.g. " + wrong.subList(0, Math.min(10, wrong.size())));
        JsonObject gateways = network.api(server, "GET", "/api/v1/gateways", null, 200);
        assertTrue(gateways.containsKey("gateways"), gateways.encode());
    }

    private Future<Answer> send(HttpClient client, BadRequest bad) {
        return client.request(new RequestOptions().setMethod(bad.method).setPort(server.apiPort())
                .setHost("127.0.0.1").setURI(bad.uri).setIdleTimeout(ANSWER_TIMEOUT_MS)).compose(request -> {
            bad.headers.forEach(request::putHeader);
            return bad.body == null ? request.send() : request.send(bad.body);
        }).compose(response -> response.body().map(body -> new Answer(response, body)))
                .recover(failure -> Future.succeededFuture(new Answer(null, Buffer.buffer(failure.toString()))));
    }

    private static Optional<String> check(BadRequest request, Answer answer) {
        if (answer.response == null) {
            return Optional.of(request + " -> no answer: " + answer.body);
        }
        int status = answer.response.statusCode();
        String type = answer.response.getHeader("Content-Type");
        String problem = null;
        if (status < 400 || status > 499) {
            problem = "status " + status;
        } else if (type == null || !type.startsWith("application/json")) {
            problem = "Content-Type " + type;
        } else {
            try {
                if (!(new JsonObject(answer.body).getValue("error") instanceof String)) {
                    problem = "no error";
                }
            } catch (RuntimeException e) {
                problem = "not a JSON object";
            }
        }
        return problem == null ? Optional.empty() : Optional.of(request + " -> " + problem + ": "
                + answer.body.toString().substring(0, Math.min(200, answer.body.length())));
    }

    private record Answer(HttpClientResponse response, Buffer body) {
    }

    /** A request and what is wrong with it, for the failure message. */
    private record BadRequest(String what, HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
        @Override
        public String toString() {
            return what + ": " + method + " " + (uri.length() > 120 ? uri.substring(0, 120) + "..." : uri);
        }
    }

    /** An operation of the document, its parameters and body schema with references resolved. */
    private record Operation(String id, HttpMethod method, String path, List<JsonObject> parameters,
                             JsonObject bodySchema, boolean bodyValidated) {
        static List<Operation> all(JsonObject document) {
            List<Operation> operations = new ArrayList<>();
            document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(entry -> {
                JsonObject operation = (JsonObject) entry.getValue();
                List<JsonObject> parameters = new ArrayList<>();
                operation.getJsonArray("parameters", new JsonArray()).forEach(parameter ->
                        parameters.add(resolve(document, (JsonObject) parameter)));
                JsonObject body = operation.getJsonObject("requestBody");
                JsonObject schema = body == null ? null : resolve(document, body.getJsonObject("content")
                        .getJsonObject("application/json").getJsonObject("schema"));
                operations.add(new Operation(operation.getString("operationId"),
                        HttpMethod.valueOf(entry.getKey().toUpperCase()), path.getKey(), parameters, schema,
                        !"handler".equals(operation.getString("x-body-validation"))));
            }));
            return operations;
        }

        static JsonObject resolve(JsonObject document, JsonObject node) {
            if (!node.containsKey("$ref")) {
                return node;
            }
            JsonObject target = document;
            for (String segment : node.getString("$ref").substring(2).split("/")) {
                target = target.getJsonObject(segment);
            }
            return resolve(document, target);
        }

        boolean secured() {
            return !id.equals("getOpenApiDocument");
        }

        boolean hasPathParameters() {
            return parameters.stream().anyMatch(p -> p.getString("in").equals("path"));
        }

        List<JsonObject> queryParameters() {
            return parameters.stream().filter(p -> p.getString("in").equals("query")).toList();
        }

        boolean objectBody() {
            return bodySchema != null && bodyValidated && "object".equals(bodySchema.getValue("type"));
        }

        JsonObject properties() {
            return bodySchema.getJsonObject("properties", new JsonObject());
        }

        /** The path with good values for its parameters, except {@code broken} (a parameter name) given {@code value}. */
        String uri(String broken, String value) {
            String uri = path;
            for (JsonObject parameter : parameters) {
                if (parameter.getString("in").equals("path")) {
                    String name = parameter.getString("name");
                    uri = uri.replace("{" + name + "}", name.equals(broken) ? value : GOOD_PARAMETERS.get(name));
                }
            }
            return uri;
        }

        String goodUri() {
            return uri(null, null);
        }
    }

    /** What is wrong with a request, and which operations it can be wrong for. */
    private enum Kind {
        BROKEN_PATH_PARAMETER(Operation::hasPathParameters),
        MALFORMED_JSON(operation -> operation.bodySchema != null),
        OVERSIZED_BODY(operation -> operation.secured()),
        DEEPLY_NESTED_JSON(operation -> operation.bodySchema != null),
        WRONG_TYPE(Operation::objectBody),
        UNKNOWN_FIELD(operation -> operation.objectBody()
                && Boolean.FALSE.equals(operation.bodySchema.getValue("additionalProperties"))),
        BAD_QUERY_PARAMETER(operation -> !operation.queryParameters().isEmpty()),
        OTHER_CONTENT_TYPE(operation -> operation.bodySchema != null && operation.bodyValidated),
        GARBLED_AUTHORIZATION(operation -> operation.secured()),
        UNKNOWN_METHOD_OR_PATH(operation -> operation.secured());

        private final Function<Operation, Boolean> eligible;

        Kind(Function<Operation, Boolean> eligible) {
            this.eligible = eligible;
        }

        Optional<BadRequest> make(Operation operation, Random random, List<Operation> all) {
            Map<String, String> headers = new HashMap<>();
            headers.put("Authorization", "Bearer " + TestNetwork.API_KEY);
            String what = name() + " " + operation.id;
            switch (this) {
                case BROKEN_PATH_PARAMETER -> {
                    List<String> names = operation.parameters.stream().filter(p -> p.getString("in").equals("path"))
                            .map(p -> p.getString("name")).toList();
                    String value = pick(random, BAD_PATH_VALUES);
                    String encoded = value.startsWith("%") ? value : encode(value);
                    return Optional.of(new BadRequest(what + " " + value, operation.method,
                            operation.uri(pick(random, names), encoded), headers, null));
                }
                case MALFORMED_JSON -> {
                    if (random.nextBoolean()) {
                        headers.put("Content-Type", "application/json");
                    }
                    String body = pick(random, MALFORMED_BODIES);
                    return Optional.of(new BadRequest(what + " " + body, operation.method,
                            operation.goodUri(), headers, Buffer.buffer(body)));
                }
                case OVERSIZED_BODY -> {
                    byte[] body = new byte[BODY_LIMIT + 1 + random.nextInt(BODY_LIMIT)];
                    Arrays.fill(body, (byte) '7');
                    return Optional.of(new BadRequest(what + " " + body.length + " bytes", operation.method,
                            operation.goodUri(), headers, Buffer.buffer(body)));
                }
                case DEEPLY_NESTED_JSON -> {
                    int depth = 200 + random.nextInt(20_000);
                    boolean arrays = random.nextBoolean();
                    String body = arrays ? "[".repeat(depth) + "]".repeat(depth)
                            : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    if (body.length() > BODY_LIMIT) {
                        return Optional.empty();
                    }
                    return Optional.of(new BadRequest(what + " depth " + depth, operation.method,
                            operation.goodUri(), headers, Buffer.buffer(body)));
                }
                case WRONG_TYPE -> {
                    List<Map.Entry<String, Object>> typed = new ArrayList<>();
                    operation.properties().forEach(entry -> {
                        JsonObject schema = Operation.resolve(DOCUMENT, (JsonObject) entry.getValue());
                        if (schema.containsKey("type")) {
                            typed.add(Map.entry(entry.getKey(), schema.getValue("type")));
                        }
                    });
                    if (typed.isEmpty()) {
                        return Optional.empty();
                    }
                    Map.Entry<String, Object> field = typed.get(random.nextInt(typed.size()));
                    Object value = wrongValue(field.getValue(), random);
                    JsonObject body = new JsonObject().put(field.getKey(), value);
                    return Optional.of(new BadRequest(what + " " + body.encode(), operation.method,
                            operation.goodUri(), headers, body.toBuffer()));
                }
                case UNKNOWN_FIELD -> {
                    JsonObject body = new JsonObject().put("no_such_field_" + random.nextInt(1000), random.nextInt());
                    return Optional.of(new BadRequest(what + " " + body.encode(), operation.method,
                            operation.goodUri(), headers, body.toBuffer()));
                }
                case BAD_QUERY_PARAMETER -> {
                    JsonObject parameter = pick(random, operation.queryParameters());
                    JsonObject schema = Operation.resolve(DOCUMENT, parameter.getJsonObject("schema"));
                    String value = badQueryValue(schema, random);
                    return Optional.of(new BadRequest(what + " " + parameter.getString("name") + "="
                            + value, operation.method, operation.goodUri() + "?" + parameter.getString("name") + "="
                            + value, headers, null));
                }
                case OTHER_CONTENT_TYPE -> {
                    headers.put("Content-Type", pick(random, OTHER_CONTENT_TYPES));
                    return Optional.of(new BadRequest(what + " " + headers.get("Content-Type"),
                            operation.method, operation.goodUri(), headers, Buffer.buffer("{}")));
                }
                case GARBLED_AUTHORIZATION -> {
                    headers.remove("Authorization");
                    String authorization = random.nextInt(GARBLED_AUTHORIZATIONS.size() + 1) == 0 ? null
                            : pick(random, GARBLED_AUTHORIZATIONS);
                    if (authorization != null) {
                        headers.put("Authorization", authorization);
                    }
                    return Optional.of(new BadRequest(what + " " + (authorization == null ? "none"
                            : authorization.substring(0, Math.min(30, authorization.length()))), operation.method,
                            operation.goodUri(), headers, operation.bodySchema == null ? null
                            : Buffer.buffer("{}")));
                }
                case UNKNOWN_METHOD_OR_PATH -> {
                    if (random.nextBoolean()) {
                        List<HttpMethod> methods = new ArrayList<>(List.of(HttpMethod.GET, HttpMethod.PUT,
                                HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS));
                        all.stream().filter(other -> other.path.equals(operation.path))
                                .forEach(other -> methods.remove(other.method));
                        if (methods.isEmpty()) {
                            return Optional.empty();
                        }
                        HttpMethod method = pick(random, methods);
                        return Optional.of(new BadRequest(what + " " + method, method, operation.goodUri(),
                                headers, null));
                    }
                    String suffix = pick(random, List.of("/nope", "/../../admin", "x", "/a/b/c"));
                    String uri = operation.goodUri() + suffix;
                    boolean documented = all.stream().anyMatch(other -> other.goodUri().equals(uri));
                    return documented ? Optional.empty() : Optional.of(new BadRequest(what + " "
                            + suffix, operation.method, uri, headers, null));
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** A value of none of {@code type} (a JSON Schema type or a list of them). */
    private static Object wrongValue(Object type, Random random) {
        List<Object> candidates = new ArrayList<>(List.of("text", 5, 1.5, true, new JsonArray().add(1),
                new JsonObject().put("k", 1)));
        List<String> types = type instanceof JsonArray list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(type));
        candidates.removeIf(value -> types.stream().anyMatch(t -> fits(t, value)));
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static boolean fits(String type, Object value) {
        return switch (type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "array" -> value instanceof JsonArray;
            case "object" -> value instanceof JsonObject;
            default -> true;
        };
    }

    /** A query value (URL-encoded) the parameter's schema refuses. */
    private static String badQueryValue(JsonObject schema, Random random) {
        if ("integer".equals(schema.getString("type"))) {
            return pick(random, List.of("abc", "0", "-1", "1001", "99999999999999999999", "1.5", "%zz", "true"));
        }
        if (schema.containsKey("pattern")) {
            return encode(pick(random, List.of("a b!", "zz!", "<x>", "é!")));
        }
        return "x".repeat(schema.getInteger("maxLength", 64) + 1 + random.nextInt(100));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
