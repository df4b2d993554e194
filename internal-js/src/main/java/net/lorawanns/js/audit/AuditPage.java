package net.lorawanns.js.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * A page of the audit log, newest first.
 *
 * @param entries the entries with their IDs in the log
 * @param next the ID to list after for the next (older) page; empty when the log has no older entry
 */
public record AuditPage(List<Listed> entries, Optional<String> next) {
    /** An entry and its ID in the log (a Redis stream ID, {@code <ms>-<seq>}). */
    public record Listed(String id, AuditEntry entry) {
    }

    public AuditPage {
        entries = List.copyOf(entries);
    }

    public JsonObject toJson() {
        JsonArray list = new JsonArray();
        entries.forEach(listed -> list.add(listed.entry().toJson().put("id", listed.id())));
        JsonObject json = new JsonObject().put("entries", list);
        next.ifPresent(id -> json.put("next", id));
        return json;
    }
}
