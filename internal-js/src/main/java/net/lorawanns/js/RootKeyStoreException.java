package net.lorawanns.js;

/** Stored root keys that cannot be read with this server's master key. The message names no key material. */
public final class RootKeyStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RootKeyStoreException(String message) {
        super(message);
    }
}
