package net.lorawanns.js.transfer;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link TransferApi} works with.
 *
 * @param caller the API caller's identity (never an API key), for the audit log and the lock
 * @param kekLabels the labels of the configured KEKs, which an import's {@code as_kek_label} must name
 */
public record TransferServices(TransferKeyStore transferKeys, ExportLock locks, RootKeyImport imports, Owners owners,
                               Audit audit, Function<RoutingContext, String> caller, Set<String> kekLabels) {
    public TransferServices {
        kekLabels = Set.copyOf(kekLabels);
    }
}
