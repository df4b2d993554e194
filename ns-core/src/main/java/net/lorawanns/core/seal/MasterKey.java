package net.lorawanns.core.seal;

import java.util.Objects;
import net.lorawanns.core.types.AesKey;

/**
 * The key that seals secrets at rest ({@code internal_js.master_key}), with the ID stored beside every record it
 * sealed so that a rotation can tell old records from new.
 */
public record MasterKey(String id, AesKey key) {
    public MasterKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + ", ****]";
    }
}
