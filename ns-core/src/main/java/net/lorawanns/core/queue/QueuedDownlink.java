package net.lorawanns.core.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One application downlink waiting in a device's queue.
 *
 * @param fPort 1-223 (FPort 0 carries MAC commands, 224 is the test port, 225-255 are reserved: LoRaWAN 1.0.4
 *              section 4.3.2)
 * @param payload the FRMPayload in clear, or already encrypted by the application when {@link #encryption} is
 *                present
 * @param encryption present when the application encrypted the payload with the AppSKey itself: the AFCntDown
 *                   (FCntDown in 1.0) it used, and the session whose AppSKey it was; the payload then goes out
 *                   untouched, with that counter, or not at all
 * @param expiresAt after this the item is not sent but dropped with a {@code downlink_failed} event
 * @param attempts how many times a confirmed item went out unacknowledged and was queued again
 */
public record QueuedDownlink(DownlinkId id, int fPort, byte[] payload, boolean confirmed,
                             Optional<ApplicationEncryption> encryption, Instant enqueuedAt,
                             Optional<Instant> expiresAt, int attempts) {
    public static final int MIN_F_PORT = 1;
    public static final int MAX_F_PORT = 223;

    /** An application-encrypted payload's counter and session. */
    public record ApplicationEncryption(long fCnt, String sessionId) {
        public ApplicationEncryption {
            if (fCnt < 0 || fCnt > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("f_cnt is a 32-bit counter, got " + fCnt);
            }
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    public QueuedDownlink {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (fPort < MIN_F_PORT || fPort > MAX_F_PORT) {
            throw new IllegalArgumentException("f_port must be " + MIN_F_PORT + "-" + MAX_F_PORT + ", got " + fPort);
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int size() {
        return payload.length;
    }

    /** The counter an application-encrypted item must go out with. */
    public OptionalLong applicationFCnt() {
        return encryption.map(e -> OptionalLong.of(e.fCnt())).orElse(OptionalLong.empty());
    }

    public boolean expired(Instant now) {
        return expiresAt.map(now::isAfter).orElse(false);
    }

    /** The same item, queued again after an unacknowledged attempt. */
    public QueuedDownlink retried() {
        return new QueuedDownlink(id, fPort, payload, confirmed, encryption, enqueuedAt, expiresAt, attempts + 1);
    }

    /** As stored in Redis and shown by the API (the payload in base64: it is application data, not a key). */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id.toString()).put("f_port", fPort)
                .put("data", Base64.getEncoder().encodeToString(payload)).put("confirmed", confirmed)
                .put("enqueued_at", enqueuedAt.toString()).put("attempts", attempts);
        encryption.ifPresent(e -> json.put("encrypted", true).put("f_cnt", e.fCnt()).put("session_id", e.sessionId()));
        expiresAt.ifPresent(at -> json.put("expires_at", at.toString()));
        return json;
    }

    public static QueuedDownlink fromJson(JsonObject json) {
        Optional<ApplicationEncryption> encryption = json.getBoolean("encrypted", false)
                ? Optional.of(new ApplicationEncryption(json.getLong("f_cnt"), json.getString("session_id")))
                : Optional.empty();
        return new QueuedDownlink(DownlinkId.parse(json.getString("id")), json.getInteger("f_port"),
                Base64.getDecoder().decode(json.getString("data")), json.getBoolean("confirmed", false), encryption,
                Instant.parse(json.getString("enqueued_at")),
                Optional.ofNullable(json.getString("expires_at")).map(Instant::parse), json.getInteger("attempts", 0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QueuedDownlink that && id.equals(that.id) && fPort == that.fPort
                && Arrays.equals(payload, that.payload) && confirmed == that.confirmed
                && encryption.equals(that.encryption) && enqueuedAt.equals(that.enqueuedAt)
                && expiresAt.equals(that.expiresAt) && attempts == that.attempts;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "QueuedDownlink[" + id + " FPort " + fPort + ", " + payload.length + " bytes"
                + (confirmed ? ", confirmed" : "") + (encryption.isPresent() ? ", encrypted" : "") + "]";
    }
}
