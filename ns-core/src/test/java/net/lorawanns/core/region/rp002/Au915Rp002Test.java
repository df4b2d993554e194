package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.hex;
import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
import static net.lorawanns.core.region.rp002.Rp002Tables.notServed;
import static net.lorawanns.core.region.rp002.Rp002Tables.payload;
import static net.lorawanns.core.region.rp002.Rp002Tables.rate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * AU915-928, RP002-1.0.4 section 2.8. Cross-checked against The Things Stack {@code pkg/band/au_915_928.go} and
 * {@code au_915_928_rp2_v1_0_4.go}, ChirpStack lrwn {@code region/au915.rs}, LoRaMac-node ({@code
 * DatarateOffsetsAU915}, the same RX1 table) and the values of the earlier {@code RegionsTest}.
 */
class Au915Rp002Test {

    private static final Region AU915 = Regions.byId("au915");
    private static final Region SUB_BAND_2 = AU915.withSubBands(Set.of(2));
    private static final Region SUB_BANDS_1_2 = AU915.withSubBands(Set.of(1, 2));

    /**
     * RP002-1.0.4 section 2.8.3, "AU915-928 TX Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 SF8/500 kHz, DR7
     * LR-FHSS (not served), DR8-13 SF12-SF7/500 kHz (downlink); DR14 is RFU in 1.0.4 (not asserted: RP002-1.0.5
     * defines it).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(AU915, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(8, 500)), notServed(7),
                rate(8, lora(12, 500)), rate(9, lora(11, 500)), rate(10, lora(10, 500)), rate(11, lora(9, 500)),
                rate(12, lora(8, 500)), rate(13, lora(7, 500))));
        assertEquals(6, AU915.uplinkDataRateIndex(lora(8, 500)).getAsInt(), "SF8/500 uplink is DR6");
        assertEquals(12, AU915.downlinkDataRateIndex(lora(8, 500)).getAsInt(), "SF8/500 downlink is DR12");
    }

    /**
     * RP002-1.0.4 section 2.8.2: upstream channels 0-63 at 915.2 MHz + 200 kHz * n (DR0-5), 64-71 at 915.9 MHz
     * + 1.6 MHz * (n - 64) (DR6); section 2.8.7: RX1 channel = uplink channel modulo 8, downstream channel k at
     * 923.3 MHz + 600 kHz * k.
     */
    @Test
    void channelsAndRx1Frequency() {
        assertEquals(0, AU915.uplinkChannel(915_200_000L).getAsInt());
        assertEquals(8, AU915.uplinkChannel(916_800_000L).getAsInt());
        assertEquals(63, AU915.uplinkChannel(927_800_000L).getAsInt());
        assertEquals(64, AU915.uplinkChannel(915_900_000L).getAsInt());
        assertEquals(71, AU915.uplinkChannel(927_100_000L).getAsInt());

        assertEquals(923_300_000L, AU915.rx1Frequency(915_200_000L), "channel 0 (sub-band 1) -> downlink 0");
        assertEquals(923_300_000L, AU915.rx1Frequency(916_800_000L), "channel 8 (sub-band 2) -> downlink 0");
        assertEquals(927_500_000L, AU915.rx1Frequency(918_200_000L), "channel 15 -> downlink 7");
        assertEquals(927_500_000L, AU915.rx1Frequency(927_800_000L), "channel 63 (sub-band 8) -> downlink 7");
        assertEquals(923_900_000L, AU915.rx1Frequency(917_500_000L), "channel 65 (500 kHz) -> downlink 1");
        assertEquals(927_500_000L, AU915.rx1Frequency(927_100_000L), "channel 71 (500 kHz) -> downlink 7");

        assertTrue(SUB_BAND_2.acceptsUplink(916_800_000L, 5));
        assertTrue(SUB_BAND_2.acceptsUplink(917_500_000L, 6));
        assertFalse(SUB_BAND_2.acceptsUplink(916_800_000L, 6), "DR6 is the 500 kHz channels' data rate");
        assertFalse(SUB_BAND_2.acceptsUplink(915_200_000L, 2), "channel 0 is not enabled in sub-band 2");
    }

    /**
     * RP002-1.0.4 section 2.8.7, "AU915-928 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. Rows {uplink DR,
     * RX1 DR for offset 0..5}; the LR-FHSS row DR7 is not served.
     */
    @Test
    void rx1DataRate() {
        assertEquals(5, AU915.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(AU915, new int[][] {
            {0, 8, 8, 8, 8, 8, 8},
            {1, 9, 8, 8, 8, 8, 8},
            {2, 10, 9, 8, 8, 8, 8},
            {3, 11, 10, 9, 8, 8, 8},
            {4, 12, 11, 10, 9, 8, 8},
            {5, 13, 12, 11, 10, 9, 8},
            {6, 13, 13, 12, 11, 10, 9},
        }, false);
    }

    /** RP002-1.0.4 section 2.8.7: RX2 default 923.3 MHz, DR8 (SF12, 500 kHz). */
    @Test
    void rx2Defaults() {
        assertEquals(923_300_000L, AU915.rx2Frequency());
        assertEquals(8, AU915.rx2DataRate());
    }

    /**
     * RP002-1.0.4 section 2.8.6, "AU915-928 maximum payload size" tables. Without dwell time: DR0-2 59/51, DR3
     * 123/115, DR4-6 250/242 (repeater 230/222), DR8 61/53, DR9 137/129, DR10-13 250/242 (repeater 230/222).
     * With the 400 ms uplink dwell time: DR0-1 not allowed (N/A, not asserted), DR2 19/11, DR3 61/53, DR4 133/125,
     * DR5-6 250/242 (repeater 230/222), DR8-13 as without. TTS {@code au_915_928_rp2_v1_0_4.go} and ChirpStack's
     * RP002-1.0.2 to 1.0.4 tables agree on the non-repeater rows; the repeater + dwell-time rows are ChirpStack's
     * (TTS has no repeater tables) and follow the 230-octet cap the other repeater tables show.
     */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(8, 61, 53),
                payload(9, 137, 129), payload(10, 250, 242), payload(11, 250, 242), payload(12, 250, 242),
                payload(13, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(8, 61, 53),
                payload(9, 137, 129), payload(10, 230, 222), payload(11, 230, 222), payload(12, 230, 222),
                payload(13, 230, 222));
        Rp002Tables.assertMaxPayloads(AU915, false, direct, repeater);
        List<Payload> directDwell = List.of(
                payload(2, 19, 11), payload(3, 61, 53), payload(4, 133, 125), payload(5, 250, 242),
                payload(6, 250, 242), payload(8, 61, 53), payload(9, 137, 129), payload(10, 250, 242),
                payload(11, 250, 242), payload(12, 250, 242), payload(13, 250, 242));
        List<Payload> repeaterDwell = List.of(
                payload(2, 19, 11), payload(3, 61, 53), payload(4, 133, 125), payload(5, 230, 222),
                payload(6, 230, 222), payload(8, 61, 53), payload(9, 137, 129), payload(10, 230, 222),
                payload(11, 230, 222), payload(12, 230, 222), payload(13, 230, 222));
        Rp002Tables.assertMaxPayloads(AU915, true, directDwell, repeaterDwell);
    }

    /** RP002-1.0.4 sections 2.3.2 and 2.8.4: CFList type 1, laid out as for US902-928. */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0_3_A", "RP_1_1_A", "RP_1_1_B", "RP002_1_0_0",
        "RP002_1_0_1", "RP002_1_0_2", "RP002_1_0_3", "RP002_1_0_4"})
    void joinAcceptCfList(RegParamsRevision revision) {
        assertEquals(1, AU915.cfListType());
        assertArrayEquals(hex("00 FF  00 00  00 00  00 00  02 00  00 00 00 00 00  01"),
                SUB_BAND_2.joinAcceptCfList(revision).orElseThrow().encode(), "sub-band 2, " + revision);
        assertArrayEquals(hex("FF FF  00 00  00 00  00 00  03 00  00 00 00 00 00  01"),
                SUB_BANDS_1_2.joinAcceptCfList(revision).orElseThrow().encode(), "sub-bands 1 and 2, " + revision);
    }

    /** LoRaWAN Regional Parameters 1.0.2revB section 2.5.4: AU915-928 does not support the optional CFList. */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0_2", "RP_1_0_2_B"})
    void noCfListBeforeTypeOneExisted(RegParamsRevision revision) {
        assertTrue(SUB_BAND_2.joinAcceptCfList(revision).isEmpty(), revision.toString());
    }

    /** RP002-1.0.4 section 2.8.3, "AU915-928 TX power table": Max EIRP - 2 dB * TXPower, 0..14; max EIRP +30 dBm. */
    @Test
    void txPower() {
        Rp002Tables.assertTxPowerTable(AU915, 30, 14);
    }

    /** RP002-1.0.4 section 2.8.5 (the US902-928 ChMaskCntl semantics), applied by {@link ChMaskRules#fixed72}. */
    @Test
    void linkAdrChannelMasks() {
        Set<Integer> subBand2 = ChMaskRules.fixed72SubBands(2);
        var blocks = SUB_BAND_2.linkAdrChannelMasks(subBand2).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(subBand2, ChMaskRules.fixed72(ChMaskRules.range(0, 72), blocks), "from all 72 channels");
        assertEquals(subBand2, ChMaskRules.fixed72(ChMaskRules.fixed72SubBands(1, 7), blocks), "from sub-bands 1, 7");
    }

    /**
     * Fixed plan without NewChannelReq; TxParamSetupReq is implemented from RP 1.0.3revA on (section 2.8.3). RP002
     * section 2.8.2: join requests at DR2 so as to respect the 400 ms uplink dwell time until TxParamSetupReq
     * says otherwise (TTS {@code BootDwellTime}: uplink on, downlink off; LoRaMac-node
     * {@code AU915_DEFAULT_UPLINK_DWELL_TIME} 1 and the common downlink default 0 of RP002 section 2.2).
     */
    @Test
    void commandsAndDwellTime() {
        assertFalse(AU915.supportsNewChannelReq());
        assertTrue(AU915.supportsTxParamSetup());
        assertTrue(AU915.dwellTime().uplinkDefault());
        assertFalse(AU915.dwellTime().downlinkDefault());
    }
}
