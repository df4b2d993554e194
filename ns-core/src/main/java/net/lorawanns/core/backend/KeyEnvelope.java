package net.lorawanns.core.backend;

import java.util.Arrays;
import net.lorawanns.core.crypto.KeyWrap;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Hex;

/**
 * A Backend Interfaces KeyEnvelope {@code {KEKLabel, AESKey}} (TS002-1.1 section 6.4): an empty label means the key
 * in clear, a label means the key wrapped (RFC 3394, 24 bytes for a 16-byte key) with the KEK of that label.
 */
public record KeyEnvelope(String kekLabel, byte[] aesKey) {
    public KeyEnvelope {
        aesKey = aesKey.clone();
    }

    /** The key for a receiver: in clear for the empty label, else wrapped with the KEK of that label. */
    public static KeyEnvelope of(AesKey key, String kekLabel, java.util.Map<String, AesKey> keks) {
        if (kekLabel.isEmpty()) {
            return new KeyEnvelope("", key.bytes());
        }
        AesKey kek = keks.get(kekLabel);
        if (kek == null) {
            throw new IllegalArgumentException("no KEK with label '" + kekLabel + "'");
        }
        return new KeyEnvelope(kekLabel, KeyWrap.wrap(kek, key));
    }

    public boolean wrapped() {
        return !kekLabel.isEmpty();
    }

    @Override
    public byte[] aesKey() {
        return aesKey.clone();
    }

    /** The AESKey as hex: for wrapped envelopes only; a clear key is never printed. */
    public String wrappedKeyHex() {
        if (!wrapped()) {
            throw new IllegalStateException("a clear key is not shown");
        }
        return Hex.upper(aesKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyEnvelope that && kekLabel.equals(that.kekLabel)
                && Arrays.equals(aesKey, that.aesKey);
    }

    @Override
    public int hashCode() {
        return kekLabel.hashCode();
    }

    @Override
    public String toString() {
        return "KeyEnvelope[" + (wrapped() ? "wrapped with " + kekLabel : "clear ****") + "]";
    }
}
