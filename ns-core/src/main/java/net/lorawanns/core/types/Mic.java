package net.lorawanns.core.types;

/** A 4-byte message integrity code, held and displayed in the order it is sent. */
public record Mic(int value) {
    public static final int SIZE = 4;

    public static Mic parse(String text) {
        return new Mic((int) Hex.parseUnsigned(text, SIZE, "MIC"));
    }

    /** The first four bytes of {@code bytes} from {@code offset}, as sent. */
    public static Mic of(byte[] bytes, int offset) {
        return new Mic(((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF));
    }

    public void write(byte[] target, int offset) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }

    @Override
    public String toString() {
        return Hex.format(value & 0xFFFFFFFFL, SIZE);
    }
}
