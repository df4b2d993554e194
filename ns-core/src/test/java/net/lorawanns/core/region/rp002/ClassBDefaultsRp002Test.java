package net.lorawanns.core.region.rp002;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.types.DevAddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Class B defaults: the "Class B beacon" section of each region in RP002-1.0.4 (x.8 of each region section) and
 * PING_SLOT_DATARATE, which RP002-1.0.4 section 2.2 ("Default Settings") defines as "the value of the BEACON data
 * rate (DR) defined for each regional band". Cross-checked against The Things Stack's RP002-1.0.4 bands
 * ({@code Beacon}, {@code PingSlotFrequencies}), ChirpStack lrwn ({@code get_ping_slot_frequency}), LoRaMac-node
 * ({@code AU915_BEACON_CHANNEL_DR} 8, {@code CN470_BEACON_CHANNEL_DR} 2, {@code IN865_BEACON_CHANNEL_DR} 4) and
 * LoRaWAN Regional Parameters 1.0.3revA (US902-928 Table 18; EU433 Table 34 and its 434.665 MHz; RU864-870 beacon
 * 869.1 MHz and ping slot 868.9 MHz).
 */
class ClassBDefaultsRp002Test {

    /** Beacon_period, TS001-1.0.4 section 13 (class B): 128 s. */
    private static final long BEACON_PERIOD_S = 128;

    /**
     * The dynamic plans: one beacon frequency and one default ping-slot frequency, whatever the time or DevAddr.
     * Rows: region, beacon DR, beacon frequency, ping-slot frequency.
     */
    @ParameterizedTest(name = "{0}: beacon DR{1} on {2} Hz, ping slots on {3} Hz")
    @CsvSource({
        "eu868,   3, 869525000, 869525000", // 2.4.8: SF9 / 125 kHz
        "cn779,   3, 785000000, 785000000", // 2.6.8
        "eu433,   3, 434665000, 434665000", // 2.7.8
        "as923-1, 3, 923400000, 923400000", // 2.10.8: 923.4 MHz + AS923_FREQ_OFFSET
        "as923-2, 3, 921600000, 921600000",
        "as923-3, 3, 916800000, 916800000",
        "as923-4, 3, 917500000, 917500000",
        "kr920,   3, 923100000, 923100000", // 2.11.8
        "in865,   4, 866550000, 866550000", // 2.12.8: SF8 / 125 kHz
        "ru864,   3, 869100000, 868900000", // 2.13.8: the ping slots are not on the beacon frequency
    })
    void dynamicPlans(String id, int beaconDataRate, long beaconHz, long pingSlotHz) {
        Region region = Regions.byId(id);
        assertEquals(beaconDataRate, region.beacon().dataRate(), id + " beacon data rate");
        assertEquals(beaconDataRate, region.pingSlotDataRate(), id + " PING_SLOT_DATARATE");
        for (long beaconTime : new long[] {0, BEACON_PERIOD_S, 1_203_778_364L}) {
            assertEquals(beaconHz, region.beacon().frequencyAt(beaconTime), id + " beacon at " + beaconTime);
            assertEquals(pingSlotHz, region.pingSlotFrequency(new DevAddr(0x0314CF36), beaconTime), id + " ping slot");
        }
    }

    /**
     * US902-928 (2.5.8) and AU915-928 (2.8.8): beacon at DR8 (SF12 / 500 kHz) on the 8 downlink channels,
     * 923.3 MHz + 600 kHz * n, channel = floor(beacon_time / beacon_period) modulo 8; ping slots hop over the same
     * channels, channel = (DevAddr + floor(beacon_time / beacon_period)) modulo 8. Beacon time 1203778364 s is
     * period 9404518 (channel 6); DevAddr 0x0314CF36 + 9404518 is channel 4. DevAddr 0xFC00AC11 is channel 1 at
     * beacon time 0 (an unsigned 32-bit address: its top bit must not turn the modulo negative).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"us915", "au915"})
    void usAndAu915HopOverTheEightDownlinkChannels(String id) {
        Region region = Regions.byId(id);
        assertEquals(8, region.beacon().dataRate());
        assertEquals(8, region.pingSlotDataRate());
        assertEquals(923_300_000L, region.beacon().frequencyAt(0));
        assertEquals(923_300_000L, region.beacon().frequencyAt(BEACON_PERIOD_S - 1));
        assertEquals(923_900_000L, region.beacon().frequencyAt(BEACON_PERIOD_S));
        assertEquals(927_500_000L, region.beacon().frequencyAt(7 * BEACON_PERIOD_S));
        assertEquals(923_300_000L, region.beacon().frequencyAt(8 * BEACON_PERIOD_S));
        assertEquals(926_900_000L, region.beacon().frequencyAt(1_203_778_364L));

        assertEquals(925_700_000L, region.pingSlotFrequency(new DevAddr(0x0314CF36), 1_203_778_364L));
        assertEquals(923_900_000L, region.pingSlotFrequency(new DevAddr(0xFC00AC11), 0));
    }

    /**
     * CN470-510, 96-channel plan (RP002-1.0.2 section 2.9.8): beacon at DR2 (SF10 / 125 kHz) on 8 channels at
     * 508.3 MHz + 200 kHz * n, chosen as for US902-928; ping slots hop over the same 8. ChirpStack's own test of
     * this plan expects 509.1 MHz for DevAddr 0x0314CF36 at beacon time 1203778364 s (channel 4).
     */
    @Test
    void cn470HopsOverEightBeaconChannels() {
        Region region = Regions.byId("cn470");
        assertEquals(2, region.beacon().dataRate());
        assertEquals(2, region.pingSlotDataRate());
        assertEquals(508_300_000L, region.beacon().frequencyAt(0));
        assertEquals(508_500_000L, region.beacon().frequencyAt(BEACON_PERIOD_S));
        assertEquals(509_500_000L, region.beacon().frequencyAt(1_203_778_364L));
        assertEquals(509_100_000L, region.pingSlotFrequency(new DevAddr(0x0314CF36), 1_203_778_364L));
        assertEquals(508_500_000L, region.pingSlotFrequency(new DevAddr(0xFC00AC11), 0));
    }
}
