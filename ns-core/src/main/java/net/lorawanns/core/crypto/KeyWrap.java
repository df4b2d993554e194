package net.lorawanns.core.crypto;

import net.lorawanns.core.types.AesKey;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.Wrapper;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/** RFC 3394 AES key wrap, as Backend Interfaces KeyEnvelopes carry session keys under a KEK. */
public final class KeyWrap {
    public static final int WRAPPED_SIZE = AesKey.SIZE + 8;

    private KeyWrap() {
    }

    public static byte[] wrap(AesKey kek, AesKey key) {
        Wrapper engine = new RFC3394WrapEngine(AESEngine.newInstance());
        engine.init(true, new KeyParameter(kek.bytes()));
        byte[] plain = key.bytes();
        return engine.wrap(plain, 0, plain.length);
    }

    /** Unwraps a 24-byte wrapped AES-128 key; fails when the integrity check fails (wrong KEK or damaged data). */
    public static AesKey unwrap(AesKey kek, byte[] wrapped) throws KeyUnwrapException {
        if (wrapped.length != WRAPPED_SIZE) {
            throw new KeyUnwrapException("a wrapped AES-128 key is 24 bytes, got " + wrapped.length);
        }
        Wrapper engine = new RFC3394WrapEngine(AESEngine.newInstance());
        engine.init(false, new KeyParameter(kek.bytes()));
        try {
            return AesKey.of(engine.unwrap(wrapped, 0, wrapped.length));
        } catch (InvalidCipherTextException e) {
            throw new KeyUnwrapException("the integrity check failed: wrong KEK or damaged key");
        }
    }

    /** Unwrapping failed; the message never contains key material. */
    public static final class KeyUnwrapException extends Exception {
        public KeyUnwrapException(String message) {
            super(message);
        }
    }
}
