package net.lorawanns.core.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A confirmed downlink that went out and waits for the device's ACK: in its next uplink (Class A, LoRaWAN 1.0.4
 * section 4.3.1.2), or within the profile's Class C timeout. Kept in the session's hash (field {@code cd}), so that
 * it goes with the session and the counter step takes it atomically.
 *
 * @param fCnt the FCntDown (AFCntDown in 1.1) it went out with; ConfFCnt of a LoRaWAN 1.1 ACK
 * @param onAirAt when the frame goes on air (a Class B frame at its ping slot, long after the gateway took it): an
 *                uplink received before cannot acknowledge it
 * @param deadline when it counts as unacknowledged without an uplink (Class B and C); empty for Class A, whose
 *                 device answers in its next uplink
 */
public record PendingAck(QueuedDownlink item, long fCnt, Instant sentAt, Instant onAirAt,
                         Optional<Instant> deadline) {
    public PendingAck {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(onAirAt, "onAirAt");
        Objects.requireNonNull(deadline, "deadline");
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("item", item.toJson()).put("f_cnt", fCnt)
                .put("sent_at", sentAt.toString()).put("on_air_at", onAirAt.toString());
        deadline.ifPresent(at -> json.put("deadline", at.toString()));
        return json;
    }

    public static PendingAck fromJson(JsonObject json) {
        return new PendingAck(QueuedDownlink.fromJson(json.getJsonObject("item")), json.getLong("f_cnt"),
                Instant.parse(json.getString("sent_at")), Instant.parse(json.getString("on_air_at")),
                Optional.ofNullable(json.getString("deadline")).map(Instant::parse));
    }
}
