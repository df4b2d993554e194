package net.lorawanns.core.types;

/** LoRaWAN sends multi-byte fields least significant byte first (LoRaWAN 1.0.4 section 4). */
public final class LittleEndian {
    private LittleEndian() {
    }

    public static long read(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    public static void write(long value, byte[] target, int offset, int length) {
        for (int i = 0; i < length; i++) {
            target[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
