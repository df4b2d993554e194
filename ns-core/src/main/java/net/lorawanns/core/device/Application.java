package net.lorawanns.core.device;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An application: the devices' owner on the application side, and where their events go.
 *
 * @param webhookUrl http(s) URL that receives each event as a JSON POST
 * @param webhookHeaders extra request headers, e.g. an Authorization the receiver checks
 */
public record Application(String id, Optional<URI> webhookUrl, Map<String, String> webhookHeaders) {
    public Application {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("an application ID is 1-64 letters, digits, '.', '_' or '-'");
        }
        webhookHeaders = Map.copyOf(webhookHeaders);
        webhookUrl.ifPresent(url -> {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("webhook_url must be an http or https URL with a host");
            }
        });
    }

    /** The API's and Redis's JSON form. Header values may hold credentials, so {@code withHeaderValues} decides. */
    public JsonObject toJson(boolean withHeaderValues) {
        JsonObject headers = new JsonObject();
        webhookHeaders.forEach((name, value) -> headers.put(name, withHeaderValues ? value : "****"));
        JsonObject json = new JsonObject().put("application_id", id).put("webhook_headers", headers);
        webhookUrl.ifPresent(url -> json.put("webhook_url", url.toString()));
        return json;
    }

    static Application fromJson(JsonObject json) {
        Map<String, String> headers = new LinkedHashMap<>();
        json.getJsonObject("webhook_headers", new JsonObject()).forEach(e -> headers.put(e.getKey(), (String) e.getValue()));
        String url = json.getString("webhook_url");
        return new Application(json.getString("application_id"), Optional.ofNullable(url).map(URI::create), headers);
    }
}
