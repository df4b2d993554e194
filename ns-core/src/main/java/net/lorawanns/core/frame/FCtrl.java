package net.lorawanns.core.frame;

/**
 * Frame control flags (LoRaWAN 1.1 section 4.3.1). Bit 6 is ADRACKReq uplink and RFU downlink; bit 4 is
 * ClassB uplink and FPending downlink. FOptsLen is not stored: it is the length of the frame's FOpts.
 */
public record FCtrl(boolean adr, boolean adrAckReq, boolean ack, boolean classB, boolean fPending) {
    public static final FCtrl NONE = new FCtrl(false, false, false, false, false);

    public static FCtrl uplink(boolean adr, boolean adrAckReq, boolean ack, boolean classB) {
        return new FCtrl(adr, adrAckReq, ack, classB, false);
    }

    public static FCtrl downlink(boolean adr, boolean ack, boolean fPending) {
        return new FCtrl(adr, false, ack, false, fPending);
    }

    /** Every uplink FCtrl, by its octet's bits 7-4 (one per received frame otherwise). */
    private static final FCtrl[] UPLINKS = new FCtrl[16];

    static {
        for (int bits = 0; bits < 16; bits++) {
            UPLINKS[bits] = uplink((bits & 0x8) != 0, (bits & 0x4) != 0, (bits & 0x2) != 0, (bits & 0x1) != 0);
        }
    }

    static FCtrl decode(int octet, Direction direction) {
        boolean bit4 = (octet & 0x10) != 0;
        return direction == Direction.UPLINK
                ? UPLINKS[(octet >>> 4) & 0x0F]
                : downlink((octet & 0x80) != 0, (octet & 0x20) != 0, bit4);
    }

    int encode(Direction direction, int fOptsLen) {
        if (direction == Direction.UPLINK && fPending) {
            throw new IllegalArgumentException("FPending is a downlink flag");
        }
        if (direction == Direction.DOWNLINK && (adrAckReq || classB)) {
            throw new IllegalArgumentException("ADRACKReq and ClassB are uplink flags");
        }
        return (adr ? 0x80 : 0) | (adrAckReq ? 0x40 : 0) | (ack ? 0x20 : 0)
                | (classB || fPending ? 0x10 : 0) | fOptsLen;
    }
}
