package net.lorawanns.core.region;

/**
 * A region's maximum payload size tables (RP002-1.0.4, "Maximum payload size" of each region), as the M column per
 * data rate; 0 marks a data rate without a row (RFU, LR-FHSS, or "N/A" under the dwell-time limit).
 *
 * <p>Two facts shared by every RP002 table are not typed again: N is M - 8 (the 7-byte FHDR without FOpts and the
 * FPort byte), and the repeater-compatible table is the other one with M capped at 230 bytes.
 */
final class MaxPayloadTable {
    private static final int REPEATER_MAX_M = 230;
    private static final int MAC_HEADER_BYTES = 8;

    private final int[] withoutDwellTime;
    private final int[] withDwellTime;
    private final boolean dependsOnDwellTime;

    private MaxPayloadTable(int[] withoutDwellTime, int[] withDwellTime, boolean dependsOnDwellTime) {
        this.withoutDwellTime = withoutDwellTime.clone();
        this.withDwellTime = withDwellTime.clone();
        this.dependsOnDwellTime = dependsOnDwellTime;
    }

    /** A region without a dwell-time setting: one table whatever the dwell time. */
    static MaxPayloadTable of(int... m) {
        return new MaxPayloadTable(m, m, false);
    }

    /** A region with TxParamSetupReq: the tables for dwell time 0 (no limit) and 1 (400 ms). */
    static MaxPayloadTable withDwellTime(int[] withoutDwellTime, int[] withDwellTime) {
        return new MaxPayloadTable(withoutDwellTime, withDwellTime, true);
    }

    MaxPayload maxPayload(String region, int dr, boolean repeaterCompatible, boolean dwellTime) {
        int[] table = dwellTime ? withDwellTime : withoutDwellTime;
        int m = dr >= 0 && dr < table.length ? table[dr] : 0;
        if (m == 0) {
            throw new IllegalArgumentException(region + " has no maximum payload size for DR" + dr
                    + (dwellTime && dependsOnDwellTime ? " under the 400 ms dwell time" : ""));
        }
        if (repeaterCompatible) {
            m = Math.min(m, REPEATER_MAX_M);
        }
        return new MaxPayload(m, m - MAC_HEADER_BYTES);
    }
}
