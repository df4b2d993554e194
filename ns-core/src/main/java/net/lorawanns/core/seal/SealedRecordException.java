package net.lorawanns.core.seal;

/**
 * A sealed record that cannot be opened with this server's master keys: unknown key ID, wrong key, or altered.
 * The message names the configuration key to look at and never any key material.
 */
public final class SealedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SealedRecordException(String message) {
        super(message);
    }
}
