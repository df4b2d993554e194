package net.lorawanns.core.types;

import java.security.MessageDigest;
import java.util.Arrays;

/** A 128-bit AES key. Its bytes never appear in {@link #toString()}, errors or logs. */
public final class AesKey {
    public static final int SIZE = 16;
    private final byte[] bytes;

    private AesKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static AesKey of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("an AES-128 key must be 16 bytes, got " + bytes.length);
        }
        return new AesKey(bytes.clone());
    }

    public static AesKey of(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < SIZE) {
            throw new IllegalArgumentException("an AES-128 key needs 16 bytes from offset " + offset);
        }
        return new AesKey(Arrays.copyOfRange(bytes, offset, offset + SIZE));
    }

    /** Parses 32 hex digits; a malformed value is reported without repeating it. */
    public static AesKey parse(String text, String what) {
        return new AesKey(Hex.decode(text, SIZE, what, true));
    }

    /** A copy of the key bytes, for crypto primitives only. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * A slot among {@code slots} for a cache of material derived from this key (a key schedule), from a hash keyed by
     * {@code salt} (a random secret of the cache), so that which slot a key takes tells nothing of the key.
     */
    public int slot(long salt, int slots) {
        long hash = salt;
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001B3L;
            hash ^= hash >>> 29;
        }
        return (int) Math.floorMod(hash ^ (hash >>> 32), (long) slots);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AesKey key && MessageDigest.isEqual(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "AesKey[****]";
    }
}
