package net.lorawanns.core.device;

/**
 * Numbers in ASCII as {@link Integer#toString(int)} and {@link Double#toString(double)} write them, straight into a
 * byte array: no String on the way for values stored with every counter step. A double that is a whole number of
 * tenths (an SNR as gateways report it) is written from its digits; any other goes through {@code Double.toString}.
 * Any thread.
 */
final class AsciiDecimal {
    /** Beyond this many tenths either way, {@code Double.toString} writes the value (its test checks all below). */
    static final long MAX_TENTHS = 100_000;
    private static final long NOT_TENTHS = Long.MIN_VALUE;

    private AsciiDecimal() {
    }

    static int length(int value) {
        return (value < 0 ? 1 : 0) + digits(Math.abs((long) value));
    }

    /** Writes {@code value} at {@code at}; where it ends. */
    static int write(int value, byte[] out, int at) {
        if (value < 0) {
            out[at++] = '-';
        }
        return writeDigits(Math.abs((long) value), out, at);
    }

    static int length(double value) {
        long tenths = tenths(value);
        if (tenths == NOT_TENTHS) {
            return Double.toString(value).length();
        }
        return (negative(value) ? 1 : 0) + digits(tenths / 10) + 2;
    }

    /** Writes {@code value} at {@code at}; where it ends. */
    static int write(double value, byte[] out, int at) {
        long tenths = tenths(value);
        if (tenths == NOT_TENTHS) {
            String text = Double.toString(value);
            for (int i = 0; i < text.length(); i++) {
                out[at++] = (byte) text.charAt(i);
            }
            return at;
        }
        if (negative(value)) {
            out[at++] = '-';
        }
        at = writeDigits(tenths / 10, out, at);
        out[at++] = '.';
        out[at++] = (byte) ('0' + tenths % 10);
        return at;
    }

    /**
     * The magnitude of {@code value} in tenths when it is the double nearest to a whole number of tenths below
     * {@link #MAX_TENTHS} (Double.toString then writes it with one decimal); else {@link #NOT_TENTHS}.
     */
    private static long tenths(double value) {
        double scaled = Math.rint(value * 10);
        if (!(Math.abs(scaled) < MAX_TENTHS) || scaled / 10 != value) {
            return NOT_TENTHS;
        }
        return Math.abs((long) scaled);
    }

    /** Also for -0.0, which Double.toString writes with its sign. */
    private static boolean negative(double value) {
        return Double.doubleToRawLongBits(value) < 0;
    }

    private static int digits(long magnitude) {
        int digits = 1;
        for (long left = magnitude / 10; left > 0; left /= 10) {
            digits++;
        }
        return digits;
    }

    private static int writeDigits(long magnitude, byte[] out, int at) {
        int end = at + digits(magnitude);
        long rest = magnitude;
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return end;
    }
}
