package net.lorawanns.core.device;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.config.HttpHeaderFields;

/**
 * An application: the devices' owner on the application side, and where their events go.
 *
 * @param webhookUrl http(s) URL that receives each event as a JSON POST
 * @param webhookHeaders extra request headers, e.g. an Authorization the receiver checks
 */
public record Application(String id, Optional<URI> webhookUrl, Map<String, String> webhookHeaders) {
    public Application {
        checkId(id);
        webhookHeaders.forEach((name, value) -> {
            HttpHeaderFields.Problem problem = HttpHeaderFields.problem(name, value);
            if (problem != null) {
                throw new IllegalArgumentException("webhook_headers: " + HttpHeaderFields.describe(name, problem));
            }
        });
        webhookHeaders = Map.copyOf(webhookHeaders);
        webhookUrl.ifPresent(url -> {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("webhook_url must be an http or https URL with a host");
            }
        });
    }

    /** Returns {@code id} if it is an application ID, else fails saying what one is. */
    public static String checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("an application ID is 1-64 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    /** The API's JSON form. Header values may hold credentials: they are shown as {@code ****}. */
    public JsonObject toJson() {
        JsonObject headers = new JsonObject();
        webhookHeaders.keySet().forEach(name -> headers.put(name, "****"));
        JsonObject json = new JsonObject().put("application_id", id).put("webhook_headers", headers);
        webhookUrl.ifPresent(url -> json.put("webhook_url", url.toString()));
        return json;
    }
}
