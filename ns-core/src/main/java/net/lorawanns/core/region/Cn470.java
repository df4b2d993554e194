package net.lorawanns.core.region;

import static net.lorawanns.core.region.RegionTables.lora;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * CN470-510 with the 96 uplink / 48 downlink channel plan of RP002-1.0.0 to 1.0.2 (the plan ChirpStack and The
 * Things Stack serve as CN470), every channel enabled as a device starts. RP002-1.0.3's 20 MHz and 26 MHz plan types
 * are not served.
 */
final class Cn470 {
    static final Region REGION = new FixedPlanRegion(RegionTables.builder("cn470")
            .dataRates(lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125))
            .band(470_000_000L, 510_000_000L)
            .rx1(RegionTables.rx1Subtracting(6, 5))
            .rx2(505_300_000L, 0)
            .maxPayloads(MaxPayloadTable.of(59, 59, 59, 123, 250, 250))
            .txPower(19.15, 7)
            .downlinkPower(19)
            .dutyCycle("none given by RP002")
            .classB(new BeaconSettings(508_300_000L, 8, 200_000L, 2), 508_300_000L)
            .build(),
            new FixedChannelPlan(470_300_000L, 96, 0, 5, 0, 0, 0, 500_300_000L, 48, 200_000L),
            IntStream.rangeClosed(1, 12).boxed().collect(Collectors.toSet()));

    private Cn470() {
    }
}
