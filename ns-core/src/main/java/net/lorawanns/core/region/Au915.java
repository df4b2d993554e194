package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.lora;

import java.util.Set;
import net.lorawanns.core.types.RegParamsRevision;

/** AU915-928 (RP002-1.0.4 "AU915-928MHz ISM Band"), every channel enabled as a device starts. */
final class Au915 {
    static final Region REGION = new FixedPlanRegion(RegionTables.builder("au915")
            // DR7 is LR-FHSS (not served), DR14 RFU; DR8-13 are downlink only.
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    lora(8, 500), null,
                    lora(12, 500), lora(11, 500), lora(10, 500), lora(9, 500), lora(8, 500), lora(7, 500))
            .uplinkUpTo(6, 8)
            .band(915_000_000L, 928_000_000L)
            .rx1(new int[][] {
                {8, 8, 8, 8, 8, 8},
                {9, 8, 8, 8, 8, 8},
                {10, 9, 8, 8, 8, 8},
                {11, 10, 9, 8, 8, 8},
                {12, 11, 10, 9, 8, 8},
                {13, 12, 11, 10, 9, 8},
                {13, 13, 12, 11, 10, 9}})
            .rx2(923_300_000L, 8)
            .maxPayloads(MaxPayloadTable.withDwellTime(
                    new int[] {59, 59, 59, 123, 250, 250, 250, 0, 61, 137, 250, 250, 250, 250},
                    new int[] {0, 0, 19, 61, 133, 250, 250, 0, 61, 137, 250, 250, 250, 250}))
            .txPower(30, 14)
            .downlinkPower(27)
            // A device joins at DR2 so that it keeps the 400 ms uplink dwell time until TxParamSetupReq lifts it; both
            // came with Regional Parameters 1.0.3rA (1.0.2rB: "TxParamSetupReq is not implemented by AU915 devices").
            .txParamSetup(new DwellTime(true, false), RegParamsRevision.RP_1_0_3_A)
            .dutyCycle("none; a 400 ms dwell time where the local regulation imposes it")
            .classB(new BeaconSettings(923_300_000L, 8, 600_000L, 8), 923_300_000L)
            .build(),
            new FixedChannelPlan(915_200_000L, 64, 0, 5, 915_900_000L, 8, 6, 923_300_000L, 8, 600_000L),
            Set.of(1, 2, 3, 4, 5, 6, 7, 8));

    private Au915() {
    }
}
