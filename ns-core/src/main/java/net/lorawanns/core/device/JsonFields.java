package net.lorawanns.core.device;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of a JSON object given through the API: unknown fields are refused, and every error is an
 * {@link IllegalArgumentException} whose message starts with the JSON field, e.g. {@code rx1_delay: must be an
 * integer from 1 to 15, got 0}.
 */
final class JsonFields {
    private final JsonObject json;

    JsonFields(JsonObject json, Set<String> known) {
        this.json = json;
        for (String field : json.fieldNames()) {
            if (!known.contains(field)) {
                throw new IllegalArgumentException(field + ": unknown field; known: " + new TreeSet<>(known));
            }
        }
    }

    Optional<String> string(String field) {
        Object value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(field + ": must be a string");
        }
        return Optional.of(text);
    }

    String requiredString(String field) {
        return string(field).filter(text -> !text.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(field + ": is required (a string)"));
    }

    boolean bool(String field, boolean absent) {
        Object value = present(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Boolean flag)) {
            throw new IllegalArgumentException(field + ": must be true or false");
        }
        return flag;
    }

    OptionalInt integer(String field, int min, int max, String unit) {
        OptionalLong value = whole(field, min, max, unit);
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    OptionalLong whole(String field, long min, long max, String unit) {
        Object value = present(field);
        if (value == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(whole(field, value, min, max, unit));
    }

    OptionalDouble number(String field, double min, double max, String unit) {
        Object value = present(field);
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw new IllegalArgumentException(field + ": must be a number");
        }
        double given = number.doubleValue();
        if (given < min || given > max) {
            throw new IllegalArgumentException(field + ": must be from " + min + " to " + max + unit + ", got "
                    + given);
        }
        return OptionalDouble.of(given);
    }

    /** A list of whole numbers, each checked as {@link #whole} checks one; empty when absent. */
    List<Long> wholeList(String field, long min, long max, String unit) {
        Object value = present(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException(field + ": must be a list");
        }
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            long element = whole(field + "[" + i + "]", array.getValue(i), min, max, unit);
            if (values.contains(element)) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + element + " is listed twice");
            }
            values.add(element);
        }
        return List.copyOf(values);
    }

    /** The value of a field given and not null; null otherwise. */
    Object present(String field) {
        return json.getValue(field);
    }

    /** A whole number from {@code min} to {@code max}, or an error naming {@code field}. */
    static long whole(String field, Object value, long min, long max, String unit) {
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(field + ": must be a whole number");
        }
        boolean whole = value instanceof Integer || value instanceof Long || value instanceof BigInteger;
        if (!whole) {
            throw new IllegalArgumentException(field + ": must be a whole number, got " + value);
        }
        boolean inLong = !(value instanceof BigInteger big) || big.bitLength() < 64;
        long given = number.longValue();
        if (!inLong || given < min || given > max) {
            throw new IllegalArgumentException(field + ": must be from " + min + " to " + max + unit + ", got "
                    + value);
        }
        return given;
    }
}
