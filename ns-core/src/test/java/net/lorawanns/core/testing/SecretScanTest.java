package net.lorawanns.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scan must find what it looks for, or the tests that rely on it finding nothing prove nothing. */
class SecretScanTest {
    private static final byte[] SECRET = HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C");

    @Test
    void findsTheSecretInEachEncoding() {
        assertEquals(List.of("raw bytes"), SecretScan.find(concat("x".getBytes(), SECRET), SECRET));
        assertTrue(SecretScan.find("{\"k\":\"2B7E151628AED2A6ABF7158809CF4F3C\"}", SECRET).contains("hex (upper)"));
        assertTrue(SecretScan.find("k=2b7e151628aed2a6abf7158809cf4f3c", SECRET).contains("hex (lower)"));
        for (int shift = 0; shift < 3; shift++) {
            byte[] wrapped = concat(concat(new byte[shift], SECRET), "tail".getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("base64 (alignment " + shift + ")"),
                    SecretScan.find("{\"v\":\"" + Base64.getEncoder().encodeToString(wrapped) + "\"}", SECRET));
        }
        assertEquals(List.of(), SecretScan.find("nothing here", SECRET));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
