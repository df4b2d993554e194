package net.lorawanns.core.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The handlers of the API document's operations, by operationId, and the router built from the document with them
 * (Vert.x's OpenAPI router: each operation's path, method and validation come from the document). A handler for an
 * operation the document does not have, a second handler for one, or an operation left without a handler is an
 * {@link IllegalStateException}: the API does not start. Built once at start-up; the router's handlers run on the API
 * server's event loop.
 */
public final class ApiOperations {
    /**
     * An operation whose body the document cannot describe for its validator (a CSV manifest, which the handler checks
     * row by row) says so with {@code "x-body-validation": "handler"}; it has no parameters to validate.
     */
    private static final String BODY_VALIDATION = "x-body-validation";
    private static final String BODY_CHECKED_BY_HANDLER = "handler";
    private final OpenAPIContract contract;
    private final Map<String, Handler<RoutingContext>> handlers = new LinkedHashMap<>();

    ApiOperations(OpenAPIContract contract) {
        this.contract = contract;
    }

    /** Answers the document's operation {@code operationId} with {@code handler}. */
    public void handle(String operationId, Handler<RoutingContext> handler) {
        if (contract.operation(operationId) == null) {
            throw new IllegalStateException("a handler for operation " + operationId + ", which the API document "
                    + "does not have");
        }
        if (handlers.putIfAbsent(operationId, handler) != null) {
            throw new IllegalStateException("operation " + operationId + " of the API document has two handlers");
        }
    }

    /** The operationIds of the document's operations with {@code tag}. */
    public List<String> tagged(String tag) {
        return contract.operations().stream().filter(operation -> operation.getTags().contains(tag))
                .map(Operation::getOperationId).toList();
    }

    /** The operations whose security is empty in the document: they are answered without an API key. */
    List<Operation> publicOperations() {
        return contract.operations().stream().filter(operation -> operation.getSecurityRequirements().isEmpty())
                .toList();
    }

    Handler<RoutingContext> handler(Operation operation) {
        return handlers.get(operation.getOperationId());
    }

    /**
     * The router of the document's operations, each request validated against the document before its handler runs; a
     * refused one is answered by {@link ApiValidationErrors}. A body without a Content-Type is read as JSON, as the API
     * always did.
     */
    Router router(Vertx vertx) {
        TreeSet<String> unhandled = new TreeSet<>();
        contract.operations().forEach(operation -> {
            if (!handlers.containsKey(operation.getOperationId())) {
                unhandled.add(operation.getOperationId());
            }
        });
        if (!unhandled.isEmpty()) {
            throw new IllegalStateException("operations of the API document without a handler: " + unhandled);
        }
        RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        builder.rootHandler(ApiOperations::assumeJson);
        // Authentication is the API's own (ApiAuthentication), before the body is read and validated. The public
        // operations are routed before it too, and answered there (see RestApi).
        contract.operations().forEach(operation -> builder.getRoute(operation.getOperationId()).setDoSecurity(false)
                .setDoValidation(!BODY_CHECKED_BY_HANDLER.equals(operation.getOpenAPIModel().getString(BODY_VALIDATION)))
                .addHandler(handler(operation)).addFailureHandler(ApiValidationErrors::answer));
        return builder.createRouter();
    }

    private static void assumeJson(RoutingContext ctx) {
        if (ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) == null && ctx.body().length() > 0) {
            ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        ctx.next();
    }
}
