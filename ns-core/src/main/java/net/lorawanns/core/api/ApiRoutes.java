package net.lorawanns.core.api;

import io.vertx.ext.web.Router;

/**
 * Routes that an adapter adds to the REST API (deploy wires them), mounted behind its authentication and body
 * handling and before its answer for unknown resources. Their handlers read the caller with
 * {@link RestApi#caller(io.vertx.ext.web.RoutingContext)} and answer errors as {@code {"error": ...}}
 * ({@link RestApi#error}). Handlers run on the API server's event loop.
 */
public interface ApiRoutes {
    void mount(Router router);
}
