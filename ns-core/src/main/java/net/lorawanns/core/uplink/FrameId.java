package net.lorawanns.core.uplink;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.lorawanns.core.gateway.UplinkFrame;

/**
 * What a deduplication set is keyed by: the first half of the SHA-256 of the PHYPayload, and the frequency (one frame
 * on two frequencies is two transmissions). Made for every copy, so it holds numbers; its {@link #text} (part of the
 * set's Redis keys, which every instance of a cluster must agree on) is written only for the copy that opens a set.
 *
 * @param high the digest's bytes 0-7, big-endian
 * @param low the digest's bytes 8-15, big-endian
 */
record FrameId(long high, long low, long frequencyHz) {
    private static final String HEX_DIGITS = "0123456789abcdef";
    /** Where {@link #of} puts the digest, per thread. */
    private static final ThreadLocal<byte[]> HASH = ThreadLocal.withInitial(() -> new byte[32]);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    static FrameId of(UplinkFrame frame) {
        MessageDigest digest = SHA256.get();
        frame.updateDigest(digest);
        byte[] hash = HASH.get();
        try {
            digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        return new FrameId(bigEndian(hash, 0), bigEndian(hash, 8), frame.frequencyHz());
    }

    private static long bigEndian(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    /** The 16 bytes in lower-case hex, ':' and the frequency in Hz: at most 32 + 1 + 20 characters. */
    String text() {
        StringBuilder text = new StringBuilder(53);
        appendHex(text, high);
        appendHex(text, low);
        return text.append(':').append(frequencyHz).toString();
    }

    private static void appendHex(StringBuilder text, long value) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            text.append(HEX_DIGITS.charAt((int) (value >>> shift) & 0xF));
        }
    }
}
