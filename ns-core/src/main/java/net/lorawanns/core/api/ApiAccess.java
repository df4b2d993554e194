package net.lorawanns.core.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the API: {@code adminKeys} (the configuration's {@code api.api_keys}, and a key made for the run of a
 * server on the embedded Redis) have the admin scope; {@code storedKeys}, when present, holds the keys made through
 * the API, each with its scope, and the API then serves {@code /api/v1/api-keys}. Refused requests are counted in
 * {@code registry}.
 */
public record ApiAccess(List<String> adminKeys, Optional<ApiKeyStore> storedKeys, MeterRegistry registry) {
    public ApiAccess {
        adminKeys = List.copyOf(adminKeys);
    }

    /** Counts the admin keys without showing them, so that the keys never reach a log through this record. */
    @Override
    public String toString() {
        return "ApiAccess[" + adminKeys.size() + " admin key(s), keys in Redis: " + storedKeys.isPresent() + "]";
    }
}
