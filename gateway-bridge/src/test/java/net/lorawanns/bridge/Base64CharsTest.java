package net.lorawanns.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** rxpk data's base64 decoder must accept exactly what the JDK's basic decoder accepts, and give the same bytes. */
class Base64CharsTest {
    private static final String[] SAMPLES = {"QPF9vkkAAgABlUN4disR/w0=", "VEVTVF9QQUNLRVRfMTIzNA==",
        "ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass", "-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84", "QQ", "QQ=",
        "QQ==", "QUI", "QUI=", "QUJD", "Q", "Q=", "=", "", "QQ==QQ==", "QQ=A", "QUJD=", "QUJ\u00e9", "QU\u0100D"};

    @Test
    void agreesWithTheJdkOnSamples() {
        Base64Chars decoder = new Base64Chars();
        for (String text : SAMPLES) {
            assertAgree(decoder, text);
        }
        assertArrayEquals("TEST_PACKET_1234".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                decoder.decode(SAMPLES[1].toCharArray(), 0, SAMPLES[1].length()));
    }

    @Test
    void agreesWithTheJdkOnMutations() {
        Base64Chars decoder = new Base64Chars();
        Random random = new Random(4648);
        String alphabet = "AQz09+/=-_ \u00e9";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder(SAMPLES[random.nextInt(4)]);
            for (int edits = 1 + random.nextInt(3); edits > 0 && text.length() > 0; edits--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.deleteCharAt(at);
                    default -> text.setLength(at);
                }
            }
            assertAgree(decoder, text.toString());
        }
    }

    private static void assertAgree(Base64Chars decoder, String text) {
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            expected = null;
        }
        // Offset in a larger array, as in the parser's buffer.
        char[] chars = ("xx" + text + "yy").toCharArray();
        byte[] actual;
        try {
            actual = decoder.decode(chars, 2, text.length());
        } catch (IllegalArgumentException e) {
            actual = null;
        }
        if (expected == null || actual == null) {
            assertEquals(expected == null, actual == null, text);
        } else {
            assertArrayEquals(expected, actual, text);
        }
    }
}
