package net.lorawanns.core.region.rp002;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Class B defaults: the beacon data rate of each region's "Class B beacon" section of RP002-1.0.4 (x.8 of each
 * region section), and PING_SLOT_DATARATE, which RP002-1.0.4 section 2.2 ("Default Settings") defines as "the
 * value of the BEACON data rate (DR) defined for each regional band". Cross-checked against The Things Stack's
 * RP002-1.0.4 bands ({@code Beacon.DataRateIndex}), LoRaMac-node ({@code AU915_BEACON_CHANNEL_DR} 8,
 * {@code CN470_BEACON_CHANNEL_DR} 2, {@code IN865_BEACON_CHANNEL_DR} 4) and, for US902-928 and EU433, LoRaWAN
 * Regional Parameters 1.0.3revA Tables 18 and 34. The beacon and ping-slot frequencies are not asserted here:
 * the contract leaves their shape open.
 */
class ClassBDefaultsRp002Test {

    @ParameterizedTest(name = "{0}: beacon DR{1}")
    @CsvSource({
        "eu868, 3",   // 2.4.8: SF9 / 125 kHz
        "us915, 8",   // 2.5.8: SF12 / 500 kHz
        "cn779, 3",   // 2.6.8
        "eu433, 3",   // 2.7.8
        "au915, 8",   // 2.8.8: SF12 / 500 kHz (RP 1.1 used DR10; RP002 DR8)
        "cn470, 2",   // 2.9.8: SF10 / 125 kHz
        "as923-1, 3", // 2.10.8
        "as923-2, 3",
        "as923-3, 3",
        "as923-4, 3",
        "kr920, 3",   // 2.11.8
        "in865, 4",   // 2.12.8: SF8 / 125 kHz
        "ru864, 3",   // 2.13.8
    })
    void beaconAndPingSlotDataRate(String id, int beaconDataRate) {
        Region region = Regions.byId(id);
        assertEquals(beaconDataRate, region.beacon().dataRate(), id + " beacon data rate");
        assertEquals(beaconDataRate, region.pingSlotDataRate(), id + " PING_SLOT_DATARATE");
    }
}
