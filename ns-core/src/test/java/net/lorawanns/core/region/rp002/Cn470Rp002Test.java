package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.hex;
import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
import static net.lorawanns.core.region.rp002.Rp002Tables.payload;
import static net.lorawanns.core.region.rp002.Rp002Tables.rate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.region.rp002.Rp002Tables.Payload;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CN470-510, the 96-uplink / 48-downlink channel plan of RP002-1.0.0 to 1.0.2 section 2.9 (and LoRaWAN Regional
 * Parameters 1.0.3revA section 2.7). Cross-checked against The Things Stack {@code cn_470_510_rp2_v1_0_0.go} and
 * ChirpStack lrwn {@code region/cn470.rs} (its tests: channel 95 = 489.3 MHz, RX1 509.7 MHz).
 */
class Cn470Rp002Test {

    private static final Region CN470 = Regions.byId("cn470");
    private static final Region SUB_BAND_1 = CN470.withSubBands(Set.of(1));

    /**
     * RP002-1.0.2 section 2.9.3, "CN470-510 TX Data rate table": DR0-5 SF12-SF7/125 kHz. The higher indices are
     * not asserted: RFU for this plan, defined (SF7/500, FSK) for the RP002-1.0.3 plan types.
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(CN470, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125))));
    }

    /**
     * RP002-1.0.2 section 2.9.2: upstream channels 0-95 at 470.3 MHz + 200 kHz * n, DR0-5; section 2.9.7: RX1
     * channel = uplink channel modulo 48, downstream channel k at 500.3 MHz + 200 kHz * k.
     */
    @Test
    void channelsAndRx1Frequency() {
        assertEquals(0, CN470.uplinkChannel(470_300_000L).getAsInt());
        assertEquals(47, CN470.uplinkChannel(479_700_000L).getAsInt());
        assertEquals(95, CN470.uplinkChannel(489_300_000L).getAsInt());

        assertEquals(500_300_000L, CN470.rx1Frequency(470_300_000L), "channel 0 (sub-band 1) -> downlink 0");
        assertEquals(501_900_000L, CN470.rx1Frequency(471_900_000L), "channel 8 (sub-band 2) -> downlink 8");
        assertEquals(509_700_000L, CN470.rx1Frequency(479_700_000L), "channel 47 (sub-band 6) -> downlink 47");
        assertEquals(500_300_000L, CN470.rx1Frequency(479_900_000L), "channel 48 (sub-band 7) -> downlink 0");
        assertEquals(509_700_000L, CN470.rx1Frequency(489_300_000L), "channel 95 (sub-band 12) -> downlink 47");

        assertTrue(SUB_BAND_1.acceptsUplink(470_300_000L, 0));
        assertTrue(SUB_BAND_1.acceptsUplink(471_700_000L, 5));
        assertFalse(SUB_BAND_1.acceptsUplink(471_900_000L, 0), "channel 8 is not in sub-band 1");
    }

    /** RP002-1.0.2 section 2.9.7, "CN470-510 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, CN470.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(CN470, new int[][] {
            {0, 0, 0, 0, 0, 0, 0},
            {1, 1, 0, 0, 0, 0, 0},
            {2, 2, 1, 0, 0, 0, 0},
            {3, 3, 2, 1, 0, 0, 0},
            {4, 4, 3, 2, 1, 0, 0},
            {5, 5, 4, 3, 2, 1, 0},
        }, false);
    }

    /** RP002-1.0.2 section 2.9.7: RX2 default 505.3 MHz, DR0. */
    @Test
    void rx2Defaults() {
        assertEquals(505_300_000L, CN470.rx2Frequency());
        assertEquals(0, CN470.rx2DataRate());
    }

    /** RP002-1.0.2 section 2.9.6, "CN470-510 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222));
        Rp002Tables.assertMaxPayloads(CN470, false, direct, repeater);
    }

    /**
     * RP002-1.0.2 sections 2.3.2 and 2.9.4: CFList type 1 with the 96 channels in six masks, ChMask0 to ChMask5
     * (16 channels each, little endian), 3 RFU octets, CFListType 1; LoRaMac-node's CN470 {@code ApplyCFList}
     * (LoRaWAN 1.0.3 build) reads the same six masks. Sub-band 1 = channels 0-7: ChMask0 = 0x00FF. Sub-bands 1 and
     * 11 = channels 0-7 and 80-87: ChMask0 = ChMask5 = 0x00FF, which a five-mask (US902-928 style) list cannot say.
     */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0_3_A", "RP002_1_0_0", "RP002_1_0_1", "RP002_1_0_2"})
    void joinAcceptCfList(RegParamsRevision revision) {
        assertEquals(1, CN470.cfListType());
        assertArrayEquals(hex("FF 00  00 00  00 00  00 00  00 00  00 00  00 00 00  01"),
                SUB_BAND_1.joinAcceptCfList(revision).orElseThrow().encode(), "sub-band 1, " + revision);
        assertArrayEquals(hex("FF 00  00 00  00 00  00 00  00 00  FF 00  00 00 00  01"),
                CN470.withSubBands(Set.of(1, 11)).joinAcceptCfList(revision).orElseThrow().encode(),
                "sub-bands 1 and 11, " + revision);
    }

    /**
     * LoRaWAN Regional Parameters 1.0.2revB section 2.6.4: CN470-510 does not support the optional CFList (and
     * LoRaMac-node's CN470 {@code ApplyCFList} of that version ignores it).
     */
    @ParameterizedTest
    @EnumSource(value = RegParamsRevision.class, names = {"RP_1_0_2", "RP_1_0_2_B"})
    void noCfListBeforeTypeOneExisted(RegParamsRevision revision) {
        assertTrue(SUB_BAND_1.joinAcceptCfList(revision).isEmpty(), revision.toString());
    }

    /** RP002-1.0.2 section 2.9.3, "CN470-510 TX power table": Max EIRP - 2 dB * TXPower, 0..7; max EIRP 19.15 dBm. */
    @Test
    void txPower() {
        Rp002Tables.assertTxPowerTable(CN470, 19.15, 7);
    }

    /** RP002-1.0.2 section 2.9.5 ChMaskCntl table, applied by {@link ChMaskRules#fixed96}. */
    @Test
    void linkAdrChannelMasks() {
        Set<Integer> subBand1 = ChMaskRules.range(0, 8);
        var blocks = SUB_BAND_1.linkAdrChannelMasks(subBand1).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(subBand1, ChMaskRules.fixed96(ChMaskRules.range(0, 96), blocks), "from all 96 channels");
        assertEquals(subBand1, ChMaskRules.fixed96(ChMaskRules.range(40, 56), blocks), "from channels 40-55");

        Set<Integer> subBands1And11 = new TreeSet<>(subBand1);
        subBands1And11.addAll(ChMaskRules.range(80, 88));
        var both = CN470.withSubBands(Set.of(1, 11)).linkAdrChannelMasks(subBands1And11).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(subBands1And11, ChMaskRules.fixed96(ChMaskRules.range(0, 96), both), "sub-bands 1 and 11");
    }

    /** Fixed plan: no NewChannelReq, no TxParamSetupReq (section 2.9.3). */
    @Test
    void commands() {
        assertFalse(CN470.supportsNewChannelReq());
        assertFalse(CN470.supportsTxParamSetup());
    }
}
