package net.lorawanns.core.events;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Something the application side or the operator should hear of: an uplink, a join, an error. Each event is
 * JSON with a {@code type}; {@code application_id} is absent for events of no known application (a MIC failure
 * on a DevAddr nobody has, say), which only operator streams see.
 *
 * <p>The body of an event made with {@link #lazy} is built the first time a sink reads it: most frames of a busy
 * network have no stream subscriber and no webhook, and then their event's JSON (a few kilobytes) is never made.
 */
public final class ApplicationEvent {
    public static final String UPLINK = "uplink";
    public static final String JOIN = "join";
    public static final String REJOIN = "rejoin";
    public static final String ERROR = "error";
    /** A device's status report (DevStatusAns): battery and demodulation margin. */
    public static final String STATUS = "status";

    private final String type;
    private final Optional<String> applicationId;
    /** Builds the body; null once it was built. Guarded by this. */
    private Supplier<JsonObject> builder;
    /** Guarded by this. */
    private JsonObject body;

    /** Takes {@code body} over (adding the type and application): the caller builds it and leaves it alone. */
    public ApplicationEvent(String type, Optional<String> applicationId, JsonObject body) {
        this(type, applicationId, () -> body);
        built();
    }

    private ApplicationEvent(String type, Optional<String> applicationId, Supplier<JsonObject> builder) {
        this.type = Objects.requireNonNull(type, "type");
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * An event whose body {@code builder} makes when a sink first reads it (once, on the thread that reads it: the
     * publisher's, when the event stream or a webhook lane encodes it as it is published); it must read only what
     * does not change after the event is published, and it holds what it reads until then.
     */
    public static ApplicationEvent lazy(String type, Optional<String> applicationId, Supplier<JsonObject> builder) {
        return new ApplicationEvent(type, applicationId, builder);
    }

    public String type() {
        return type;
    }

    public Optional<String> applicationId() {
        return applicationId;
    }

    /** A copy of the body. */
    public JsonObject body() {
        return built().copy();
    }

    /** The event as sent: one JSON object. */
    public String encode() {
        return built().encode();
    }

    private synchronized JsonObject built() {
        if (builder != null) {
            body = builder.get();
            builder = null;
            body.put("type", type);
            applicationId.ifPresent(id -> body.put("application_id", id));
        }
        return body;
    }

    @Override
    public String toString() {
        return "ApplicationEvent[" + type + ", " + applicationId.orElse("no application") + "]";
    }
}
