package net.lorawanns.core.events;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Something the application side or the operator should hear of: an uplink, a join, an error. Each event is
 * JSON with a {@code type}; {@code application_id} is absent for events of no known application (a MIC failure
 * on a DevAddr nobody has, say), which only operator streams see.
 */
public record ApplicationEvent(String type, Optional<String> applicationId, JsonObject body) {
    public static final String UPLINK = "uplink";
    public static final String JOIN = "join";
    public static final String REJOIN = "rejoin";
    public static final String ERROR = "error";
    /** A device's status report (DevStatusAns): battery and demodulation margin. */
    public static final String STATUS = "status";

    /** Takes {@code body} over (adding the type and application): the caller builds it and leaves it alone. */
    public ApplicationEvent {
        body.put("type", type);
        applicationId.ifPresent(id -> body.put("application_id", id));
    }

    @Override
    public JsonObject body() {
        return body.copy();
    }

    /** The event as sent: one JSON object. */
    public String encode() {
        return body.encode();
    }
}
