package net.lorawanns.core.types;

/**
 * A 24-bit LoRa Alliance NetID: 3-bit type and 21-bit ID (LoRaWAN Backend Interfaces 1.0 section 13).
 * The NwkID carried in DevAddrs is the ID's low bits, as many as {@link DevAddrType#nwkIdBits()} says.
 */
public record NetId(int value) {
    public static final int SIZE = 3;

    public NetId {
        if (value < 0 || value > 0xFFFFFF) {
            throw new IllegalArgumentException("NetID must fit in 24 bits, got " + value);
        }
    }

    public static NetId parse(String text) {
        return new NetId((int) Hex.parseUnsigned(text, SIZE, "NetID"));
    }

    public static NetId fromWire(byte[] bytes, int offset) {
        return new NetId((int) LittleEndian.read(bytes, offset, SIZE));
    }

    public void toWire(byte[] target, int offset) {
        LittleEndian.write(value, target, offset, SIZE);
    }

    public int type() {
        return value >>> 21;
    }

    public DevAddrType devAddrType() {
        return DevAddrType.ofNetIdType(type());
    }

    public int nwkId() {
        return value & ((1 << devAddrType().nwkIdBits()) - 1);
    }

    /** The DevAddr prefix (AddrPrefix and NwkID) under which this network's devices get addresses. */
    public DevAddrPrefix devAddrPrefix() {
        DevAddrType type = devAddrType();
        int prefixBits = type.prefixBits() + type.nwkIdBits();
        int prefix = (type.prefixValue() << type.nwkIdBits()) | nwkId();
        return new DevAddrPrefix(new DevAddr(prefix << (32 - prefixBits)), prefixBits);
    }

    @Override
    public String toString() {
        return Hex.format(value, SIZE);
    }
}
