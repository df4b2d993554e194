package net.lorawanns.bridge;

import com.fasterxml.jackson.core.io.NumberInput;
import java.time.Instant;
import java.util.List;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.types.Eui64;

/**
 * Reads the PUSH_DATA body every forwarder sends for its uplinks straight from the datagram's bytes, without a
 * parser made per datagram: an object whose {@code rxpk} array holds objects of strings, numbers and skipped values
 * (PROTOCOL.TXT section 4). It takes only strict JSON (RFC 8259) in ASCII, strings without escapes, no {@code stat}
 * and no {@code rsig}, numbers with at most 18 integer digits; for anything else, well-formed or not, it reads
 * nothing and says so, and the decoder's Jackson parser reads the datagram instead, with the same results for what
 * both read and its reasons for what it refuses. One thread at a time (the bridge's event loop).
 */
final class DirectPushDataReader {
    /** The rxpk field names {@link RxpkFields} knows, as the Strings it is switched on. */
    private static final String[] RXPK_FIELDS = {"time", "tmms", "tmst", "ftime", "freq", "chan", "rfch", "stat",
            "modu", "datr", "codr", "rssi", "rssis", "lsnr", "foff", "size", "data", "rsig"};
    /** Nesting of skipped values beyond this is left to the parser (which has its own limit). */
    private static final int MAX_DEPTH = 32;
    /** Longer numbers are left to the parser. */
    private static final int MAX_NUMBER_LENGTH = 64;
    private static final int MAX_LONG_DIGITS = 18;

    private final RxpkFields rxpk;
    private final JsonValue value = new JsonValue();
    /** A string or number value's characters, for {@link #value}. */
    private char[] chars = new char[256];
    private byte[] in;
    private int at;
    private int end;
    /** The last string read: its bytes are {@code in[stringStart, stringEnd)}. */
    private int stringStart;
    private int stringEnd;

    DirectPushDataReader(RxpkFields rxpk) {
        this.rxpk = rxpk;
    }

    /**
     * Reads the body into {@code frames} and {@code rejected}; false when it is not of the shape this reader takes
     * (what it added to the lists by then is to be dropped).
     */
    boolean read(byte[] datagram, int offset, int length, Eui64 gateway, Instant receivedAt,
                 List<UplinkFrame> frames, List<PushData.RejectedRxpk> rejected) {
        in = datagram;
        at = offset;
        end = offset + length;
        try {
            return body(gateway, receivedAt, frames, rejected);
        } finally {
            in = null;
        }
    }

    private boolean body(Eui64 gateway, Instant receivedAt, List<UplinkFrame> frames,
                         List<PushData.RejectedRxpk> rejected) {
        skipSpace();
        if (!take('{')) {
            return false;
        }
        skipSpace();
        if (!take('}')) {
            do {
                skipSpace();
                if (!string()) {
                    return false;
                }
                boolean isRxpk = stringIs("rxpk");
                if (stringIs("stat") || !colon()) {
                    return false;
                }
                if (isRxpk ? !rxpkArray(gateway, receivedAt, frames, rejected) : !skipValue(0)) {
                    return false;
                }
                skipSpace();
            } while (take(','));
            if (!take('}')) {
                return false;
            }
        }
        skipSpace();
        return at == end;
    }

    private boolean rxpkArray(Eui64 gateway, Instant receivedAt, List<UplinkFrame> frames,
                              List<PushData.RejectedRxpk> rejected) {
        if (!take('[')) {
            return false;
        }
        skipSpace();
        if (take(']')) {
            return true;
        }
        do {
            skipSpace();
            if (!rxpkObject()) {
                return false;
            }
            rxpk.collect(gateway, receivedAt, frames, rejected);
            skipSpace();
        } while (take(','));
        return take(']');
    }

    private boolean rxpkObject() {
        if (!take('{')) {
            return false;
        }
        rxpk.clear();
        skipSpace();
        if (take('}')) {
            return true;
        }
        do {
            skipSpace();
            if (!string()) {
                return false;
            }
            String name = rxpkField();
            if ("rsig".equals(name) || !colon()) {
                return false;
            }
            if (name == null) {
                if (!skipValue(1)) {
                    return false;
                }
            } else {
                if (!value()) {
                    return false;
                }
                rxpk.field(name, value);
            }
            skipSpace();
        } while (take(','));
        return take('}');
    }

    /** The known field name the last string is, or null. */
    private String rxpkField() {
        for (String name : RXPK_FIELDS) {
            if (stringIs(name)) {
                return name;
            }
        }
        return null;
    }

    /** A value into {@link #value}: a string or number with its content, anything else skipped. */
    private boolean value() {
        if (at == end) {
            return false;
        }
        byte b = in[at];
        if (b == '"') {
            if (!string()) {
                return false;
            }
            int length = stringEnd - stringStart;
            value.string(ascii(stringStart, length), 0, length);
            return true;
        }
        if (b == '-' || b >= '0' && b <= '9') {
            return number();
        }
        // Skipping reads the numbers nested in an array or object into {@link #value}: marked other after it.
        boolean skipped = skipValue(1);
        value.other();
        return skipped;
    }

    /** A number (RFC 8259 section 6) into {@link #value}. */
    private boolean number() {
        int start = at;
        boolean negative = take('-');
        int digitsStart = at;
        if (take('0')) {
            // A leading zero stands alone.
        } else if (!digits()) {
            return false;
        }
        int integerDigits = at - digitsStart;
        boolean decimal = false;
        if (take('.')) {
            decimal = true;
            if (!digits()) {
                return false;
            }
        }
        if (take('e') || take('E')) {
            decimal = true;
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                return false;
            }
        }
        int length = at - start;
        if (length > MAX_NUMBER_LENGTH) {
            return false;
        }
        if (decimal) {
            value.decimal(NumberInput.parseDouble(ascii(start, length), 0, length, true));
            return true;
        }
        if (integerDigits > MAX_LONG_DIGITS) {
            return false;
        }
        long magnitude = 0;
        for (int i = digitsStart; i < at; i++) {
            magnitude = magnitude * 10 + (in[i] - '0');
        }
        long integer = negative ? -magnitude : magnitude;
        value.integer(integer, true, integer >= Integer.MIN_VALUE && integer <= Integer.MAX_VALUE, integer);
        return true;
    }

    /** One or more decimal digits. */
    private boolean digits() {
        int start = at;
        while (at < end && in[at] >= '0' && in[at] <= '9') {
            at++;
        }
        return at > start;
    }

    /**
     * Skips a value of any kind, checking its form; {@code depth} is how deep in objects and arrays it is (the body
     * is 0).
     */
    private boolean skipValue(int depth) {
        if (at == end) {
            return false;
        }
        return switch (in[at]) {
            case '"' -> string();
            case '{' -> depth < MAX_DEPTH && skipObject(depth + 1);
            case '[' -> depth < MAX_DEPTH && skipArray(depth + 1);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        };
    }

    private boolean skipObject(int depth) {
        at++;
        skipSpace();
        if (take('}')) {
            return true;
        }
        do {
            skipSpace();
            if (!string() || !colon() || !skipValue(depth)) {
                return false;
            }
            skipSpace();
        } while (take(','));
        return take('}');
    }

    private boolean skipArray(int depth) {
        at++;
        skipSpace();
        if (take(']')) {
            return true;
        }
        do {
            skipSpace();
            if (!skipValue(depth)) {
                return false;
            }
            skipSpace();
        } while (take(','));
        return take(']');
    }

    private boolean literal(String word) {
        if (end - at < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[at + i] != word.charAt(i)) {
                return false;
            }
        }
        at += word.length();
        return true;
    }

    /**
     * A string of printable ASCII without escapes; its content is then {@code in[stringStart, stringEnd)}. Control
     * characters, bytes over 0x7F (negative as Java bytes) and backslashes are left to the parser.
     */
    private boolean string() {
        if (!take('"')) {
            return false;
        }
        stringStart = at;
        while (at < end) {
            byte b = in[at];
            if (b == '"') {
                stringEnd = at++;
                return true;
            }
            if (b < 0x20 || b == '\\') {
                return false;
            }
            at++;
        }
        return false;
    }

    private boolean stringIs(String text) {
        if (stringEnd - stringStart != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (in[stringStart + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The name-separator and the space around it. */
    private boolean colon() {
        skipSpace();
        boolean found = take(':');
        skipSpace();
        return found;
    }

    /** {@code in[from, from + length)}, ASCII, as characters in {@link #chars}. */
    private char[] ascii(int from, int length) {
        if (chars.length < length) {
            chars = new char[Math.max(length, 2 * chars.length)];
        }
        for (int i = 0; i < length; i++) {
            chars[i] = (char) in[from + i];
        }
        return chars;
    }

    private boolean take(char c) {
        if (at < end && in[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    /** JSON's whitespace: space, tab, line feed, carriage return. */
    private void skipSpace() {
        while (at < end) {
            byte b = in[at];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            at++;
        }
    }
}
