package net.lorawanns.deploy;

import java.util.List;
import net.lorawanns.config.InternalJsSettings;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.types.AesKey;

/** The configured master key and its predecessors, as the cipher that seals and opens records at rest. */
final class MasterKeys {
    private MasterKeys() {
    }

    /** Needs {@code internal_js.master_key} to be set. */
    static AtRestCipher cipher(InternalJsSettings js) {
        MasterKey current = new MasterKey(js.masterKeyId(), AesKey.parse(js.masterKey().reveal(), "internal_js.master_key"));
        List<MasterKey> previous = js.previousMasterKeys().stream()
                .map(k -> new MasterKey(k.id(), AesKey.parse(k.key().reveal(), "previous master key " + k.id())))
                .toList();
        return new AtRestCipher(current, previous);
    }
}
