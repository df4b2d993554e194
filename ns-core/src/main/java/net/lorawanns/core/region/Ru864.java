package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** RU864-870 (RP002-1.0.4 "RU864-870MHz ISM Band"). */
final class Ru864 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("ru864")
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    lora(7, 250), fsk(50_000))
            .band(864_000_000L, 870_000_000L)
            .rx1(RegionTables.rx1Subtracting(8, 5))
            .rx2(869_100_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250, 250, 250))
            .txPower(16, 7)
            .downlinkPower(14)
            .dutyCycle("per the Russian regulation; RP002 gives no limit")
            .classB(BeaconSettings.single(869_100_000L, 3), 868_900_000L)
            .build(),
            List.of(new Channel(868_900_000L, 0, 5), new Channel(869_100_000L, 0, 5)));

    private Ru864() {
    }
}
