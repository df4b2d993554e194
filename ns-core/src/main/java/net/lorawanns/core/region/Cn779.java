package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** CN779-787 (RP002-1.0.4 "CN779-787MHz ISM Band"). */
final class Cn779 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("cn779")
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    lora(7, 250), fsk(50_000))
            .band(779_500_000L, 786_500_000L)
            .rx1(RegionTables.rx1Subtracting(8, 5))
            .rx2(786_000_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250, 250, 250))
            .txPower(12.15, 5)
            .downlinkPower(10)
            .dutyCycle("below 1 %", new DutyCycle.Limit(779_000_000L, 787_000_000L, 1))
            .classB(BeaconSettings.single(785_000_000L, 3), 785_000_000L)
            .build(),
            List.of(new Channel(779_500_000L, 0, 5), new Channel(779_700_000L, 0, 5),
                    new Channel(779_900_000L, 0, 5)));

    private Cn779() {
    }
}
