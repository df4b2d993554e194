package net.lorawanns.core.api;

/**
 * The operations of the API document ({@link ApiDocument}) that an adapter answers (deploy wires them): the adapter
 * attaches a handler to each of its operationIds in {@link #mount}, and adds no path of its own. The handlers run
 * behind the API's authentication, scope check, body limit and the document's validation; they read the caller with
 * {@link RestApi#caller(io.vertx.ext.web.RoutingContext)} and answer errors as {@code {"error": ...}}
 * ({@link RestApi#error}). Handlers run on the API server's event loop.
 */
public interface ApiRoutes {
    void mount(ApiOperations operations);

    /**
     * The operations of the document's {@code tag} answered 404 with {@code why}: for a part of the API whose adapter
     * is not running (the built-in join server when it is off).
     */
    static ApiRoutes absent(String tag, String why) {
        return operations -> operations.tagged(tag).forEach(operationId -> operations.handle(operationId,
                ctx -> RestApi.error(ctx, 404, why)));
    }
}
