package net.lorawanns.config;

import java.util.Objects;

/** A configured secret (key, password, API key). It prints as {@code ****} everywhere. */
public final class Secret {
    public static final String MASK = "****";
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** The secret in clear, for the one place that uses it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                secret.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
