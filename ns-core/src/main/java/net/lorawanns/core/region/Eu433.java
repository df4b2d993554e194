package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.fsk;
import static net.lorawanns.core.region.RegionTables.lora;

import java.util.List;

/** EU433 (RP002-1.0.4 "EU433MHz ISM Band"). */
final class Eu433 {
    static final Region REGION = new DynamicPlanRegion(RegionTables.builder("eu433")
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125),
                    lora(7, 250), fsk(50_000))
            // The channels' centre frequencies lie from 433.175 to 434.665 MHz.
            .band(433_175_000L, 434_665_000L)
            .rx1(RegionTables.rx1Subtracting(8, 5))
            .rx2(434_665_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250, 250, 250))
            .txPower(12.15, 5)
            .downlinkPower(10)
            .dutyCycle("below 10 %", new DutyCycle.Limit(433_050_000L, 434_790_000L, 10))
            .classB(BeaconSettings.single(434_665_000L, 3), 434_665_000L)
            .build(),
            List.of(new Channel(433_175_000L, 0, 5), new Channel(433_375_000L, 0, 5),
                    new Channel(433_575_000L, 0, 5)));

    private Eu433() {
    }
}
