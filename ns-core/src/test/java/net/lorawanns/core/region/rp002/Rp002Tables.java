package net.lorawanns.core.region.rp002;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.function.Executable;

/**
 * Checks a {@link Region} against tables typed from the LoRaWAN Regional Parameters RP002-1.0.x text. The
 * tables live in the per-region test classes; this class only walks them, and checks each table's own
 * consistency first (so that a typing slip in a table fails as a slip, not as a server bug).
 */
final class Rp002Tables {

    /** A row of a "maximum payload size" table: data rate, M (max MACPayload), N (max FRMPayload). */
    record Payload(int dr, int m, int n) {
    }

    /** A row of a "TX data rate" table: DR index and the modulation, or null for RFU / LR-FHSS. */
    record Rate(int dr, DataRate dataRate) {
    }

    /**
     * The RX1 data-rate table shared by the dynamic plans with DR0-DR7 and RX1DROffset 0-5: RP002-1.0.4 sections
     * 2.4.7 (EU863-870), 2.6.7 (CN779-787), 2.7.7 (EU433) and 2.13.7 (RU864-870), each "downlink RX1 data rate
     * mapping" table; the same table is Table 33 of RP 1.0.3revA (EU433) and Table 17 of RP002-1.0.5 (EU868).
     * Rows: {uplink DR, RX1 DR for RX1DROffset 0, 1, 2, 3, 4, 5}.
     */
    static final int[][] RX1_DR0_TO_DR7_OFFSET_0_TO_5 = {
        {0, 0, 0, 0, 0, 0, 0},
        {1, 1, 0, 0, 0, 0, 0},
        {2, 2, 1, 0, 0, 0, 0},
        {3, 3, 2, 1, 0, 0, 0},
        {4, 4, 3, 2, 1, 0, 0},
        {5, 5, 4, 3, 2, 1, 0},
        {6, 6, 5, 4, 3, 2, 1},
        {7, 7, 6, 5, 4, 3, 2},
    };

    private Rp002Tables() {
    }

    static DataRate lora(int spreadingFactor, int bandwidthKhz) {
        return new DataRate.LoRa(spreadingFactor, bandwidthKhz * 1000);
    }

    static DataRate fsk50() {
        return new DataRate.Fsk(50_000);
    }

    static Rate rate(int dr, DataRate dataRate) {
        return new Rate(dr, dataRate);
    }

    /** RFU or an LR-FHSS data rate (not served: the contract answers IllegalArgumentException for both). */
    static Rate notServed(int dr) {
        return new Rate(dr, null);
    }

    static Payload payload(int dr, int m, int n) {
        return new Payload(dr, m, n);
    }

    /**
     * Every DR index of the table maps to its modulation and back; RFU and LR-FHSS indices are refused. In the
     * fixed plans (a table with DR8 and up) DR8-DR13 are downlink-only and DR0-DR7 uplink: US902-928 SF8/500 kHz
     * is DR4 up and DR12 down; in the dynamic plans every index is both.
     */
    static void assertDataRates(Region region, List<Rate> table) {
        boolean downlinkOnlyFrom8 = table.stream().anyMatch(row -> row.dataRate() != null && row.dr() >= 8);
        List<Executable> checks = new ArrayList<>();
        for (Rate row : table) {
            String cell = region.id() + " DR" + row.dr();
            if (row.dataRate() == null) {
                checks.add(() -> assertThrows(IllegalArgumentException.class, () -> region.dataRate(row.dr()),
                        cell + " is RFU or LR-FHSS"));
                continue;
            }
            checks.add(() -> assertEquals(row.dataRate(), region.dataRate(row.dr()), cell));
            if (row.dr() < 8) {
                checks.add(() -> assertEquals(row.dr(), region.uplinkDataRateIndex(row.dataRate()).orElse(-1),
                        cell + " as an uplink data rate"));
            }
            if (row.dr() >= 8 || !downlinkOnlyFrom8) {
                checks.add(() -> assertEquals(row.dr(), region.downlinkDataRateIndex(row.dataRate()).orElse(-1),
                        cell + " as a downlink data rate"));
            }
        }
        // TS001 defines DR15 (LinkADRReq "keep the current data rate"); it is no data rate of any region.
        checks.add(() -> assertThrows(IllegalArgumentException.class, () -> region.dataRate(15)));
        checks.add(() -> assertThrows(IllegalArgumentException.class, () -> region.dataRate(16)));
        checks.add(() -> assertThrows(IllegalArgumentException.class, () -> region.dataRate(-1)));
        assertAll(region.id() + " data rates", checks);
    }

    /**
     * An RX1 data-rate table as RP002 prints it: one row per uplink DR, {uplink DR, DR for RX1DROffset 0, 1, ...};
     * -1 marks a cell this test does not assert (explained where the table is typed).
     */
    static void assertRx1DataRates(Region region, int[][] table, boolean downlinkDwellTime) {
        List<Executable> checks = new ArrayList<>();
        for (int[] row : table) {
            int uplinkDr = row[0];
            for (int offset = 0; offset < row.length - 1; offset++) {
                int expected = row[offset + 1];
                if (expected < 0) {
                    continue;
                }
                int rx1DrOffset = offset;
                String cell = region.id() + " uplink DR" + uplinkDr + " RX1DROffset " + rx1DrOffset
                        + (downlinkDwellTime ? " (downlink dwell time on)" : "");
                checks.add(() -> assertEquals(expected,
                        region.rx1DataRate(uplinkDr, rx1DrOffset, downlinkDwellTime), cell));
                if (!downlinkDwellTime) {
                    checks.add(() -> assertEquals(expected, region.rx1DataRate(uplinkDr, rx1DrOffset), cell));
                }
            }
        }
        assertAll(region.id() + " RX1 data rates", checks);
    }

    /**
     * A region's two "maximum payload size" tables for one dwell-time setting: not repeater compatible and
     * repeater compatible (either may be empty when not asserted). The tables' own checks first: in every RP002
     * table N = M - 8 (the 7-octet FHDR without FOpts and the FPort octet), and since RP002-1.0.2 a repeater
     * compatible M is the direct M capped at 230 (the repeater's encapsulation takes 20 octets of the 250), so a
     * row that breaks either was typed wrong.
     */
    static void assertMaxPayloads(Region region, boolean dwellTime, List<Payload> notRepeaterCompatible,
            List<Payload> repeaterCompatible) {
        for (Payload row : notRepeaterCompatible) {
            assertEquals(row.m() - 8, row.n(), "table slip: DR" + row.dr() + " N must be M - 8");
        }
        for (Payload row : repeaterCompatible) {
            assertEquals(row.m() - 8, row.n(), "table slip: DR" + row.dr() + " (repeater) N must be M - 8");
            notRepeaterCompatible.stream().filter(direct -> direct.dr() == row.dr()).findFirst().ifPresent(direct ->
                    assertEquals(Math.min(direct.m(), 230), row.m(), "table slip: DR" + row.dr() + " repeater M"));
        }
        List<Executable> checks = new ArrayList<>();
        addPayloadChecks(checks, region, notRepeaterCompatible, false, dwellTime);
        addPayloadChecks(checks, region, repeaterCompatible, true, dwellTime);
        assertAll(region.id() + " maximum payload sizes", checks);
    }

    private static void addPayloadChecks(List<Executable> checks, Region region, List<Payload> table,
            boolean repeaterCompatible, boolean dwellTime) {
        for (Payload row : table) {
            checks.add(() -> {
                var max = region.maxPayload(row.dr(), repeaterCompatible, dwellTime);
                String cell = region.id() + " DR" + row.dr() + (repeaterCompatible ? " repeater" : " no repeater")
                        + (dwellTime ? " dwell time on" : " dwell time off");
                assertEquals(row.m(), max.m(), cell + ": M");
                assertEquals(row.n(), max.n(), cell + ": N");
            });
        }
    }

    /** RP002's TXPower tables: index 0 = max EIRP, index i = max EIRP - 2*i dB up to the highest index. */
    static void assertTxPowerTable(Region region, double defaultMaxEirpDbm, int maxTxPowerIndex) {
        assertEquals(defaultMaxEirpDbm, region.defaultMaxEirpDbm(), 1e-9, region.id() + " default max EIRP");
        assertEquals(maxTxPowerIndex, region.maxTxPowerIndex(), region.id() + " highest TXPower index");
        List<Executable> checks = new ArrayList<>();
        for (int index = 0; index <= maxTxPowerIndex; index++) {
            double expected = defaultMaxEirpDbm - 2.0 * index;
            int txPower = index;
            checks.add(() -> assertEquals(expected, region.txPowerEirpDbm(txPower, defaultMaxEirpDbm), 1e-9,
                    region.id() + " TXPower " + txPower));
        }
        assertAll(region.id() + " TXPower table", checks);
    }

    /**
     * A type 0 CFList (RP002-1.0.4 section 2.3.1): the expected 16 octets typed as hex, checked first against the
     * channel frequencies they stand for (24 bits little endian in units of 100 Hz, unused slots 0, then
     * CFListType 0), then against what the region puts in its join-accept.
     */
    static void assertCfListType0(Region region, RegParamsRevision revision, String octets, long... frequenciesHz) {
        byte[] expected = hex(octets);
        for (int slot = 0; slot < 5; slot++) {
            long typed = (expected[slot * 3] & 0xFF) | (expected[slot * 3 + 1] & 0xFF) << 8
                    | (expected[slot * 3 + 2] & 0xFF) << 16;
            long meant = slot < frequenciesHz.length ? frequenciesHz[slot] / 100 : 0;
            assertEquals(meant, typed, "table slip: CFList slot " + slot);
        }
        assertEquals(0, expected[15], "table slip: CFListType 0");
        assertArrayEquals(expected, region.joinAcceptCfList(revision).orElseThrow().encode(),
                region.id() + " CFList for " + revision);
    }

    /** 16 octets typed as hex. */
    static byte[] hex(String octets) {
        String[] parts = octets.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        assertEquals(16, out.length, "table slip: a CFList is 16 octets");
        return out;
    }
}
