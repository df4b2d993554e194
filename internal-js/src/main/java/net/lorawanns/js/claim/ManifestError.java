package net.lorawanns.js.claim;

import io.vertx.core.json.JsonObject;

/**
 * A fault in one row of a provisioning manifest. Rows count from 1: the index in a JSON array, the line in a CSV file
 * (its header is line 1, so its first device is row 2).
 *
 * @param field the field (column) at fault; empty when the row as a whole is
 */
public record ManifestError(int row, String field, String message) {
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("row", row);
        if (!field.isEmpty()) {
            json.put("field", field);
        }
        return json.put("error", message);
    }
}
