package net.lorawanns.bridge;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses rxpk {@code time} values. Forwarders write ISO 8601 UTC with microseconds
 * ({@code 2013-03-31T16:21:17.528002Z}); that form is read directly, which allocates far less than
 * {@link Instant#parse}, and anything else falls back to it.
 */
final class UtcTimestamps {
    private UtcTimestamps() {
    }

    /** The instant, or null when the text is not an ISO 8601 timestamp. */
    static Instant parse(CharSequence text) {
        int length = text.length();
        if (length >= 20 && text.charAt(length - 1) == 'Z' && text.charAt(4) == '-' && text.charAt(7) == '-'
                && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = 0;
            boolean valid = year >= 0 && month >= 0 && day >= 0 && hour >= 0 && hour < 24 && minute >= 0
                    && minute < 60 && second >= 0 && second < 60;
            if (valid && length > 20) {
                int fractionDigits = length - 21;
                valid = text.charAt(19) == '.' && fractionDigits >= 1 && fractionDigits <= 9;
                int fraction = valid ? digits(text, 20, length - 1) : -1;
                valid = valid && fraction >= 0;
                if (valid) {
                    nanos = fraction;
                    for (int i = fractionDigits; i < 9; i++) {
                        nanos *= 10;
                    }
                }
            } else if (valid) {
                valid = length == 20;
            }
            if (valid) {
                try {
                    long days = LocalDate.of(year, month, day).toEpochDay();
                    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(CharSequence text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
