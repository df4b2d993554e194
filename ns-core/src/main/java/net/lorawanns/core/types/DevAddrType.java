package net.lorawanns.core.types;

/**
 * DevAddr layouts by NetID type: AddrPrefix, NwkID and NwkAddr widths
 * (Backend Interfaces 1.0 section 14, Table 2, with the errata "NwkId Length Fix for Type 3 and Type 4 NetIDs":
 * types 3 and 4 have 11 and 12 NwkID bits, not the 10 and 11 of LoRaWAN 1.1 section 6.1.1).
 */
public enum DevAddrType {
    TYPE_0(0, 1, 6),
    TYPE_1(1, 2, 6),
    TYPE_2(2, 3, 9),
    TYPE_3(3, 4, 11),
    TYPE_4(4, 5, 12),
    TYPE_5(5, 6, 13),
    TYPE_6(6, 7, 15),
    TYPE_7(7, 8, 17);

    private final int netIdType;
    private final int prefixBits;
    private final int nwkIdBits;

    DevAddrType(int netIdType, int prefixBits, int nwkIdBits) {
        this.netIdType = netIdType;
        this.prefixBits = prefixBits;
        this.nwkIdBits = nwkIdBits;
    }

    public static DevAddrType ofNetIdType(int type) {
        return values()[type];
    }

    /** The type whose AddrPrefix (a run of ones ended by a zero) starts this address. */
    public static DevAddrType of(DevAddr devAddr) {
        int leadingOnes = Integer.numberOfLeadingZeros(~devAddr.value());
        return leadingOnes >= 8 ? null : values()[leadingOnes];
    }

    public int netIdType() {
        return netIdType;
    }

    /** Width of AddrPrefix: the type's number of leading one bits plus the terminating zero. */
    public int prefixBits() {
        return prefixBits;
    }

    /** AddrPrefix value: {@code prefixBits - 1} ones followed by a zero. */
    public int prefixValue() {
        return ((1 << (prefixBits - 1)) - 1) << 1;
    }

    public int nwkIdBits() {
        return nwkIdBits;
    }

    public int nwkAddrBits() {
        return 32 - prefixBits - nwkIdBits;
    }
}
