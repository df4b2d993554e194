package net.lorawanns.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Extra HTTP header fields the operator gives (a join-server entry's {@code headers}, an application's webhook
 * headers): the name is a token, the value one line, and the fields the HTTP client sets itself stay its own.
 * Values may be credentials: no message repeats one.
 */
public final class HttpHeaderFields {
    /** RFC 9110 section 5.1: a field name is a token. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Set by the client itself; a configured field may not replace them. */
    private static final Set<String> RESERVED = Set.of("host", "content-type", "content-length", "transfer-encoding",
            "connection", "user-agent");

    /** The problem with one field, described without its value. */
    public enum Problem { NOT_A_NAME, RESERVED, NOT_ONE_LINE }

    private HttpHeaderFields() {
    }

    /** The first problem of a field, or null when it may be sent. */
    public static Problem problem(String name, String value) {
        if (name == null || !FIELD_NAME.matcher(name).matches()) {
            return Problem.NOT_A_NAME;
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return Problem.RESERVED;
        }
        if (value != null && value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            return Problem.NOT_ONE_LINE;
        }
        return null;
    }

    /** A message for {@code problem} of the field {@code name}. */
    public static String describe(String name, Problem problem) {
        return switch (problem) {
            case NOT_A_NAME -> "'" + name + "' is not an HTTP header name";
            case RESERVED -> name + " is set by the server itself";
            case NOT_ONE_LINE -> name + " must be one line (value not shown)";
        };
    }
}
