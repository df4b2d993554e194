package net.lorawanns.core.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.lorawanns.core.device.Page;

/**
 * The paging of a list request: query {@code limit} (1-1000, default 100) and {@code cursor}, the opaque
 * {@code next_cursor} of the previous page (the key of its last item, base64url-encoded, so that a client does not
 * build it). A bad value is a 400 naming the parameter.
 *
 * @param after the key the page starts after; empty for the first page
 */
record PageQuery<K>(int limit, Optional<K> after) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** The request's paging; {@code key} reads a list's key and throws IllegalArgumentException for a bad one. */
    static <K> PageQuery<K> of(RoutingContext ctx, Function<String, K> key) {
        String limitText = ctx.queryParams().get("limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            if (!limitText.matches("[0-9]{1,4}") || Integer.parseInt(limitText) < 1
                    || Integer.parseInt(limitText) > MAX_LIMIT) {
                throw new ApiException(400, "limit: must be a whole number from 1 to " + MAX_LIMIT + ", got '"
                        + abbreviated(limitText) + "'");
            }
            limit = Integer.parseInt(limitText);
        }
        String cursor = ctx.queryParams().get("cursor");
        if (cursor == null || cursor.isEmpty()) {
            return new PageQuery<>(limit, Optional.empty());
        }
        try {
            return new PageQuery<>(limit, Optional.of(key.apply(new String(Base64.getUrlDecoder().decode(cursor),
                    StandardCharsets.UTF_8))));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "cursor: not a cursor of this list; give the next_cursor of the previous "
                    + "answer, or none for the first page");
        }
    }

    /** The answer: {@code {"<name>": [...], "next_cursor": string|null}}. */
    static <T, K> JsonObject answer(String name, Page<T, K> page, Function<T, JsonObject> json) {
        return answer(name, page.items().stream().map(json).toList(), page.next());
    }

    static <K> JsonObject answer(String name, List<JsonObject> items, Optional<K> next) {
        return new JsonObject().put(name, new JsonArray(items)).put("next_cursor", next.map(key -> Base64
                .getUrlEncoder().withoutPadding().encodeToString(key.toString().getBytes(StandardCharsets.UTF_8)))
                .orElse(null));
    }

    private static String abbreviated(String text) {
        return text.length() <= 20 ? text : text.substring(0, 20) + "...";
    }
}
