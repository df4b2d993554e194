package net.lorawanns.js.transfer;

import java.util.Set;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.ClaimStore;

/**
 * What {@link TransferApi} works with.
 *
 * @param claims the devices' owners (owner tokens, rate limited), and where imported devices are claimed
 * @param kekLabels the labels of the configured KEKs, which an import's {@code as_kek_label} must name
 */
public record TransferServices(TransferKeyStore transferKeys, ExportLock locks, RootKeyImport imports,
                               ClaimStore claims, AuditLog audit, Set<String> kekLabels) {
    public TransferServices {
        kekLabels = Set.copyOf(kekLabels);
    }
}
