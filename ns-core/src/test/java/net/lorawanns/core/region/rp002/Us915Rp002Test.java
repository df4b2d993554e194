package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.hex;
import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
import static net.lorawanns.core.region.rp002.Rp002Tables.notServed;
import static net.lorawanns.core.region.rp002.Rp002Tables.payload;
import static net.lorawanns.core.region.rp002.Rp002Tables.rate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.region.rp002.Rp002Tables.Payload;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * US902-928, RP002-1.0.4 section 2.5. Cross-checked against LoRaWAN Regional Parameters 1.0.3revA section 2.3
 * (Tables 16 and 17, same values), ChirpStack lrwn {@code region/us915.rs} and The Things Stack
 * {@code pkg/band/us_902_928*.go}.
 */
class Us915Rp002Test {

    private static final Region US915 = Regions.byId("us915");
    private static final Region SUB_BAND_2 = US915.withSubBands(Set.of(2));
    private static final Region SUB_BANDS_1_2 = US915.withSubBands(Set.of(1, 2));

    /**
     * RP002-1.0.4 section 2.5.3, "US902-928 TX Data rate table": DR0-3 SF10-SF7/125 kHz, DR4 SF8/500 kHz, DR5-6
     * LR-FHSS (not served), DR8-13 SF12-SF7/500 kHz (downlink). DR7 and DR14 are RFU in 1.0.4 but defined in
     * RP002-1.0.5, so they are not asserted.
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(US915, List.of(
                rate(0, lora(10, 125)), rate(1, lora(9, 125)), rate(2, lora(8, 125)), rate(3, lora(7, 125)),
                rate(4, lora(8, 500)), notServed(5), notServed(6),
                rate(8, lora(12, 500)), rate(9, lora(11, 500)), rate(10, lora(10, 500)), rate(11, lora(9, 500)),
                rate(12, lora(8, 500)), rate(13, lora(7, 500))));
        assertEquals(4, US915.uplinkDataRateIndex(lora(8, 500)).getAsInt(), "SF8/500 uplink is DR4");
        assertEquals(12, US915.downlinkDataRateIndex(lora(8, 500)).getAsInt(), "SF8/500 downlink is DR12");
        assertTrue(US915.uplinkDataRateIndex(lora(12, 500)).isEmpty(), "DR8-13 are downlink only");
    }

    /**
     * RP002-1.0.4 section 2.5.2: upstream channels 0-63 at 902.3 MHz + 200 kHz * n (DR0-3), 64-71 at 903.0 MHz
     * + 1.6 MHz * (n - 64) (DR4); section 2.5.7: RX1 channel = uplink channel modulo 8, downstream channel k at
     * 923.3 MHz + 600 kHz * k.
     */
    @Test
    void channelsAndRx1Frequency() {
        assertEquals(0, US915.uplinkChannel(902_300_000L).getAsInt());
        assertEquals(8, US915.uplinkChannel(903_900_000L).getAsInt());
        assertEquals(63, US915.uplinkChannel(914_900_000L).getAsInt());
        assertEquals(64, US915.uplinkChannel(903_000_000L).getAsInt());
        assertEquals(71, US915.uplinkChannel(914_200_000L).getAsInt());
        assertEquals(0, SUB_BAND_2.uplinkChannel(902_300_000L).getAsInt(), "the index of a disabled channel too");

        assertEquals(923_300_000L, US915.rx1Frequency(902_300_000L), "channel 0 (sub-band 1) -> downlink 0");
        assertEquals(923_300_000L, US915.rx1Frequency(903_900_000L), "channel 8 (sub-band 2) -> downlink 0");
        assertEquals(924_500_000L, US915.rx1Frequency(904_300_000L), "channel 10 -> downlink 2");
        assertEquals(927_500_000L, US915.rx1Frequency(905_300_000L), "channel 15 -> downlink 7");
        assertEquals(927_500_000L, US915.rx1Frequency(914_900_000L), "channel 63 (sub-band 8) -> downlink 7");
        assertEquals(923_300_000L, US915.rx1Frequency(903_000_000L), "channel 64 (500 kHz) -> downlink 0");
        assertEquals(923_900_000L, US915.rx1Frequency(904_600_000L), "channel 65 (500 kHz) -> downlink 1");
        assertEquals(927_500_000L, US915.rx1Frequency(914_200_000L), "channel 71 (500 kHz) -> downlink 7");

        assertTrue(SUB_BAND_2.acceptsUplink(903_900_000L, 0));
        assertTrue(SUB_BAND_2.acceptsUplink(905_300_000L, 3));
        assertTrue(SUB_BAND_2.acceptsUplink(904_600_000L, 4));
        assertFalse(SUB_BAND_2.acceptsUplink(903_900_000L, 4), "DR4 belongs to the 500 kHz channels");
        assertFalse(SUB_BAND_2.acceptsUplink(904_600_000L, 0), "channel 65 carries DR4 only");
        assertFalse(SUB_BAND_2.acceptsUplink(902_300_000L, 0), "channel 0 is not enabled in sub-band 2");
        assertFalse(SUB_BAND_2.acceptsUplink(903_000_000L, 4), "channel 64 is not enabled in sub-band 2");
        assertTrue(SUB_BANDS_1_2.acceptsUplink(902_300_000L, 0));
        assertTrue(SUB_BANDS_1_2.acceptsUplink(903_000_000L, 4));
        assertThrows(IllegalArgumentException.class, () -> US915.withExtraChannels(List.of()),
                "extra channels are a dynamic-plan notion");
    }

    /**
     * RP002-1.0.4 section 2.5.7, "US902-928 downlink RX1 data rate mapping" (RP 1.0.3revA Table 17); RX1DROffset
     * 0 to 3. Rows {uplink DR, RX1 DR for offset 0, 1, 2, 3}; the LR-FHSS rows DR5/DR6 are not served.
     */
    @Test
    void rx1DataRate() {
        assertEquals(3, US915.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(US915, new int[][] {
            {0, 10, 9, 8, 8},
            {1, 11, 10, 9, 8},
            {2, 12, 11, 10, 9},
            {3, 13, 12, 11, 10},
            {4, 13, 13, 12, 11},
        }, false);
    }

    /** RP002-1.0.4 section 2.5.7: RX2 default 923.3 MHz, DR8 (SF12, 500 kHz). */
    @Test
    void rx2Defaults() {
        assertEquals(923_300_000L, US915.rx2Frequency());
        assertEquals(8, US915.rx2DataRate());
    }

    /**
     * RP002-1.0.4 section 2.5.6, "US902-928 maximum payload size (not repeater compatible)" (RP 1.0.3revA Table
     * 16, the same values; TTS) and "(repeater compatible)" (ChirpStack's RP002-1.0.2 to 1.0.4 table; RP002-1.0.5
     * Table 24 for DR0-DR4). RP002-1.0.0 and 1.0.1 had 41/33 and 117/109 for repeater DR8/DR9; 1.0.2 aligned them.
     */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 19, 11), payload(1, 61, 53), payload(2, 133, 125), payload(3, 250, 242),
                payload(4, 250, 242), payload(8, 61, 53), payload(9, 137, 129), payload(10, 250, 242),
                payload(11, 250, 242), payload(12, 250, 242), payload(13, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 19, 11), payload(1, 61, 53), payload(2, 133, 125), payload(3, 230, 222),
                payload(4, 230, 222), payload(8, 61, 53), payload(9, 137, 129), payload(10, 230, 222),
                payload(11, 230, 222), payload(12, 230, 222), payload(13, 230, 222));
        Rp002Tables.assertMaxPayloads(US915, false, direct, repeater);
    }

    /**
     * RP002-1.0.4 sections 2.3.2 and 2.5.4: CFList type 1, ChMask0..ChMask4 (2 octets each, little endian; ChMask4
     * covers channels 64-71), 5 RFU octets, CFListType 1. Sub-band 2 = channels 8-15 and 65: ChMask0 = 0xFF00,
     * ChMask4 = 0x0002. Sub-bands 1 and 2 = channels 0-15, 64 and 65: ChMask0 = 0xFFFF, ChMask4 = 0x0003.
     */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0_3_A", "RP_1_1_A", "RP_1_1_B", "RP002_1_0_0",
        "RP002_1_0_1", "RP002_1_0_2", "RP002_1_0_3", "RP002_1_0_4"})
    void joinAcceptCfList(RegParamsRevision revision) {
        assertEquals(1, US915.cfListType());
        assertArrayEquals(hex("00 FF  00 00  00 00  00 00  02 00  00 00 00 00 00  01"),
                SUB_BAND_2.joinAcceptCfList(revision).orElseThrow().encode(), "sub-band 2, " + revision);
        assertArrayEquals(hex("FF FF  00 00  00 00  00 00  03 00  00 00 00 00 00  01"),
                SUB_BANDS_1_2.joinAcceptCfList(revision).orElseThrow().encode(), "sub-bands 1 and 2, " + revision);
    }

    /**
     * LoRaWAN Regional Parameters 1.0.2revB section 2.2.4: "The US902-928 LoRaWAN does not support the use of the
     * optional CFlist"; CFListType 1 appears with revisions 1.0.3revA and 1.1revA (TTS {@code disableCFList} for
     * 1.0.2revB and older agrees).
     */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0", "RP_1_0_1", "RP_1_0_2", "RP_1_0_2_B"})
    void noCfListBeforeTypeOneExisted(RegParamsRevision revision) {
        assertTrue(SUB_BAND_2.joinAcceptCfList(revision).isEmpty(), revision.toString());
    }

    /** RP002-1.0.4 section 2.5.3, "US902-928 TX power table": TXPower 0..14 = 30 dBm - 2 dB * TXPower. */
    @Test
    void txPower() {
        Rp002Tables.assertTxPowerTable(US915, 30, 14);
    }

    /**
     * The LinkADRReq blocks for a sub-band plan, applied by a device as RP002-1.0.4 section 2.5.5 says
     * ({@link ChMaskRules#fixed72}): from every channel on (a device that never got a mask) and from another plan.
     */
    @Test
    void linkAdrChannelMasks() {
        Set<Integer> all = ChMaskRules.range(0, 72);
        Set<Integer> subBand2 = ChMaskRules.fixed72SubBands(2);
        var blocks = SUB_BAND_2.linkAdrChannelMasks(subBand2).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(subBand2, ChMaskRules.fixed72(all, blocks), "from all 72 channels");
        assertEquals(subBand2, ChMaskRules.fixed72(ChMaskRules.fixed72SubBands(1, 7), blocks), "from sub-bands 1, 7");

        Set<Integer> subBands12 = ChMaskRules.fixed72SubBands(1, 2);
        var both = SUB_BANDS_1_2.linkAdrChannelMasks(subBands12).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(subBands12, ChMaskRules.fixed72(all, both), "from all 72 channels");
        assertEquals(subBands12, ChMaskRules.fixed72(subBand2, both), "from sub-band 2");
    }

    /** Fixed plan: no NewChannelReq (section 2.5.5), no TxParamSetupReq (section 2.5.3). */
    @Test
    void commands() {
        assertFalse(US915.supportsNewChannelReq());
        assertFalse(US915.supportsTxParamSetup());
    }
}
