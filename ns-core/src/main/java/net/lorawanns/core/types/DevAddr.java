package net.lorawanns.core.types;

/** A 32-bit device address: AddrPrefix | NwkID | NwkAddr (LoRaWAN 1.1 section 6.1.1). Displayed big-endian. */
public record DevAddr(int value) {
    public static final int SIZE = 4;

    public static DevAddr parse(String text) {
        return new DevAddr((int) Hex.parseUnsigned(text, SIZE, "DevAddr"));
    }

    public static DevAddr fromWire(byte[] bytes, int offset) {
        return new DevAddr((int) LittleEndian.read(bytes, offset, SIZE));
    }

    public void toWire(byte[] target, int offset) {
        LittleEndian.write(value, target, offset, SIZE);
    }

    /** The layout this address's prefix announces, or null for the reserved all-ones prefix. */
    public DevAddrType type() {
        return DevAddrType.of(this);
    }

    /** The NwkID field, or -1 when the address has no valid type prefix. */
    public int nwkId() {
        DevAddrType type = type();
        if (type == null) {
            return -1;
        }
        return (value >>> type.nwkAddrBits()) & ((1 << type.nwkIdBits()) - 1);
    }

    /** Whether this address was handed out by the network with this NetID. */
    public boolean belongsTo(NetId netId) {
        return netId.devAddrPrefix().contains(this);
    }

    @Override
    public String toString() {
        return Hex.format(value & 0xFFFFFFFFL, SIZE);
    }
}
