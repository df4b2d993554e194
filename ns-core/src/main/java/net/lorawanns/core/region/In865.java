package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** IN865-867 (RP002-1.0.4 "IN865-867MHz ISM Band"). */
final class In865 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("in865")
            // DR6 is RFU.
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    null, fsk(50_000))
            .band(865_000_000L, 867_000_000L)
            // RX1DROffset 6 and 7 raise the data rate by one and two; the table steps over the RFU DR6.
            .rx1(new int[][] {
                {0, 0, 0, 0, 0, 0, 1, 2},
                {1, 0, 0, 0, 0, 0, 2, 3},
                {2, 1, 0, 0, 0, 0, 3, 4},
                {3, 2, 1, 0, 0, 0, 4, 5},
                {4, 3, 2, 1, 0, 0, 5, 5},
                {5, 4, 3, 2, 1, 0, 5, 7},
                null,
                {7, 5, 5, 4, 3, 2, 7, 7}})
            .rx2(866_550_000L, 2)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250, 0, 250))
            .txPower(30, 10)
            .downlinkPower(30)
            .dutyCycle("none given by RP002")
            .classB(BeaconSettings.single(866_550_000L, 4), 866_550_000L)
            .build(),
            List.of(new Channel(865_062_500L, 0, 5), new Channel(865_402_500L, 0, 5),
                    new Channel(865_985_000L, 0, 5)));

    private In865() {
    }
}
