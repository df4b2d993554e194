package net.lorawanns.core.frame;

/** Message type, the MHDR's top three bits (LoRaWAN 1.1 section 4.2.1). */
public enum MType {
    JOIN_REQUEST,
    JOIN_ACCEPT,
    UNCONFIRMED_DATA_UP,
    UNCONFIRMED_DATA_DOWN,
    CONFIRMED_DATA_UP,
    CONFIRMED_DATA_DOWN,
    /** RFU in LoRaWAN 1.0. */
    REJOIN_REQUEST,
    PROPRIETARY;

    private static final MType[] BY_CODE = values();

    public static MType ofMhdr(int mhdr) {
        return BY_CODE[(mhdr >>> 5) & 0x07];
    }

    public int code() {
        return ordinal();
    }

    /** The MHDR byte for this type and Major = LoRaWAN R1. */
    public byte mhdr() {
        return (byte) (ordinal() << 5);
    }

    public boolean isData() {
        return this == UNCONFIRMED_DATA_UP || this == UNCONFIRMED_DATA_DOWN
                || this == CONFIRMED_DATA_UP || this == CONFIRMED_DATA_DOWN;
    }

    public boolean isUplink() {
        return this == JOIN_REQUEST || this == UNCONFIRMED_DATA_UP || this == CONFIRMED_DATA_UP
                || this == REJOIN_REQUEST;
    }

    public boolean isConfirmed() {
        return this == CONFIRMED_DATA_UP || this == CONFIRMED_DATA_DOWN;
    }
}
