package net.lorawanns.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The test device's MAC layer against the specifications: every command is a byte string typed from the field
 * layouts of TS001 (1.0.4 and 1.1 section 5) and the expected states and answers come from the RP002 tables (US915
 * ChMaskCntl, CFList types, RX1 channel and data-rate maps), never from server code.
 */
class DeviceMacTest {
    private static final HexFormat HEX = HexFormat.of();

    private static DeviceMac device(DeviceRegion region, String version, int dataRate) {
        return new DeviceMac(region, version, dataRate, 1);
    }

    private static byte[] hex(String text) {
        return HEX.parseHex(text.replace(" ", ""));
    }

    private static List<Integer> range(int from, int toInclusive) {
        return IntStream.rangeClosed(from, toInclusive).boxed().toList();
    }

    /** The commands the next uplink sends, as hex with a space between commands. */
    private static void assertSent(String expected, DeviceMac mac, String message) {
        assertEquals(expected.replace(" ", ""), HEX.formatHex(mac.takeUplinkCommands()), message);
    }

    private static void assertSent(String expected, DeviceMac mac) {
        assertSent(expected, mac, null);
    }

    @Test
    void us915BlockOfChMaskCntl7ThenChMaskCntl0KeepsSubBand2Only() {
        DeviceMac mac = device(DeviceRegion.US915, "1.0.4", 0);
        assertEquals(range(0, 71), mac.state.enabledChannels(), "a fixed plan starts with every channel on");
        // RP002 US902-928: ChMaskCntl 7 turns every 125 kHz channel off and applies ChMask to 64-71 (0x0002: 65);
        // ChMaskCntl 0 then applies ChMask 0xFF00 to channels 0-15. DataRate/TXPower/NbTrans of the last: DR3, 5, 2.
        mac.receive(hex("03 20 0200 70  03 35 00FF 02"));
        List<Integer> expected = new java.util.ArrayList<>(range(8, 15));
        expected.add(65);
        assertEquals(expected, mac.state.enabledChannels());
        assertEquals(3, mac.state.dataRate);
        assertEquals(5, mac.state.txPowerIndex);
        assertEquals(2, mac.state.nbTrans);
        assertSent("0307 0307", mac, "one LinkADRAns per LinkADRReq, same status");
    }

    @Test
    void us915ChMaskCntl5EnablesBanksOfEightWithTheir500kHzChannel() {
        DeviceMac mac = device(DeviceRegion.US915, "1.0.4", 0);
        // Bits 0 and 2 of ChMask: channels 0-7 with 64, and 16-23 with 66.
        mac.receive(hex("03 1F 0500 50"));
        List<Integer> expected = new java.util.ArrayList<>(range(0, 7));
        expected.addAll(range(16, 23));
        expected.addAll(List.of(64, 66));
        assertEquals(expected, mac.state.enabledChannels());
        assertEquals(1, mac.state.dataRate);
        assertEquals(0, mac.state.txPowerIndex, "TXPower 0xF keeps the current power");
        assertEquals(1, mac.state.nbTrans, "NbTrans 0 is the default, 1");
        assertSent("0307", mac);
    }

    @Test
    void us915ChMaskCntl6TurnsEvery125kHzChannelOnAndMasksThe500kHzOnes() {
        DeviceMac mac = device(DeviceRegion.US915, "1.0.4", 0);
        mac.receive(hex("03 20 0100 70"));
        mac.receive(hex("03 20 8000 61"));
        List<Integer> expected = new java.util.ArrayList<>(range(0, 63));
        expected.add(71);
        assertEquals(expected, mac.state.enabledChannels());
    }

    @Test
    void us915RefusalsLeaveTheStateAsItWas() {
        DeviceMac mac = device(DeviceRegion.US915, "1.0.4", 0);
        mac.receive(hex("03 20 0000 70  03 20 00FF 01"));
        mac.takeUplinkCommands();
        List<Integer> subBand2 = mac.state.enabledChannels();

        mac.receive(hex("03 30 0000 71"));
        assertSent("0306", mac, "a mask that leaves no channel: Channel mask ACK 0");
        mac.receive(hex("03 40 00FF 01"));
        assertSent("0305", mac, "DR4 needs a 500 kHz channel and none is enabled");
        mac.maxTxPowerIndex = 10;
        mac.receive(hex("03 2B 00FF 01"));
        assertSent("0303", mac, "the device cannot go down to TXPower 11");
        mac.maxDataRate = 2;
        mac.receive(hex("03 30 00FF 01"));
        assertSent("0305", mac, "the device refuses data rates above DR2");
        assertEquals(subBand2, mac.state.enabledChannels());
        assertEquals(2, mac.state.dataRate);
    }

    @Test
    void eu868BlockAppliesMasksInOrderAndRefusesUndefinedChannelsAndRfuValues() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.0.4", 0);
        mac.state.applyJoinAccept(0, 0, 1, TestVectors.bytes(TestVectors.group("cflist").get(0), "cflist"));
        assertEquals(range(0, 7), mac.state.enabledChannels(), "3 default channels and 5 from the CFList");
        assertEquals(867_900_000L, mac.state.channel(7).frequencyHz());

        // ChMaskCntl 0 with channels 0-2 only, then ChMaskCntl 6: every defined channel on again; DR5, TXPower 3.
        mac.receive(hex("03 50 0700 01  03 53 0000 61"));
        assertEquals(range(0, 7), mac.state.enabledChannels());
        assertEquals(5, mac.state.dataRate);
        assertEquals(3, mac.state.txPowerIndex);
        assertSent("0307 0307", mac);

        mac.receive(hex("03 50 0001 01"));
        assertSent("0306", mac, "channel 8 is not defined");
        mac.receive(hex("03 50 FF00 11"));
        assertSent("0306", mac, "ChMaskCntl 1 is RFU in EU868");
        mac.receive(hex("03 58 FF00 01"));
        assertSent("0303", mac, "TXPower 8 is RFU in EU868");
        mac.receive(hex("03 20 1800 01"));
        assertSent("0307", mac);
        assertEquals(List.of(3, 4), mac.state.enabledChannels());
    }

    @Test
    void aJoinAcceptStartsTheMacLayerAfresh() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.0.4", 3);
        mac.receive(hex("07 03 184F84 50  03 32 0900 03  06"));
        assertEquals(List.of(0, 3), mac.state.enabledChannels());
        mac.joined(2, 1, 5, null);
        assertEquals(List.of(0, 1, 2), mac.state.enabledChannels(), "the default channels only");
        assertEquals(0, mac.state.txPowerIndex);
        assertEquals(1, mac.state.nbTrans);
        assertEquals(2, mac.state.rx1DrOffset);
        assertEquals(1, mac.state.rx2Dr);
        assertEquals(5, mac.state.rx1Delay);
        assertEquals(3, mac.state.dataRate, "the data rate stays the join's");
        assertSent("", mac, "no answer of the last session");
    }

    @Test
    void cfListType1SetsTheChannelMasksOfFixedPlans() {
        DeviceMacState us = device(DeviceRegion.US915, "1.0.4", 0).state;
        // ChMask0 0xFF00 (channels 8-15), ChMask1-3 0, ChMask4 0x0002 (65), 5 RFU octets, CFListType 1.
        us.applyJoinAccept(0, 8, 1, hex("00FF 0000 0000 0000 0200 0000000000 01"));
        List<Integer> expected = new java.util.ArrayList<>(range(8, 15));
        expected.add(65);
        assertEquals(expected, us.enabledChannels());

        DeviceMacState cn = device(DeviceRegion.CN470, "1.0.4", 0).state;
        // CN470 (96 channels): ChMask0-5, then 3 RFU octets; here channels 0-7 and 88-95.
        cn.applyJoinAccept(0, 0, 1, hex("FF00 0000 0000 0000 0000 00FF 000000 01"));
        List<Integer> cnExpected = new java.util.ArrayList<>(range(0, 7));
        cnExpected.addAll(range(88, 95));
        assertEquals(cnExpected, cn.enabledChannels());

        DeviceMacState eu = device(DeviceRegion.EU868, "1.0.4", 0).state;
        byte[] type1 = hex("00FF 0000 0000 0000 0200 0000000000 01");
        assertThrows(AssertionError.class, () -> eu.applyJoinAccept(0, 0, 1, type1), "EU868 takes CFList type 0 only");
    }

    @Test
    void rx1ChannelAndDataRateFollowTheRegionalTables() {
        // US915: RX1 on 923.3 MHz + (channel mod 8) x 600 kHz; DR3 at offset 0 answers on DR13 (SF7BW500).
        DeviceMacState us = device(DeviceRegion.US915, "1.0.4", 3).state;
        assertEquals(923_900_000L, us.rx1FrequencyHz(9));
        assertEquals(927_500_000L, us.rx1FrequencyHz(71));
        assertEquals(904_100_000L, us.channel(9).frequencyHz());
        assertEquals(904_600_000L, us.channel(65).frequencyHz());
        assertEquals(13, us.rx1Dr());
        us.rx1DrOffset = 3;
        assertEquals(10, us.rx1Dr());
        assertEquals("SF10BW500", DeviceRegion.US915.datr(10));
        assertEquals(12, DeviceRegion.US915.dataRate("SF8BW500", true));
        // AU915: 125 kHz channels from 915.2 MHz, DR2 at offset 0 answers on DR10; DR6 (500 kHz) on DR13.
        DeviceMacState au = device(DeviceRegion.AU915, "1.0.4", 2).state;
        assertEquals(916_800_000L, au.channel(8).frequencyHz());
        assertEquals(923_300_000L, au.rx1FrequencyHz(8));
        assertEquals(10, au.rx1Dr());
        assertEquals(13, DeviceRegion.AU915.rx1Dr(6, 0, false));
        // CN470: RX1 on 500.3 MHz + (channel mod 48) x 200 kHz.
        DeviceMacState cn = device(DeviceRegion.CN470, "1.0.4", 5).state;
        assertEquals(480_300_000L, cn.channel(50).frequencyHz());
        assertEquals(500_700_000L, cn.rx1FrequencyHz(50));
        assertEquals(505_300_000L, cn.rx2FrequencyHz);
        // AS923: offsets 6 and 7 raise the data rate; the downlink dwell time puts the floor at DR2.
        assertEquals(4, DeviceRegion.AS923_1.rx1Dr(2, 7, false));
        assertEquals(5, DeviceRegion.AS923_1.rx1Dr(5, 6, false));
        assertEquals(2, DeviceRegion.AS923_1.rx1Dr(3, 5, true));
        assertEquals(0, DeviceRegion.AS923_1.rx1Dr(3, 5, false));
        // EU868 answers on the uplink channel, or on its DlChannelReq frequency.
        DeviceMac eu = device(DeviceRegion.EU868, "1.0.4", 3);
        assertEquals(868_300_000L, eu.state.rx1FrequencyHz(1));
        eu.receive(hex("0A 01 C88584"));
        assertSent("0a03", eu);
        assertEquals(868_500_000L, eu.state.rx1FrequencyHz(1));
    }

    @Test
    void rxParamSetupAnswerRepeatsUntilADownlinkAndRefusalsChangeNothing() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.0.4", 3);
        // RX1DROffset 1, RX2 DR2, 869.525 MHz (8695250 x 100 Hz = 0x84ADD2).
        mac.receive(hex("05 12 D2AD84"));
        assertEquals(1, mac.state.rx1DrOffset);
        assertEquals(2, mac.state.rx2Dr);
        assertSent("0507", mac);
        assertSent("0507", mac, "repeated until a downlink arrives");
        mac.receive(new byte[0]);
        assertSent("", mac);

        mac.receive(hex("05 68 D2AD84"));
        assertSent("0501", mac, "offset 6 and DR8 do not exist in EU868");
        assertEquals(1, mac.state.rx1DrOffset);
        DeviceMac us = device(DeviceRegion.US915, "1.0.4", 0);
        // 923.3 MHz is a US915 downlink channel; 923.4 MHz is not.
        us.receive(hex("05 08 68E28C  05 08 50E68C"));
        assertSent("0507 0506", us);
    }

    @Test
    void rxTimingSetupDevStatusDutyCycleAndNewChannel() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.0.4", 0);
        mac.battery = 200;
        mac.margin = -5;
        // RXTimingSetupReq Del 0 (1 s), DevStatusReq, DutyCycleReq 1/2^3, NewChannelReq ch 3 at 867.1 MHz DR0-5.
        mac.receive(hex("08 00  06  04 03  07 03 184F84 50"));
        assertSent("08 06c83b 04 0703", mac);
        assertEquals(1, mac.state.rx1Delay);
        assertEquals(3, mac.state.maxDutyCycle);
        assertEquals(867_100_000L, mac.state.channel(3).frequencyHz());
        assertSent("08", mac, "only RXTimingSetupAns is repeated");
        // Default channel 0 cannot be changed; DR range 5..0 is inverted; frequency 0 removes channel 3.
        mac.receive(hex("08 0F  07 00 184F84 50  07 04 184F84 05  07 03 000000 00"));
        assertSent("08 0700 0701 0703", mac);
        assertEquals(15, mac.state.rx1Delay);
        assertEquals(List.of(0, 1, 2), mac.state.enabledChannels());
        DeviceMac us = device(DeviceRegion.US915, "1.0.4", 0);
        us.receive(hex("07 03 184F84 50  09 3F  0A 03 68E28C  06"));
        assertSent("0700 0a00 06ff00", us,
                "US915 refuses NewChannelReq and DlChannelReq, and does not answer TxParamSetupReq at all");
    }

    @Test
    void txParamSetupWhereTheRegionHasDwellTimes() {
        DeviceMac mac = device(DeviceRegion.AS923_1, "1.0.4", 2);
        // DownlinkDwellTime 1, UplinkDwellTime 1, MaxEIRP index 5 (16 dBm).
        mac.receive(hex("09 35"));
        assertTrue(mac.state.downlinkDwellTime && mac.state.uplinkDwellTime);
        assertEquals(16, mac.state.maxEirpDbm);
        assertSent("09", mac);
        assertSent("09", mac, "LoRaWAN 1.0.4 repeats it until a downlink");
        mac.receive(hex("03 1F FFFF 61"));
        assertSent("0305", mac, "DR1 has no payload under a 400 ms uplink dwell time");
        DeviceMac v11 = device(DeviceRegion.AU915, "1.1", 2);
        v11.receive(hex("09 10"));
        assertSent("09", v11);
        assertSent("", v11, "LoRaWAN 1.1 sends it once");
    }

    @Test
    void answersFromTheNetworkAreRecordedAndAnUnknownCidEndsReading() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.0.4", 0);
        // LinkCheckAns margin 5, 3 gateways; DeviceTimeAns 100000000 s + 128/256; then an unknown 0x7F.
        mac.receive(hex("02 05 03  0D 00E1F505 80  7F  06"));
        assertEquals(List.of(new DeviceMac.LinkCheck(5, 3)), mac.linkChecks);
        assertEquals(100_000_000_500L, mac.deviceTimes.get(0).gpsMillis());
        assertEquals(List.of(0x7F), mac.unknown);
        assertEquals(List.of(0x02, 0x0D), mac.handled);
        assertSent("", mac, "the DevStatusReq after the unknown CID is not read");

        DeviceMac old = device(DeviceRegion.EU868, "1.0.2", 0);
        old.receive(hex("06  0D 00E1F505 80  06"));
        assertEquals(List.of(0x0D), old.unknown, "DeviceTimeAns arrived with LoRaWAN 1.0.3");
        assertSent("06ff00", old);

        DeviceMac v104 = device(DeviceRegion.EU868, "1.0.4", 0);
        v104.receive(hex("0C 45"));
        assertEquals(List.of(0x0C), v104.unknown, "ADRParamSetupReq is LoRaWAN 1.1");
        v104.receive(hex("03 50 0700"));
        assertEquals(List.of(0x0C, 0x03), v104.unknown, "a truncated command ends reading too");
    }

    @Test
    void lorawan11CommandsAndIndications() {
        DeviceMac mac = device(DeviceRegion.EU868, "1.1", 0);
        mac.indicate(0x0B, 1);
        mac.indicate(0x20, 2);
        assertSent("0b01 2002", mac);
        assertSent("0b01 2002", mac, "indications repeat until confirmed");
        // RekeyConf 1; ADRParamSetupReq Limit_exp 4, Delay_exp 5; RejoinParamSetupReq MaxTimeN 10, MaxCountN 6;
        // ForceRejoinReq Period 2, Max_Retries 3, RejoinType 2, DR3 (0x1323).
        mac.receive(hex("0B 01  0C 45  0F A6  0E 2313"));
        assertEquals(List.of(1), mac.rekeyConfs);
        assertEquals(16, mac.state.adrAckLimit);
        assertEquals(32, mac.state.adrAckDelay);
        assertEquals(6, mac.state.rejoinMaxCountN);
        assertEquals(10, mac.state.rejoinMaxTimeN);
        assertEquals(List.of(new DeviceMac.ForceRejoin(2, 3, 2, 3)), mac.forceRejoins);
        assertSent("2002 0c 0f01", mac);
        mac.receive(hex("20 02"));
        assertEquals(List.of(2), mac.deviceModeConfs);
        assertSent("", mac);
    }

    @Test
    void adrAckReqAfterTheLimitThenTheBackoffOfTs001Table9() {
        DeviceMacState state = device(DeviceRegion.EU868, "1.0.4", 1).state;
        state.txPowerIndex = 4;
        state.nbTrans = 3;
        state.adrAckLimit = 4;
        state.adrAckDelay = 2;
        for (int i = 0; i < 4; i++) {
            assertFalse(state.countUplink(), "uplink " + i);
        }
        assertTrue(state.countUplink());
        state.downlinkReceived();
        assertFalse(state.countUplink(), "a downlink restarts ADR_ACK_CNT");
        state.adrAckCnt = 4;
        assertTrue(state.countUplink());
        assertTrue(state.countUplink());
        assertEquals(4, state.txPowerIndex, "no change for ADR_ACK_DELAY uplinks");
        state.countUplink();
        assertEquals(0, state.txPowerIndex, "then the default TX power");
        assertEquals(1, state.dataRate);
        state.countUplink();
        state.countUplink();
        assertEquals(0, state.dataRate, "then the next lower data rate");
        assertEquals(3, state.nbTrans);
        state.countUplink();
        state.countUplink();
        assertEquals(1, state.nbTrans, "at the lowest, NbTrans 1 and the default channels");
        state.adr = false;
        state.adrAckCnt = 100;
        assertFalse(state.countUplink(), "no ADRACKReq without ADR");
    }

    @Test
    void anUplinkCarriesTheAnswersInFOptsOrOnFPort0WhenTheyDoNotFit() {
        SpecDevice device = new SpecDevice("0000000000000001", null, "1.0.4", null, null, 0)
                .inRegion(DeviceRegion.US915, 3);
        byte[] nwkSKey = hex("000102030405060708090A0B0C0D0E0F");
        byte[] appSKey = hex("0F0E0D0C0B0A09080706050403020100");
        device.activate("26000001", nwkSKey, appSKey);
        device.mac.receive(hex("03 30 0000 70  03 30 00FF 01  06  04 00"));
        device.mac.linkCheckReq();
        SpecDevice.Uplink fits = device.uplinkNow(false, 10, new byte[] {1});
        assertEquals(10, fits.fPort());
        assertEquals(0x80 | 9, fits.phy()[5] & 0xFF, "ADR bit and 9 octets of FOpts");
        assertArrayEquals(hex("0307 0307 06ff00 04 02"), java.util.Arrays.copyOfRange(fits.phy(), 8, 17));
        assertTrue(range(8, 15).contains(fits.channel()));
        assertEquals("SF7BW125", fits.datr());
        assertEquals(new SpecDevice.Window(923_300_000L + (fits.channel() % 8) * 600_000L, "SF7BW500", 1), fits.rx1());
        assertEquals(new SpecDevice.Window(923_300_000L, "SF12BW500", 2), fits.rx2());

        device.mac.receive(hex("03 30 00FF 01  03 30 00FF 01  03 30 00FF 01  03 30 00FF 01  03 30 00FF 01"
                + "06  05 08 68E28C"));
        device.mac.deviceTimeReq();
        SpecDevice.Uplink overflow = device.uplinkNow(false, 10, new byte[] {1});
        assertEquals(0, overflow.fPort(), "16 octets of commands go on FPort 0");
        byte[] phy = overflow.phy();
        byte[] frmPayload = java.util.Arrays.copyOfRange(phy, 9, phy.length - 4);
        assertArrayEquals(hex("0307 0307 0307 0307 0307 06ff00 0507 0d"),
                DeviceCrypto.cipherStream(nwkSKey, 0, DeviceCrypto.reversed(hex("26000001")), overflow.fCnt(),
                        frmPayload, 0));
        assertEquals("0507", HEX.formatHex(device.mac.pendingCommands()), "RXParamSetupAns stays until a downlink");
    }
}
