package net.lorawanns.core.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reading a request's JSON body and its fields the same way in every route, the API's and its adapters'
 * ({@link ApiRoutes}): anything missing or of the wrong type is an {@link ApiException} 400 naming the field.
 */
public final class ApiJson {
    private ApiJson() {
    }

    /** The body as a JSON object; 400 when it is absent, not JSON or not an object. */
    public static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new ApiException(400, "a JSON object body is required");
            }
            return body;
        } catch (DecodeException | ClassCastException e) {
            throw new ApiException(400, "the body is not a JSON object");
        }
    }

    /** A field that must be a non-empty string. */
    public static String requiredString(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof String text) || text.isEmpty()) {
            throw new ApiException(400, field + " is required (a string)");
        }
        return text;
    }

    /** A field that is absent (null) or a string; any other JSON type is refused naming the field. */
    public static String optionalString(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new ApiException(400, field + ": must be a string");
        }
        return (String) value;
    }
}
