package net.lorawanns.core.types;

import java.util.HexFormat;

/** Hex text for protocol values: either case, an optional {@code 0x} prefix (Backend Interfaces peers send both). */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();
    private static final HexFormat UPPER = HexFormat.of().withUpperCase();

    private Hex() {
    }

    /**
     * Decodes exactly {@code byteCount} bytes of hex.
     *
     * @param what names the value in the error message, e.g. "DevEUI"
     * @param secret when true the error message never repeats the input
     */
    public static byte[] decode(String text, int byteCount, String what, boolean secret) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.length() != byteCount * 2) {
            throw new IllegalArgumentException(what + " must be " + byteCount * 2 + " hex digits, got "
                    + digits.length() + (secret ? "" : ": '" + text + "'"));
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), 16) < 0) {
                throw new IllegalArgumentException(what + " has a non-hex character at position " + (i + 1)
                        + (secret ? "" : ": '" + text + "'"));
            }
        }
        return LOWER.parseHex(digits);
    }

    /** Decodes any even number of hex digits (for frames and payloads). */
    public static byte[] decode(String text) {
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex text must have an even number of digits, got " + digits.length());
        }
        return decode(digits, digits.length() / 2, "hex text", false);
    }

    public static String lower(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    public static String upper(byte[] bytes) {
        return UPPER.formatHex(bytes);
    }

    /** Parses hex into an unsigned big-endian number of {@code byteCount} bytes. */
    static long parseUnsigned(String text, int byteCount, String what) {
        byte[] bytes = decode(text, byteCount, what, false);
        long value = 0;
        for (byte b : bytes) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    static String format(long value, int byteCount) {
        return UPPER.toHexDigits(value).substring(16 - byteCount * 2);
    }
}
