package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * AS923 (RP002-1.0.4 "AS923MHz ISM Band"): four channel-plan groups, AS923-2 to AS923-4 being AS923-1 shifted by
 * AS923_FREQ_OFFSET (-1.8 MHz, -6.6 MHz and -5.9 MHz).
 */
final class As923 {
    /**
     * RX1 data rate by [uplink DR][RX1DROffset]: DR - offset for offsets 0-5, DR + 1 and DR + 2 for 6 and 7, within
     * DR0 (or DR2 under the downlink dwell time) and DR7.
     */
    private static final int[][] RX1 = {
        {0, 0, 0, 0, 0, 0, 1, 2},
        {1, 0, 0, 0, 0, 0, 2, 3},
        {2, 1, 0, 0, 0, 0, 3, 4},
        {3, 2, 1, 0, 0, 0, 4, 5},
        {4, 3, 2, 1, 0, 0, 5, 6},
        {5, 4, 3, 2, 1, 0, 6, 7},
        {6, 5, 4, 3, 2, 1, 7, 7},
        {7, 6, 5, 4, 3, 2, 7, 7}};
    private static final int[][] RX1_DOWNLINK_DWELL_TIME = {
        {2, 2, 2, 2, 2, 2, 2, 2},
        {2, 2, 2, 2, 2, 2, 2, 3},
        {2, 2, 2, 2, 2, 2, 3, 4},
        {3, 2, 2, 2, 2, 2, 4, 5},
        {4, 3, 2, 2, 2, 2, 5, 6},
        {5, 4, 3, 2, 2, 2, 6, 7},
        {6, 5, 4, 3, 2, 2, 7, 7},
        {7, 6, 5, 4, 3, 2, 7, 7}};

    static final Region GROUP_1 = group("as923-1", 0);
    static final Region GROUP_2 = group("as923-2", -1_800_000L);
    static final Region GROUP_3 = group("as923-3", -6_600_000L);
    static final Region GROUP_4 = group("as923-4", -5_900_000L);

    private As923() {
    }

    private static Region group(String id, long offsetHz) {
        return new DynamicPlanRegion(RegionTables.builder(id)
                .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                        lora(7, 250), fsk(50_000))
                // RP002's AS923 band; each country allows a part of it, which RP002 leaves to the regulation.
                .band(915_000_000L, 928_000_000L)
                .rx1(RX1)
                .rx1WithDownlinkDwellTime(RX1_DOWNLINK_DWELL_TIME)
                .rx2(923_200_000L + offsetHz, 2)
                .maxPayloads(MaxPayloadTable.withDwellTime(
                        new int[] {59, 59, 123, 123, 250, 250, 250, 250},
                        new int[] {0, 0, 19, 61, 133, 250, 250, 250}))
                .txPower(16, 7)
                .downlinkPower(14)
                // A device keeps the 400 ms uplink dwell time (it joins at DR2) until TxParamSetupReq lifts it; the
                // downlink one is off, RP002's default for every region ("DownlinkDwellTime 0").
                .txParamSetup(new DwellTime(true, false), RegParamsRevision.RP_1_0_2)
                .dutyCycle("country-specific (listen-before-talk or a duty cycle, per the local regulation)")
                .classB(BeaconSettings.single(923_400_000L + offsetHz, 3), 923_400_000L + offsetHz)
                .build(),
                List.of(new Channel(923_200_000L + offsetHz, 0, 5), new Channel(923_400_000L + offsetHz, 0, 5)));
    }
}
