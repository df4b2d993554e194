package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** EU863-870 (RP002-1.0.4 "EU863-870MHz ISM Band"). */
final class Eu868 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("eu868")
            // DR8-11 are LR-FHSS, not served.
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    lora(7, 250), fsk(50_000))
            .band(863_000_000L, 870_000_000L)
            .rx1(RegionTables.rx1Subtracting(8, 5))
            .rx2(869_525_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250, 250, 250))
            .txPower(16, 7)
            .downlinkPower(14)
            // RP002 defers to ETSI EN 300 220 / ERC Recommendation 70-03, whose sub-bands these are.
            .dutyCycle("ETSI EN 300 220 sub-bands",
                    new DutyCycle.Limit(863_000_000L, 865_000_000L, 0.1),
                    new DutyCycle.Limit(865_000_000L, 868_000_000L, 1),
                    new DutyCycle.Limit(868_000_000L, 868_600_000L, 1),
                    new DutyCycle.Limit(868_700_000L, 869_200_000L, 0.1),
                    new DutyCycle.Limit(869_400_000L, 869_650_000L, 10),
                    new DutyCycle.Limit(869_700_000L, 870_000_000L, 1))
            .classB(BeaconSettings.single(869_525_000L, 3), 869_525_000L)
            .build(),
            List.of(new Channel(868_100_000L, 0, 5), new Channel(868_300_000L, 0, 5),
                    new Channel(868_500_000L, 0, 5)));

    private Eu868() {
    }
}
