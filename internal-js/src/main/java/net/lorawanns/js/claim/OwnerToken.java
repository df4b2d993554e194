package net.lorawanns.js.claim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The claim authentication code of a device (TR005's OwnerToken): proof that whoever presents it holds the device
 * (its label or its box). Its text never appears in {@link #toString()}, errors or logs. It is printable ASCII
 * without the QR code's field separators (space, ':' and '%'), so that any token can be carried in a TR005 QR
 * code's {@code O} field.
 */
public final class OwnerToken {
    /** Longest token accepted: far above any label's, short enough to bound what is hashed per attempt. */
    public static final int MAX_LENGTH = 64;
    /** Shortest token accepted: below this a token is guessed within the rate limit's patience. */
    public static final int MIN_LENGTH = 6;

    private final byte[] bytes;

    private OwnerToken(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The token; a malformed one is refused without repeating it. */
    public static OwnerToken of(String text) {
        if (text == null || text.length() < MIN_LENGTH || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an owner token is " + MIN_LENGTH + "-" + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~' || c == ':' || c == '%') {
                throw new IllegalArgumentException("an owner token is printable ASCII without space, ':' or '%' "
                        + "(character " + (i + 1) + " is not)");
            }
        }
        return new OwnerToken(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A copy of the token's bytes, for hashing only. */
    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OwnerToken token && MessageDigest.isEqual(bytes, token.bytes);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "OwnerToken[****]";
    }
}
