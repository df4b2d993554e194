package net.lorawanns.core.uplink;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.RedisKeys;

/**
 * What a deduplication set is keyed by: the first half of the SHA-256 of the PHYPayload, and the frequency (one frame
 * on two frequencies is two transmissions). Made for every copy, so it holds numbers; its {@link #text} (part of the
 * set's Redis keys, which every instance of a cluster must agree on) is written only for the copy that opens a set,
 * straight into the keys' bytes.
 *
 * @param high the digest's bytes 0-7, big-endian
 * @param low the digest's bytes 8-15, big-endian
 */
record FrameId(long high, long low, long frequencyHz) implements RedisKeys.AsciiId {
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
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
        byte[] text = new byte[length()];
        writeTo(text, 0);
        return new String(text, StandardCharsets.US_ASCII);
    }

    @Override
    public int length() {
        return 33 + decimalLength(frequencyHz);
    }

    /** {@link #text}'s characters, with no String made (a set's keys are written from them). */
    @Override
    public void writeTo(byte[] into, int at) {
        at = writeHex(into, at, high);
        at = writeHex(into, at, low);
        into[at++] = ':';
        long rest = frequencyHz;
        if (rest < 0) {
            into[at] = '-';
        }
        // The digits from the last: a negative rest gives negative remainders.
        int digit = at + decimalLength(rest);
        do {
            into[--digit] = (byte) ('0' + Math.abs(rest % 10));
            rest /= 10;
        } while (rest != 0);
    }

    private static int writeHex(byte[] into, int at, long value) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            into[at++] = HEX_DIGITS[(int) (value >>> shift) & 0xF];
        }
        return at;
    }

    /** The characters of {@code value} in decimal, its '-' included. */
    private static int decimalLength(long value) {
        int length = value < 0 ? 2 : 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            length++;
        }
        return length;
    }
}
