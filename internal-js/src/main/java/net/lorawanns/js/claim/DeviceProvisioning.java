package net.lorawanns.js.claim;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.audit.AuditAction;
import net.lorawanns.js.audit.AuditEntry;
import net.lorawanns.js.audit.AuditLog;

/**
 * Stores the devices of a checked provisioning manifest unclaimed, each atomically with its root keys and owner token
 * ({@link ClaimStore#provision}), and records each stored device in the audit log's provisioning stream and each
 * refused row in its refused attempts' stream (neither in the life cycle's). A device refused (this network's own,
 * claimed, once claimed, or locked after an export) leaves the others stored: the result of every row is returned.
 * Futures complete on the Redis client's event loop.
 */
public final class DeviceProvisioning {
    private final RootKeyStore rootKeys;
    private final ClaimStore claims;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final Map<ClaimStore.ProvisionOutcome, Counter> counters = new ConcurrentHashMap<>();

    public DeviceProvisioning(RootKeyStore rootKeys, ClaimStore claims, AuditLog audit, MeterRegistry registry) {
        this.rootKeys = rootKeys;
        this.claims = claims;
        this.audit = audit;
        this.registry = registry;
    }

    /** The outcome of one manifest row. */
    public record Result(int row, Eui64 devEui, ClaimStore.ProvisionOutcome outcome) {
        public boolean stored() {
            return outcome == ClaimStore.ProvisionOutcome.PROVISIONED
                    || outcome == ClaimStore.ProvisionOutcome.REPROVISIONED;
        }
    }

    public Future<List<Result>> provision(List<ManifestDevice> devices, String who) {
        List<Future<Result>> results = new ArrayList<>();
        for (ManifestDevice device : devices) {
            results.add(claims.provision(device.devEui(), rootKeys.seal(device.devEui(), device.rootKeys()),
                    device.ownerToken()).compose(outcome -> {
                        counters.computeIfAbsent(outcome, o -> Counter.builder("lorawan.js.provisioned")
                                .description("Devices of provisioning manifests, by outcome")
                                .tag("outcome", o.wireName()).register(registry)).increment();
                        Result result = new Result(device.row(), device.devEui(), outcome);
                        if (!result.stored()) {
                            return audit.record(AuditEntry.of(AuditAction.PROVISION_REFUSED, device.devEui(), who,
                                    outcome.wireName())).map(result);
                        }
                        String detail = (outcome == ClaimStore.ProvisionOutcome.REPROVISIONED ? "re-provisioned, " : "")
                                + "JoinEUI " + device.rootKeys().joinEui() + ", LoRaWAN "
                                + device.rootKeys().macVersion();
                        return audit.record(AuditEntry.of(AuditAction.PROVISION, device.devEui(), who, detail))
                                .map(result);
                    }));
        }
        return Future.all(results).map(all -> results.stream().map(Future::result).toList());
    }
}
