package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.fsk50;
import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
import static net.lorawanns.core.region.rp002.Rp002Tables.notServed;
import static net.lorawanns.core.region.rp002.Rp002Tables.payload;
import static net.lorawanns.core.region.rp002.Rp002Tables.rate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.region.rp002.Rp002Tables.Payload;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AS923 groups 1 to 4, RP002-1.0.4 section 2.10. Groups 2-4 are group 1 shifted by AS923_FREQ_OFFSET (section
 * 2.10.2): -1.80 MHz, -6.60 MHz, -5.90 MHz. Cross-checked against RP002-1.0.5 section 3.10 (Table 73 and the
 * RX1DROffset text), The Things Stack {@code as_923_rp2_v1_0_4.go}, ChirpStack lrwn {@code region/as923.rs} and
 * LoRaMac-node {@code RegionAS923.h} (its RP002-1.0.1 tables).
 */
class As923Rp002Test {

    /** The region id and its AS923_FREQ_OFFSET_HZ. */
    static Stream<Arguments> groups() {
        return Stream.of(
                Arguments.of("as923-1", 0L),
                Arguments.of("as923-2", -1_800_000L),
                Arguments.of("as923-3", -6_600_000L),
                Arguments.of("as923-4", -5_900_000L));
    }

    /**
     * RP002-1.0.4 section 2.10.3, "AS923 Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 SF7/250 kHz, DR7 FSK 50
     * kbps; DR8-11 and DR14 are not served (RFU or LR-FHSS). DR12/13 are not asserted (defined by RP002-1.0.5).
     */
    @ParameterizedTest
    @MethodSource("groups")
    void dataRates(String id, long offsetHz) {
        Rp002Tables.assertDataRates(Regions.byId(id), List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(7, 250)), rate(7, fsk50()),
                notServed(8), notServed(9), notServed(10), notServed(11), notServed(14)));
    }

    /**
     * RP002-1.0.4 section 2.10.2, "AS923 default channels": 923.2 and 923.4 MHz + AS923_FREQ_OFFSET, DR0-5;
     * section 2.10.7: RX1 uses the uplink channel, RX2 default 923.2 MHz + AS923_FREQ_OFFSET at DR2.
     */
    @ParameterizedTest
    @MethodSource("groups")
    void channelsRx1FrequencyAndRx2(String id, long offsetHz) {
        Region region = Regions.byId(id);
        assertEquals(id, region.id());
        assertEquals(List.of(new Channel(923_200_000L + offsetHz, 0, 5), new Channel(923_400_000L + offsetHz, 0, 5)),
                region.uplinkChannels());
        assertEquals(923_200_000L + offsetHz, region.rx1Frequency(923_200_000L + offsetHz));
        assertEquals(923_400_000L + offsetHz, region.rx1Frequency(923_400_000L + offsetHz));
        Region withExtra = region.withExtraChannels(List.of(new Channel(922_000_000L + offsetHz, 0, 5)));
        assertEquals(922_000_000L + offsetHz, withExtra.rx1Frequency(922_000_000L + offsetHz));
        assertEquals(2, withExtra.uplinkChannel(922_000_000L + offsetHz).getAsInt());
        assertTrue(withExtra.acceptsUplink(922_000_000L + offsetHz, 5));
        assertEquals(923_200_000L + offsetHz, region.rx2Frequency());
        assertEquals(2, region.rx2DataRate());
    }

    /**
     * RP002-1.0.4 section 2.10.7, "AS923 downlink RX1 data rate mapping" with DownlinkDwellTime = 0. RX1DROffset
     * 0-7; 6 and 7 mean an effective offset of -1 and -2 (the RX1 data rate above the uplink's, up to DR7: RP002-1.0.5
     * lines 1625-1629 forbid DR5 uplinks at offset 6 and DR4/DR5 at 7 to devices without DR6/DR7, which only makes
     * sense if those cells are DR6/DR7). Rows {uplink DR, RX1 DR for offset 0..7}. LoRaMac-node's RP002-1.0.1
     * tables ({@code EffectiveRx1DrOffsetDownlinkDwell0AS923} and {@code ...Dwell1AS923} in {@code RegionAS923.h})
     * and TTS's RP002 bands give the same two tables; ChirpStack caps at DR5, the pre-RP002 rule (RP 1.0.2revB),
     * and disagrees on the cells above DR5.
     */
    static final int[][] RX1_NO_DWELL = {
        {0, 0, 0, 0, 0, 0, 0, 1, 2},
        {1, 1, 0, 0, 0, 0, 0, 2, 3},
        {2, 2, 1, 0, 0, 0, 0, 3, 4},
        {3, 3, 2, 1, 0, 0, 0, 4, 5},
        {4, 4, 3, 2, 1, 0, 0, 5, 6},
        {5, 5, 4, 3, 2, 1, 0, 6, 7},
        {6, 6, 5, 4, 3, 2, 1, 7, 7},
        {7, 7, 6, 5, 4, 3, 2, 7, 7},
    };

    /** The same table with DownlinkDwellTime = 1: RX1 never below DR2 (section 2.10.7, MinDR = 2). */
    static final int[][] RX1_DWELL = {
        {0, 2, 2, 2, 2, 2, 2, 2, 2},
        {1, 2, 2, 2, 2, 2, 2, 2, 3},
        {2, 2, 2, 2, 2, 2, 2, 3, 4},
        {3, 3, 2, 2, 2, 2, 2, 4, 5},
        {4, 4, 3, 2, 2, 2, 2, 5, 6},
        {5, 5, 4, 3, 2, 2, 2, 6, 7},
        {6, 6, 5, 4, 3, 2, 2, 7, 7},
        {7, 7, 6, 5, 4, 3, 2, 7, 7},
    };

    @ParameterizedTest
    @MethodSource("groups")
    void rx1DataRate(String id, long offsetHz) {
        Region region = Regions.byId(id);
        assertEquals(7, region.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(region, RX1_NO_DWELL, false);
        Rp002Tables.assertRx1DataRates(region, RX1_DWELL, true);
    }

    /**
     * RP002-1.0.4 section 2.10.6, "AS923 maximum payload size" (repeater compatible / not, each with DwellTime 0
     * and 1); RP002-1.0.5 Table 73 prints the same non-repeater rows, TTS {@code as_923_rp2_v1_0_4.go} too.
     * With the 400 ms dwell time DR0 and DR1 are not allowed (N/A, not asserted). DR2 without dwell time is 123/115
     * from RP002-1.0.1 on (59/51 in RP002-1.0.0; ChirpStack keeps both). LoRaMac-node's RP002-1.0.1 N columns
     * ({@code MaxPayloadOfDatarate*AS923}) agree with every row without dwell time and the non-repeater dwell-time
     * rows; the repeater dwell-time rows are ChirpStack's RP002-1.0.3/1.0.4 table (TTS has no repeater tables).
     */
    @ParameterizedTest
    @MethodSource("groups")
    void maxPayload(String id, long offsetHz) {
        Region region = Regions.byId(id);
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 123, 115), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 123, 115), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(region, false, direct, repeater);
        List<Payload> directDwell = List.of(
                payload(2, 19, 11), payload(3, 61, 53), payload(4, 133, 125), payload(5, 250, 242),
                payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeaterDwell = List.of(
                payload(2, 19, 11), payload(3, 61, 53), payload(4, 133, 125), payload(5, 230, 222),
                payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(region, true, directDwell, repeaterDwell);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.10.4: CFList type 0, none without extra channels. */
    @ParameterizedTest
    @MethodSource("groups")
    void cfListType(String id, long offsetHz) {
        Region region = Regions.byId(id);
        assertEquals(0, region.cfListType());
        assertTrue(region.joinAcceptCfList(RegParamsRevision.RP002_1_0_4).isEmpty(), "no extra channels");
    }

    /** The type 0 CFList of AS923-1 with 922.0-922.8 MHz as channels 2-6 (after the two default channels). */
    @Test
    void joinAcceptCfList() {
        Region withExtras = Regions.byId("as923-1").withExtraChannels(List.of(new Channel(922_000_000L, 0, 5),
                new Channel(922_200_000L, 0, 5), new Channel(922_400_000L, 0, 5), new Channel(922_600_000L, 0, 5),
                new Channel(922_800_000L, 0, 5)));
        Rp002Tables.assertCfListType0(withExtras, RegParamsRevision.RP002_1_0_4,
                "A0 AF 8C  70 B7 8C  40 BF 8C  10 C7 8C  E0 CE 8C  00",
                922_000_000L, 922_200_000L, 922_400_000L, 922_600_000L, 922_800_000L);
    }

    /**
     * RP002-1.0.4 section 2.10.3, "AS923 TX power table": Max EIRP - 2 dB * TXPower, 0..7; max EIRP +16 dBm.
     * TxParamSetupReq is implemented (section 2.10.3), NewChannelReq too (dynamic plan). Dwell time at boot:
     * uplink on (the 400 ms limit applies until TxParamSetupReq lifts it; LoRaMac-node
     * {@code AS923_DEFAULT_UPLINK_DWELL_TIME} 1), downlink off (RP002-1.0.4 section 2.2 default settings:
     * "DownlinkDwellTime 0"; LoRaMac-node's RP002 build uses that common default).
     */
    @ParameterizedTest
    @MethodSource("groups")
    void txPowerCommandsAndDwellTime(String id, long offsetHz) {
        Region region = Regions.byId(id);
        Rp002Tables.assertTxPowerTable(region, 16, 7);
        assertTrue(region.supportsTxParamSetup());
        assertTrue(region.supportsNewChannelReq());
        assertTrue(region.dwellTime().uplinkDefault());
        assertFalse(region.dwellTime().downlinkDefault());
    }
}
