package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link AsciiDecimal} writes what {@link Integer#toString(int)} and {@link Double#toString(double)} write. */
class AsciiDecimalTest {
    @Test
    void integersAsIntegerToString() {
        int[] values = {0, 1, -1, 9, 10, -10, 127, -128, -57, -104, 99_999, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (int value : values) {
            assertEquals(Integer.toString(value), written(value), "for " + value);
        }
        Random random = new Random(16);
        for (int i = 0; i < 10_000; i++) {
            int value = random.nextInt();
            assertEquals(Integer.toString(value), written(value), "for " + value);
        }
    }

    /** Every whole number of tenths written from its digits, as Double.toString writes it. */
    @Test
    void everyTenthAsDoubleToString() {
        for (long tenths = -AsciiDecimal.MAX_TENTHS; tenths <= AsciiDecimal.MAX_TENTHS; tenths++) {
            double value = tenths / 10.0;
            assertEquals(Double.toString(value), written(value), "for " + tenths + " tenths");
        }
    }

    @Test
    void otherDoublesAsDoubleToString() {
        double[] values = {-0.0, 0.0, 9.75, -7.25, 0.05, 1e-5, 1e7, -1e7, 12345.6, 1e300, Double.MIN_VALUE,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2};
        for (double value : values) {
            assertEquals(Double.toString(value), written(value), "for " + value);
        }
        Random random = new Random(16);
        for (int i = 0; i < 10_000; i++) {
            double value = (random.nextDouble() - 0.5) * 60;
            assertEquals(Double.toString(value), written(value), "for " + value);
        }
    }

    private static String written(int value) {
        byte[] out = new byte[AsciiDecimal.length(value)];
        assertEquals(out.length, AsciiDecimal.write(value, out, 0));
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static String written(double value) {
        byte[] out = new byte[AsciiDecimal.length(value) + 2];
        assertEquals(out.length - 1, AsciiDecimal.write(value, out, 1), "ends where its length says");
        return new String(out, 1, out.length - 2, StandardCharsets.US_ASCII);
    }
}
