package net.lorawanns.core.frame;

/** Join-accept DLSettings: OptNeg (LoRaWAN 1.1, RFU before), RX1DRoffset, RX2DataRate (LoRaWAN 1.1 section 6.2.3). */
public record DlSettings(boolean optNeg, int rx1DrOffset, int rx2DataRate) {
    public DlSettings {
        if (rx1DrOffset < 0 || rx1DrOffset > 7) {
            throw new IllegalArgumentException("RX1DRoffset must be 0-7, got " + rx1DrOffset);
        }
        if (rx2DataRate < 0 || rx2DataRate > 15) {
            throw new IllegalArgumentException("RX2DataRate must be 0-15, got " + rx2DataRate);
        }
    }

    public static DlSettings decode(int octet) {
        return new DlSettings((octet & 0x80) != 0, (octet >>> 4) & 0x07, octet & 0x0F);
    }

    public int encode() {
        return (optNeg ? 0x80 : 0) | (rx1DrOffset << 4) | rx2DataRate;
    }
}
