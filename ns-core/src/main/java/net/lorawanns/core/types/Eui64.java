package net.lorawanns.core.types;

/** An IEEE EUI-64 (DevEUI, JoinEUI, gateway EUI). Displayed big-endian, sent little-endian. */
public record Eui64(long value) implements Comparable<Eui64> {
    public static final int SIZE = 8;

    public static Eui64 parse(String text) {
        return new Eui64(Hex.parseUnsigned(text, SIZE, "EUI-64"));
    }

    public static Eui64 fromWire(byte[] bytes, int offset) {
        return new Eui64(LittleEndian.read(bytes, offset, SIZE));
    }

    /** Reads the big-endian form (as in the Semtech UDP header or a display string's bytes). */
    public static Eui64 fromBigEndian(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < SIZE; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return new Eui64(value);
    }

    public void toWire(byte[] target, int offset) {
        LittleEndian.write(value, target, offset, SIZE);
    }

    public byte[] toBigEndian() {
        byte[] out = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            out[i] = (byte) (value >>> (8 * (SIZE - 1 - i)));
        }
        return out;
    }

    /** The hex nibbles, lowest first, as Backend Interfaces 1.0 section 19.1 builds DNS names from them. */
    public String reversedNibbles() {
        StringBuilder out = new StringBuilder(31);
        for (int i = 0; i < 16; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(Character.forDigit((int) (value >>> (4 * i)) & 0xF, 16));
        }
        return out.toString();
    }

    @Override
    public int compareTo(Eui64 other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Hex.format(value, SIZE);
    }
}
