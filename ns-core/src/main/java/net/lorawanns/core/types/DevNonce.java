package net.lorawanns.core.types;

/**
 * The 16-bit DevNonce of a join-request: random in LoRaWAN 1.0.0-1.0.3, a counter from 1.0.4 and 1.1
 * (LoRaWAN 1.0.4 section 6.2.5).
 */
public record DevNonce(int value) {
    public static final int SIZE = 2;

    public DevNonce {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("DevNonce must fit in 16 bits, got " + value);
        }
    }

    public static DevNonce fromWire(byte[] bytes, int offset) {
        return new DevNonce((int) LittleEndian.read(bytes, offset, SIZE));
    }

    public void toWire(byte[] target, int offset) {
        LittleEndian.write(value, target, offset, SIZE);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
