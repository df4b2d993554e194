package net.lorawanns.core.region;

/** The ChMaskCntl and ChMask fields of one LinkADRReq (TS001 section 5.3; their meaning is per region in RP002). */
public record ChMaskBlock(int chMaskCntl, int chMask) {
    public ChMaskBlock {
        if (chMaskCntl < 0 || chMaskCntl > 7) {
            throw new IllegalArgumentException("ChMaskCntl is 3 bits, got " + chMaskCntl);
        }
        if (chMask < 0 || chMask > 0xFFFF) {
            throw new IllegalArgumentException("ChMask is 16 bits, got " + chMask);
        }
    }
}
