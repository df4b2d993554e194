package net.lorawanns.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Looks for a secret in stored bytes in every encoding a careless writer might have used: the raw bytes, hex in
 * upper and lower case, and base64 (standard and URL alphabets) at each of the three byte alignments it can have
 * inside a longer base64 text.
 */
public final class SecretScan {
    private SecretScan() {
    }

    /** The encodings found, e.g. "hex (upper)"; empty when the secret does not appear. */
    public static List<String> find(byte[] stored, byte[] secret) {
        List<String> found = new ArrayList<>();
        if (indexOf(stored, secret) >= 0) {
            found.add("raw bytes");
        }
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        if (text.contains(HexFormat.of().withUpperCase().formatHex(secret))) {
            found.add("hex (upper)");
        }
        if (text.contains(HexFormat.of().formatHex(secret))) {
            found.add("hex (lower)");
        }
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[shift + secret.length];
            System.arraycopy(secret, 0, shifted, shift, secret.length);
            // Only the characters made of the secret's bits alone: 6 bits each, after the shift's 8 bits per byte.
            int first = (8 * shift + 5) / 6;
            int end = 8 * (shift + secret.length) / 6;
            String standard = Base64.getEncoder().encodeToString(shifted).substring(first, end);
            String url = Base64.getUrlEncoder().encodeToString(shifted).substring(first, end);
            if (text.contains(standard) || text.contains(url)) {
                found.add("base64 (alignment " + shift + ")");
            }
        }
        return found;
    }

    /** {@link #find} on text. */
    public static List<String> find(String stored, byte[] secret) {
        return find(stored.getBytes(StandardCharsets.UTF_8), secret);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
