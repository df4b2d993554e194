package net.lorawanns.js.transfer;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.ClaimStore;

/**
 * What {@link TransferApi} works with.
 *
 * @param claims the devices' owners (owner tokens, rate limited), and where imported devices are claimed
 * @param kekLabels the labels of the configured KEKs, which an import's {@code as_kek_label} must name
 * @param registry where {@link TransferMetrics} counts
 */
public record TransferServices(TransferKeyStore transferKeys, ExportLock locks, RootKeyImport imports,
                               ClaimStore claims, AuditLog audit, Set<String> kekLabels, MeterRegistry registry) {
    public TransferServices {
        kekLabels = Set.copyOf(kekLabels);
    }
}
