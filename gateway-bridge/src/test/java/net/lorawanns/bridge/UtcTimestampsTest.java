package net.lorawanns.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast timestamp parser must agree with the JDK's {@link Instant#parse} on every input. */
class UtcTimestampsTest {
    private static final String[] SAMPLES = {"2013-03-31T16:21:17.528002Z", "2013-03-31T16:21:17Z",
        "2024-02-29T23:59:59.9Z", "1980-01-06T00:00:00.000000001Z", "2024-05-14T10:11:12.123456789Z",
        "2024-05-14T10:11:12+02:00", "2023-02-29T00:00:00Z", "2013-13-31T16:21:17Z", "2013-03-31T24:00:00Z",
        "2013-03-31T25:00:00Z", "2013-03-31T16:21:17.Z", "2013-03-31T16:21:17.1234567890Z", "2013-03-31 16:21:17Z",
        "2013-03-31T16:21:1xZ", "garbage", ""};

    @Test
    void agreesWithInstantParseOnSamples() {
        for (String text : SAMPLES) {
            assertEquals(jdk(text), UtcTimestamps.parse(text), text);
        }
        assertNotNull(UtcTimestamps.parse(SAMPLES[0]));
    }

    @Test
    void agreesWithInstantParseOnMutations() {
        Random random = new Random(7);
        String alphabet = "0123456789-:TZ.+ x";
        for (int i = 0; i < 100_000; i++) {
            char[] text = SAMPLES[random.nextInt(5)].toCharArray();
            text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            String mutated = new String(text);
            assertEquals(jdk(mutated), UtcTimestamps.parse(mutated), mutated);
        }
    }

    private static Instant jdk(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
