package net.lorawanns.js.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;

/**
 * One thing done to a device in the built-in join server. Never holds a key or an owner token: {@code who} is the API
 * caller's non-secret identity (e.g. {@code api-key:1a2b3c4d}), {@code detail} a short note such as the new home
 * NetID.
 *
 * @param devEui the device; empty for a refused request that names none it could be read from (an import whose
 *     JWE does not decrypt)
 * @param at when it was done, by the recording server's clock
 */
public record AuditEntry(AuditAction action, Optional<Eui64> devEui, String who, Instant at, Optional<String> detail) {
    public static final int MAX_WHO = 100;
    public static final int MAX_DETAIL = 200;

    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(devEui, "devEui");
        Objects.requireNonNull(at, "at");
        if (who == null || who.isEmpty() || who.length() > MAX_WHO) {
            throw new IllegalArgumentException("an audit entry names who did it (1-" + MAX_WHO + " characters)");
        }
        if (detail.isPresent() && detail.get().length() > MAX_DETAIL) {
            throw new IllegalArgumentException("an audit entry's detail is at most " + MAX_DETAIL + " characters");
        }
    }

    /**
     * An entry made now. A detail over {@link #MAX_DETAIL} characters is cut to that: an entry is written after the
     * step it records has taken effect, so building it must not fail.
     */
    public static AuditEntry of(AuditAction action, Eui64 devEui, String who, String detail) {
        String kept = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        return new AuditEntry(action, Optional.of(devEui), who, Instant.now(), kept.isEmpty() ? Optional.empty()
                : Optional.of(kept));
    }

    /** An entry made now of a refused request that names no device ({@link #of} cuts the detail alike). */
    public static AuditEntry ofRequest(AuditAction action, String who, String detail) {
        String kept = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        return new AuditEntry(action, Optional.empty(), who, Instant.now(), kept.isEmpty() ? Optional.empty()
                : Optional.of(kept));
    }

    /** The entry as the API shows it. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("action", action.wireName()).put("dev_eui", devEui.map(Eui64::toString)
                .orElse(null)).put("who", who).put("at", at.toString());
        detail.ifPresent(text -> json.put("detail", text));
        return json;
    }
}
