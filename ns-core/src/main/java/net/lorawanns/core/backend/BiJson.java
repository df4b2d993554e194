package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.types.Hex;

/**
 * Field access for Backend Interfaces JSON (TS002-1.1 section 17): hex in either case with or without {@code 0x},
 * every problem a {@link MalformedMessageException} that names the field.
 */
public final class BiJson {
    private BiJson() {
    }

    public static JsonObject parse(String body) {
        try {
            return new JsonObject(body);
        } catch (RuntimeException e) {
            throw new MalformedMessageException("the body is not a JSON object");
        }
    }

    public static String text(JsonObject json, String field) {
        return optionalText(json, field).orElseThrow(() -> new MalformedMessageException(field + " is missing"));
    }

    public static Optional<String> optionalText(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new MalformedMessageException(field + " must be a string");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    public static long number(JsonObject json, String field) {
        return optionalNumber(json, field).orElseThrow(() -> new MalformedMessageException(field + " is missing"));
    }

    /** A number, also accepted as decimal text (some peers quote TransactionID). */
    public static Optional<Long> optionalNumber(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number number && number.doubleValue() == number.longValue()) {
            return Optional.of(number.longValue());
        }
        if (value instanceof String text) {
            try {
                return Optional.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new MalformedMessageException(field + " must be a whole number, got '" + text + "'");
            }
        }
        throw new MalformedMessageException(field + " must be a whole number");
    }

    /** Hex of any even length; {@code secret} keeps the value out of the error message. */
    public static byte[] hex(JsonObject json, String field, boolean secret) {
        String text = text(json, field);
        try {
            return Hex.decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(field + " must be hex" + (secret ? "" : ", got '" + text + "'"));
        }
    }

    /** Exactly {@code bytes} bytes of hex. */
    public static byte[] hex(JsonObject json, String field, int bytes) {
        try {
            return Hex.decode(text(json, field), bytes, field, false);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    public static Optional<KeyEnvelope> envelope(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof JsonObject envelope)) {
            throw new MalformedMessageException(field + " must be a KeyEnvelope object");
        }
        String label = optionalText(envelope, "KEKLabel").orElse("");
        byte[] key = hex(envelope, "AESKey", true);
        int expected = label.isEmpty() ? 16 : 24;
        if (key.length != expected) {
            throw new MalformedMessageException(field + ".AESKey must be " + expected + " bytes "
                    + (label.isEmpty() ? "(a key in clear)" : "(a wrapped key)") + ", got " + key.length);
        }
        return Optional.of(new KeyEnvelope(label, key));
    }

    public static JsonObject envelope(KeyEnvelope envelope) {
        return new JsonObject().put("KEKLabel", envelope.kekLabel()).put("AESKey", Hex.lower(envelope.aesKey()));
    }
}
