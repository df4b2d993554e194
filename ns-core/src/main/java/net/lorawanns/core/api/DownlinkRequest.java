package net.lorawanns.core.api;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import net.lorawanns.core.queue.DownlinkId;
import net.lorawanns.core.queue.QueuedDownlink;

/**
 * The body of {@code POST /devices/{DevEUI}/queue}, each field checked: {@code f_port} 1-223, {@code data} base64,
 * {@code confirmed} (default false), {@code expires_at} (RFC 3339, in the future), and for a payload the application
 * encrypted with the AppSKey itself, {@code encrypted: true} with the {@code f_cnt} it used. A refusal is a 400 whose
 * message starts with the field.
 *
 * @param applicationFCnt present when the application encrypted {@code data}: the AFCntDown (FCntDown in LoRaWAN
 *                        1.0) it encrypted with
 */
record DownlinkRequest(int fPort, byte[] data, boolean confirmed, Optional<Instant> expiresAt,
                       OptionalLong applicationFCnt) {
    private static final Set<String> FIELDS = Set.of("f_port", "data", "confirmed", "expires_at", "encrypted", "f_cnt");

    static DownlinkRequest parse(JsonObject body, Instant now) {
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw new ApiException(400, field + ": unknown field; a queue item has " + new TreeSet<>(FIELDS));
            }
        }
        Object port = body.getValue("f_port");
        if (port == null) {
            throw new ApiException(400, "f_port: is required (" + QueuedDownlink.MIN_F_PORT + "-"
                    + QueuedDownlink.MAX_F_PORT + ")");
        }
        // FPort 0 carries MAC commands, 224 is the test port, 225-255 are reserved (LoRaWAN 1.0.4 section 4.3.2).
        int fPort = (int) whole("f_port", port, QueuedDownlink.MIN_F_PORT, QueuedDownlink.MAX_F_PORT);
        Object data = body.getValue("data");
        if (!(data instanceof String base64)) {
            throw new ApiException(400, "data: is required (the payload in base64)");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "data: not base64 (" + e.getMessage() + ")");
        }
        boolean confirmed = flag(body, "confirmed");
        Optional<Instant> expiresAt = expiresAt(body.getValue("expires_at"), now);
        boolean encrypted = flag(body, "encrypted");
        Object fCnt = body.getValue("f_cnt");
        OptionalLong applicationFCnt = OptionalLong.empty();
        if (encrypted) {
            if (fCnt == null) {
                throw new ApiException(400, "f_cnt: is required with encrypted: the AFCntDown (FCntDown in LoRaWAN "
                        + "1.0) the payload was encrypted with");
            }
            applicationFCnt = OptionalLong.of(whole("f_cnt", fCnt, 0, 0xFFFF_FFFFL));
        } else if (fCnt != null) {
            throw new ApiException(400, "f_cnt: only with encrypted: true (the server counts the frames it encrypts)");
        }
        return new DownlinkRequest(fPort, payload, confirmed, expiresAt, applicationFCnt);
    }

    /**
     * The queue item, with the session whose AppSKey the application used when it encrypted the payload itself.
     */
    QueuedDownlink item(Optional<String> sessionId, Instant now) {
        Optional<QueuedDownlink.ApplicationEncryption> encryption = applicationFCnt.isPresent() ? Optional.of(
                new QueuedDownlink.ApplicationEncryption(applicationFCnt.getAsLong(), sessionId.orElseThrow()))
                : Optional.empty();
        return new QueuedDownlink(DownlinkId.random(), fPort, data, confirmed, encryption, now, expiresAt, 0);
    }

    private static long whole(String field, Object value, long min, long max) {
        boolean whole = value instanceof Integer || value instanceof Long
                || (value instanceof BigInteger big && big.bitLength() < 64);
        if (!whole) {
            throw new ApiException(400, field + ": must be a whole number from " + min + " to " + max + ", got "
                    + (value instanceof String ? "a string" : value));
        }
        long given = ((Number) value).longValue();
        if (given < min || given > max) {
            throw new ApiException(400, field + ": must be from " + min + " to " + max + ", got " + given);
        }
        return given;
    }

    private static boolean flag(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof Boolean)) {
            throw new ApiException(400, field + ": must be true or false");
        }
        return Boolean.TRUE.equals(value);
    }

    private static Optional<Instant> expiresAt(Object value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new ApiException(400, "expires_at: must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z");
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "expires_at: not an RFC 3339 time (e.g. 2026-01-31T12:00:00Z): " + text);
        }
        if (!at.isAfter(now)) {
            throw new ApiException(400, "expires_at: " + text + " is not in the future");
        }
        return Optional.of(at);
    }
}
