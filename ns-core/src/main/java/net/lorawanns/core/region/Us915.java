package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.lora;

import java.util.Set;

/** US902-928 (RP002-1.0.4 "US902-928MHz ISM Band"), every channel enabled as a device starts. */
final class Us915 {
    static final Region REGION = new FixedPlanRegion(RegionTables.builder("us915")
            // DR5-6 are LR-FHSS (not served), DR7 and DR14 RFU; DR8-13 are downlink only.
            .dataRates(lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), lora(8, 500), null, null, null,
                    lora(12, 500), lora(11, 500), lora(10, 500), lora(9, 500), lora(8, 500), lora(7, 500))
            .uplinkUpTo(4, 8)
            .band(902_000_000L, 928_000_000L)
            .rx1(new int[][] {
                {10, 9, 8, 8},
                {11, 10, 9, 8},
                {12, 11, 10, 9},
                {13, 12, 11, 10},
                {13, 13, 12, 11}})
            .rx2(923_300_000L, 8)
            .maxPayloads(MaxPayloadTable.of(19, 61, 133, 250, 250, 0, 0, 0, 61, 137, 250, 250, 250, 250))
            .txPower(30, 14)
            .txPowerFrom30Dbm()
            .downlinkPower(20)
            .dutyCycle("none; FCC part 15.247 limits each transmission to 400 ms, which the data rates and payload "
                    + "sizes respect")
            .classB(new BeaconSettings(923_300_000L, 8, 600_000L, 8), 923_300_000L)
            .build(),
            new FixedChannelPlan(902_300_000L, 64, 0, 3, 903_000_000L, 8, 4, 923_300_000L, 8, 600_000L),
            Set.of(1, 2, 3, 4, 5, 6, 7, 8));

    private Us915() {
    }
}
