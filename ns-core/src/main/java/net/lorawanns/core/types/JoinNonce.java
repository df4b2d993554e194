package net.lorawanns.core.types;

/** The 24-bit JoinNonce (AppNonce in LoRaWAN 1.0): a join server counter, never reused (LoRaWAN 1.1 section 6.2.3). */
public record JoinNonce(int value) {
    public static final int SIZE = 3;
    public static final int MAX = 0xFFFFFF;

    public JoinNonce {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("JoinNonce must fit in 24 bits, got " + value);
        }
    }

    public static JoinNonce fromWire(byte[] bytes, int offset) {
        return new JoinNonce((int) LittleEndian.read(bytes, offset, SIZE));
    }

    public void toWire(byte[] target, int offset) {
        LittleEndian.write(value, target, offset, SIZE);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
