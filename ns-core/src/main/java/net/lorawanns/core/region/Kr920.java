package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** KR920-923 (RP002-1.0.4 "KR920-923MHz ISM Band"). */
final class Kr920 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("kr920")
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125))
            .band(920_900_000L, 923_300_000L)
            .rx1(RegionTables.rx1Subtracting(6, 5))
            .rx2(921_900_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250))
            .txPower(14, 7)
            .downlinkPower(23)
            .dutyCycle("none; listen-before-talk per the Korean regulation")
            .classB(BeaconSettings.single(923_100_000L, 3), 923_100_000L)
            .build(),
            List.of(new Channel(922_100_000L, 0, 5), new Channel(922_300_000L, 0, 5),
                    new Channel(922_500_000L, 0, 5)));

    private Kr920() {
    }
}
