package net.lorawanns.core.api;

import io.vertx.ext.web.RoutingContext;

/**
 * Who made an authenticated request: a non-secret name of the key ({@code api-key:} and the ID of a key made through
 * the API, or the first 8 hex digits of the SHA-256 of a configured key) and its scope.
 */
record ApiCaller(String name, ApiScope scope) {
    /** The RoutingContext entry that holds the caller. */
    private static final String ENTRY = "lorawan.api.caller";

    void putInto(RoutingContext ctx) {
        ctx.put(ENTRY, this);
    }

    static ApiCaller of(RoutingContext ctx) {
        ApiCaller caller = ctx.get(ENTRY);
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: the route is not behind RestApi's authentication");
        }
        return caller;
    }
}
