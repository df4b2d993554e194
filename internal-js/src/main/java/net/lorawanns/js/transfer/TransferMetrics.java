package net.lorawanns.js.transfer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code lorawan_js_root_key_transfers_total{action, result}}: exports, unlocks and imports by outcome, one count per
 * device (an import refused as a whole for a JWE counts once, as {@code refused_jwe}). Tag values come from a fixed
 * set in {@link TransferApi}.
 */
final class TransferMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    TransferMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String action, String result) {
        counters.computeIfAbsent(action + "|" + result, k -> Counter.builder("lorawan.js.root.key.transfers")
                .description("Root-key exports, unlocks and imports of the built-in join server, by result")
                .tag("action", action).tag("result", result).register(registry)).increment();
    }
}
