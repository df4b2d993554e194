package net.lorawanns.core.mac;

import java.util.Map;
import java.util.SortedSet;

/**
 * JSON written straight to bytes, as Vert.x's {@code JsonObject.encode()} (Jackson) writes it compactly: no spaces,
 * numbers in decimal, and strings that need no escaping ({@link #plain}). A document is written twice: once to count
 * its bytes, then into an array of that size, so that nothing is allocated on the way but that array.
 * Confined to the thread that writes the document.
 */
final class CompactJson {
    private final byte[] out;
    private int size;
    /** The last byte written (also when only counting): a value after '{', '[' or ':' needs no comma. */
    private byte last;

    private CompactJson(byte[] out) {
        this.out = out;
    }

    /** A writer that only counts the bytes. */
    static CompactJson counting() {
        return new CompactJson(null);
    }

    /** A writer into an array of exactly the size a {@link #counting} writer counted. */
    static CompactJson into(int size) {
        return new CompactJson(new byte[size]);
    }

    int size() {
        return size;
    }

    /** The document; all of the array, which its counted size filled. */
    byte[] bytes() {
        if (size != out.length) {
            throw new IllegalStateException("wrote " + size + " bytes of " + out.length + " counted");
        }
        return out;
    }

    /** Whether {@code text} is printable ASCII without a quote or backslash: written as it is between quotes. */
    static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    CompactJson beginObject() {
        separate();
        put('{');
        return this;
    }

    CompactJson endObject() {
        put('}');
        return this;
    }

    CompactJson beginArray() {
        separate();
        put('[');
        return this;
    }

    CompactJson endArray() {
        put(']');
        return this;
    }

    CompactJson name(String name) {
        string(name);
        put(':');
        return this;
    }

    CompactJson value(long value) {
        separate();
        if (value < 0) {
            put('-');
        }
        digits(value);
        return this;
    }

    CompactJson value(boolean value) {
        separate();
        ascii(value ? "true" : "false");
        return this;
    }

    /** A {@link #plain} string. */
    CompactJson value(String plain) {
        string(plain);
        return this;
    }

    CompactJson array(SortedSet<Integer> values) {
        beginArray();
        for (int value : values) {
            value(value);
        }
        return endArray();
    }

    /** An object of integral numbers (Integer or Long; anything else is refused, not truncated) named by their keys. */
    CompactJson object(Map<Integer, ? extends Number> values) {
        beginObject();
        for (Map.Entry<Integer, ? extends Number> entry : values.entrySet()) {
            Number value = entry.getValue();
            if (!(value instanceof Long || value instanceof Integer)) {
                throw new IllegalArgumentException("not an integral number: " + value.getClass().getSimpleName());
            }
            name(Integer.toString(entry.getKey())).value(value.longValue());
        }
        return endObject();
    }

    private void string(String plain) {
        separate();
        put('"');
        ascii(plain);
        put('"');
    }

    private void separate() {
        if (size > 0 && last != '{' && last != '[' && last != ':') {
            put(',');
        }
    }

    /** The decimal digits of the magnitude of {@code value}, Long.MIN_VALUE included. */
    private void digits(long value) {
        long rest = value / 10;
        if (rest != 0) {
            digits(rest);
        }
        put((char) ('0' + Math.abs(value % 10)));
    }

    private void ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            put(text.charAt(i));
        }
    }

    private void put(char c) {
        if (out != null) {
            out[size] = (byte) c;
        }
        size++;
        last = (byte) c;
    }
}
