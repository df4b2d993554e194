package net.lorawanns.bridge;

import java.util.Arrays;

/**
 * Decodes the base64 of an rxpk's {@code data} (RFC 4648 section 4, padding optional) from a JSON reader's
 * characters, with the rules of {@link java.util.Base64#getDecoder()}: the same texts are accepted and give the same
 * bytes. The decoded bytes go through a buffer kept for the next call, so that the one array made is the frame's.
 * One thread at a time (the bridge's event loop).
 */
final class Base64Chars {
    private static final int[] VALUES = new int[128];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private byte[] buffer = new byte[256];

    /** The decoded bytes, in a new array of their length. */
    byte[] decode(char[] text, int offset, int length) {
        int end = offset + length;
        if (buffer.length < length / 4 * 3 + 3) {
            buffer = new byte[length / 4 * 3 + 3];
        }
        int out = 0;
        int bits = 0;
        // Where the next character's 6 bits go: 18 at the start of a 4-character unit.
        int shift = 18;
        int at = offset;
        while (at < end) {
            char c = text[at++];
            int value = c < 128 ? VALUES[c] : -1;
            if (value < 0) {
                if (c != '=') {
                    throw new IllegalArgumentException("Illegal base64 character " + Integer.toString(c, 16));
                }
                // "xx==" and "xxx=" end the text; "=" at the start of a unit, or "xx=" without a second '=', do not.
                if (shift == 18 || shift == 6 && (at == end || text[at++] != '=')) {
                    throw new IllegalArgumentException("Input has wrong 4-byte ending unit");
                }
                break;
            }
            bits |= value << shift;
            shift -= 6;
            if (shift < 0) {
                buffer[out++] = (byte) (bits >> 16);
                buffer[out++] = (byte) (bits >> 8);
                buffer[out++] = (byte) bits;
                shift = 18;
                bits = 0;
            }
        }
        if (shift == 6) {
            buffer[out++] = (byte) (bits >> 16);
        } else if (shift == 0) {
            buffer[out++] = (byte) (bits >> 16);
            buffer[out++] = (byte) (bits >> 8);
        } else if (shift == 12) {
            throw new IllegalArgumentException("Last unit does not have enough valid bits");
        }
        if (at < end) {
            throw new IllegalArgumentException("Input has incorrect ending byte at " + (at - offset));
        }
        return Arrays.copyOf(buffer, out);
    }
}
