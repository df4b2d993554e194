package net.lorawanns.core.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the API requests refused before their route ran, as {@code lorawan_api_requests_refused_total} by reason:
 * {@code no_key} (no bearer token), {@code unknown_key}, {@code revoked}, {@code scope} (the key's scope does not
 * allow the request).
 */
final class ApiRefusals {
    private final Counter noKey;
    private final Counter unknownKey;
    private final Counter revoked;
    private final Counter scope;

    ApiRefusals(MeterRegistry registry) {
        this.noKey = counter(registry, "no_key");
        this.unknownKey = counter(registry, "unknown_key");
        this.revoked = counter(registry, "revoked");
        this.scope = counter(registry, "scope");
    }

    private static Counter counter(MeterRegistry registry, String reason) {
        return Counter.builder("lorawan.api.requests.refused")
                .description("API requests refused before their route ran, by reason").tag("reason", reason)
                .register(registry);
    }

    void noKey() {
        noKey.increment();
    }

    void unknownKey() {
        unknownKey.increment();
    }

    void revoked() {
        revoked.increment();
    }

    void scope() {
        scope.increment();
    }
}
