package net.lorawanns.js;

import java.util.Objects;
import net.lorawanns.core.types.AesKey;

/**
 * The key that encrypts root keys at rest, with the ID stored beside every record it encrypted so that a
 * rotation can tell old records from new.
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
