package net.lorawanns.core.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an API key may do: {@code admin} everything; {@code read-only} GET requests (and the event stream) outside key
 * management and the join server's routes; {@code application:ID} that application, its devices and their queues, its
 * events, and reading gateways and device profiles.
 */
public sealed interface ApiScope permits ApiScope.Admin, ApiScope.ReadOnly, ApiScope.Application {
    ApiScope ADMIN = new Admin();
    ApiScope READ_ONLY = new ReadOnly();

    /** The scope as written on the command line and in the API: {@code admin}, {@code read-only}, {@code application:ID}. */
    String text();

    /** The application this scope is limited to, if any. */
    default Optional<String> applicationId() {
        return Optional.empty();
    }

    /** Reads a scope's text; an unknown one is refused naming the three forms. */
    static ApiScope parse(String text) {
        if ("admin".equals(text)) {
            return ADMIN;
        }
        if ("read-only".equals(text)) {
            return READ_ONLY;
        }
        if (text != null && text.startsWith(Application.PREFIX)) {
            return new Application(text.substring(Application.PREFIX.length()));
        }
        throw new IllegalArgumentException("scope: must be admin, read-only or application:ID, got '" + text + "'");
    }

    record Admin() implements ApiScope {
        @Override
        public String text() {
            return "admin";
        }
    }

    record ReadOnly() implements ApiScope {
        @Override
        public String text() {
            return "read-only";
        }
    }

    /** @param id an application ID, as {@link net.lorawanns.core.device.Application} allows them */
    record Application(String id) implements ApiScope {
        static final String PREFIX = "application:";
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

        public Application {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("scope: application:ID needs an application ID of 1-64 letters, "
                        + "digits, '.', '_' or '-', got '" + PREFIX + id + "'");
            }
        }

        @Override
        public String text() {
            return PREFIX + id;
        }

        @Override
        public Optional<String> applicationId() {
            return Optional.of(id);
        }
    }
}
