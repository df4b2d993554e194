package net.lorawanns.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test device's Class B side against the specifications: the commands are byte strings typed from LoRaWAN 1.0.4
 * section 12 (1.0.2 section 14 for the older PingSlotInfoReq layout and BeaconTimingAns), the ping slots worked out
 * by hand from section 11.2 with a published AES value: AES-128 of the zero block under the zero key is
 * 66e94bd4ef8a2c3b884cfa59ca342b2e (FIPS-197 known answer), so for BeaconTime 0 and DevAddr 0, Rand[0] + Rand[1] x
 * 256 = 0x66 + 0xE9 x 256 = 59750.
 */
class DeviceClassBTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] DEV_ADDR_0 = new byte[4];

    private static void assertSent(String expected, DeviceMac mac, String message) {
        assertEquals(expected.replace(" ", ""), HEX.formatHex(mac.takeUplinkCommands()), message);
    }

    @Test
    void pingSlotsOfBeaconTimeZeroAndDevAddrZeroAreWorkedOutByHand() {
        DeviceClassB classB = new DeviceMac(DeviceRegion.EU868, "1.0.4", 0, 1).classB(7);
        // Periodicity 7: pingPeriod 4096, 59750 mod 4096 = 2406: one slot, at 2120 + 2406 x 30 = 74300 ms.
        assertEquals(List.of(74_300L), classB.slotsOfPeriod(0, DEV_ADDR_0));
        // Periodicity 0: pingPeriod 32, 59750 mod 32 = 6: 128 slots from 2120 + 6 x 30 = 2300 ms, 960 ms apart.
        classB.periodicity = 0;
        List<Long> slots = classB.slotsOfPeriod(0, DEV_ADDR_0);
        assertEquals(128, slots.size());
        assertEquals(2_300L, slots.get(0));
        assertEquals(2_300L + 127 * 960, slots.get(127));
        assertEquals(new DeviceClassB.Slot(3_260L, 869_525_000L, 3), classB.nextSlot(2_301, DEV_ADDR_0));
    }

    @Test
    void us915PingSlotsHopWithTheBeaconPeriodAndTheDevAddr() {
        DeviceClassB classB = new DeviceMac(DeviceRegion.US915, "1.0.4", 0, 1).classB(7);
        // DevAddr 0x00000005, beacon period 3 (GPS second 384): (5 + 3) mod 8 = 0 -> 923.3 MHz; period 4 -> 923.9 MHz.
        byte[] devAddr = {5, 0, 0, 0};
        assertEquals(923_300_000L, classB.nextSlot(384_000, devAddr).frequencyHz());
        assertEquals(923_900_000L, classB.nextSlot(512_000, devAddr).frequencyHz());
        assertEquals(8, classB.nextSlot(512_000, devAddr).dataRate());
    }

    @Test
    void pingSlotInfoReqHasTheLayoutOfTheDevicesVersionAndWaitsForItsAnswer() {
        DeviceMac v104 = new DeviceMac(DeviceRegion.EU868, "1.0.4", 0, 1);
        v104.classB(5);
        v104.pingSlotInfoReq();
        assertSent("10 05", v104, "1.0.4: RFU | Periodicity");
        assertFalse(v104.classB.pingSlotInfoAcknowledged);
        v104.receive(HEX.parseHex("10"));
        assertTrue(v104.classB.pingSlotInfoAcknowledged);

        DeviceMac v102 = new DeviceMac(DeviceRegion.EU868, "1.0.2", 0, 1);
        v102.classB(3);
        v102.pingSlotInfoReq();
        assertSent("10 33", v102, "1.0.2: RFU | Periodicity 3 | data rate DR3, EU868's ping-slot default");
    }

    @Test
    void pingSlotChannelReqIsAnsweredInEveryUplinkUntilADownlinkAndAppliedWhenBothFieldsAreGood() {
        DeviceMac mac = new DeviceMac(DeviceRegion.EU868, "1.0.4", 0, 1);
        mac.classB(4);
        // 869.1 MHz = 8691000 x 100 Hz = 0x849D38, DR5.
        mac.receive(HEX.parseHex("11 389d84 05".replace(" ", "")));
        assertSent("11 03", mac, "data rate and frequency OK");
        assertSent("11 03", mac, "repeated until a downlink comes");
        assertEquals(869_100_000L, mac.classB.pingSlotFrequencyHz);
        assertEquals(5, mac.classB.pingSlotDataRate);
        mac.receive(new byte[0]);
        assertSent("", mac, "a downlink ends the repetition");

        DeviceMac us = new DeviceMac(DeviceRegion.US915, "1.0.4", 0, 1);
        us.classB(4);
        // 902.3 MHz (9023000 = 0x89AE18) is an uplink channel, not a US915 downlink one; DR4 is no downlink data rate.
        us.receive(HEX.parseHex("11 18ae89 04".replace(" ", "")));
        assertSent("11 00", us, "both refused");
        assertEquals(0, us.classB.pingSlotFrequencyHz);
        assertEquals(-1, us.classB.pingSlotDataRate);
    }

    @Test
    void beaconFreqReqAndBeaconTimingAns() {
        DeviceMac mac = new DeviceMac(DeviceRegion.EU868, "1.0.2", 0, 1);
        mac.classB(4);
        // BeaconFreqReq 869.3 MHz: 8693000 x 100 Hz = 0x84A508.
        mac.receive(HEX.parseHex("1308a584"));
        assertSent("13 01", mac, "frequency OK");
        assertEquals(869_300_000L, mac.classB.beaconFrequencyHz);
        mac.beaconTimingReq();
        assertSent("12", mac, "BeaconTimingReq");
        // BeaconTimingAns Delay 0x0F22 = 3874, Channel 0.
        mac.receive(HEX.parseHex("12220f00"));
        assertEquals(List.of(new DeviceMac.BeaconTiming(3874, 0)), mac.beaconTimings);
    }

    @Test
    void aDeviceWithoutClassBStopsAtTheClassBCommands() {
        DeviceMac mac = new DeviceMac(DeviceRegion.EU868, "1.0.4", 0, 1);
        mac.receive(HEX.parseHex("10"));
        assertEquals(List.of(0x10), mac.unknown);
    }
}
