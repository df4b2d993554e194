package net.lorawanns.joinclient;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The substitution expression of a NAPTR record with flag U (RFC 3403 section 4.1: delimiter, ERE, delimiter,
 * substitution, delimiter, flags), applied to the looked-up name with bounded size and time. The expression comes
 * from whoever controls the DNS zone, and Java's regular expressions can backtrack for minutes on a crafted one, so the
 * match gives up at a deadline: the subject is read through a {@link CharSequence} that throws once the time is up.
 * Runs on the calling thread, which must be a worker, never an event loop.
 */
final class NaptrRegexp {
    /** A NAPTR regexp field is one DNS character-string: at most 255 octets (RFC 1035 section 3.3). */
    static final int MAX_EXPRESSION_CHARS = 255;
    /** A domain name is at most 255 octets (RFC 1035 section 2.3.4). */
    static final int MAX_SUBJECT_CHARS = 255;
    /** Back-references may repeat the subject; no join server URL needs more. */
    static final int MAX_RESULT_CHARS = 1024;

    /** Why an expression was not applied: the {@code reason} is a bounded metric tag. */
    static final class Refused extends Exception {
        private final String reason;

        Refused(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private NaptrRegexp() {
    }

    /**
     * The result of the expression on {@code subject}; empty when the expression does not match.
     *
     * @throws Refused when the expression is too long or malformed, the subject too long, the result too long, or the
     *                 match takes longer than {@code maxTime}
     */
    static Optional<String> apply(String expression, String subject, Duration maxTime) throws Refused {
        if (expression.length() > MAX_EXPRESSION_CHARS) {
            throw new Refused("regexp_too_long", "the regexp has " + expression.length() + " characters, more than "
                    + MAX_EXPRESSION_CHARS);
        }
        if (subject.length() > MAX_SUBJECT_CHARS) {
            throw new Refused("regexp_too_long", "the name has " + subject.length() + " characters, more than "
                    + MAX_SUBJECT_CHARS);
        }
        if (expression.length() < 3) {
            throw new Refused("regexp_malformed", "the regexp '" + expression + "' is not delim-ERE-delim-subst-delim");
        }
        String delimiter = Pattern.quote(expression.substring(0, 1));
        String[] parts = expression.substring(1).split(delimiter, -1);
        if (parts.length < 2) {
            throw new Refused("regexp_malformed", "the regexp '" + expression + "' is not delim-ERE-delim-subst-delim");
        }
        boolean ignoreCase = parts.length > 2 && parts[2].contains("i");
        long deadline = System.nanoTime() + maxTime.toNanos();
        try {
            Matcher matcher = Pattern.compile(parts[0], ignoreCase ? Pattern.CASE_INSENSITIVE : 0)
                    .matcher(new Deadlined(subject, deadline));
            if (!matcher.find()) {
                return Optional.empty();
            }
            // RFC 3403 back-references are \1..\9; Java's are $1..$9.
            String replacement = Matcher.quoteReplacement(parts[1]).replaceAll("\\\\\\\\(\\d)", "\\$$1");
            String result = matcher.replaceFirst(replacement);
            if (result.length() > MAX_RESULT_CHARS) {
                throw new Refused("regexp_too_long", "the regexp makes " + result.length() + " characters, more than "
                        + MAX_RESULT_CHARS);
            }
            return Optional.of(result);
        } catch (TimeUp e) {
            throw new Refused("regexp_timeout", "the regexp took more than " + maxTime.toMillis() + " ms");
        } catch (PatternSyntaxException | IndexOutOfBoundsException e) {
            throw new Refused("regexp_malformed", "the regexp '" + expression + "' is malformed: " + e.getMessage());
        }
    }

    private static final class TimeUp extends RuntimeException {
        TimeUp() {
            super(null, null, false, false);
        }
    }

    /** The subject, refusing to be read after the deadline. */
    private record Deadlined(String text, long deadlineNanos) implements CharSequence {
        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new TimeUp();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadlined(text.substring(start, end), deadlineNanos);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
