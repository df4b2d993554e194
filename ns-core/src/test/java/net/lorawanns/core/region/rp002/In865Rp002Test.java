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
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.region.rp002.Rp002Tables.Payload;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;

/**
 * IN865-867, RP002-1.0.4 section 2.12. Cross-checked against The Things Stack {@code in_865_867.go} and
 * {@code in_865_867_rp2_v1_0_4.go}, ChirpStack lrwn {@code region/in865.rs} and LoRaMac-node
 * {@code RegionIN865.h} (its RP002-1.0.1 tables).
 */
class In865Rp002Test {

    private static final Region IN865 = Regions.byId("in865");

    /**
     * RP002-1.0.4 section 2.12.3, "IN865-867 TX Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 RFU, DR7 FSK 50
     * kbps; DR8-14 RFU in 1.0.4 (DR12/13 not asserted: RP002-1.0.5 defines them).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(IN865, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), notServed(6), rate(7, fsk50()), notServed(14)));
    }

    /**
     * RP002-1.0.4 section 2.12.2, "IN865-867 default channels": 865.0625, 865.4025, 865.985 MHz, DR0-5; section
     * 2.12.7: RX1 on the uplink channel, RX2 default 866.550 MHz at DR2.
     */
    @Test
    void channelsRx1FrequencyAndRx2() {
        assertEquals(List.of(new Channel(865_062_500L, 0, 5), new Channel(865_402_500L, 0, 5),
                new Channel(865_985_000L, 0, 5)), IN865.uplinkChannels());
        assertEquals(865_062_500L, IN865.rx1Frequency(865_062_500L));
        assertEquals(865_402_500L, IN865.rx1Frequency(865_402_500L));
        assertEquals(865_985_000L, IN865.rx1Frequency(865_985_000L));
        assertTrue(IN865.acceptsUplink(865_402_500L, 0));
        assertEquals(866_550_000L, IN865.rx2Frequency());
        assertEquals(2, IN865.rx2DataRate());
    }

    /**
     * RP002-1.0.4 section 2.12.7, "IN865-867 downlink RX1 data rate mapping"; RX1DROffset 0-7, 6 and 7 raising
     * the RX1 data rate above the uplink's. DR6 is RFU, so the table steps over it: DR4 at offset 7 and DR5 at
     * offset 6 stay at DR5, DR5 at offset 7 and DR7 at offsets 6-7 give DR7, and DR7 at offset 1 gives DR5.
     * Rows {uplink DR, RX1 DR for offset 0..7}. Typed from the RP002 table; the same table is LoRaMac-node's
     * {@code EffectiveRx1DrOffsetIN865} for RP002-1.0.1 ({@code RegionIN865.h}). ChirpStack (capped at DR5, and
     * DR6 for DR7/offset 1) and TTS (a formula through the RFU DR6) disagree on the cells that step over DR6.
     */
    @Test
    void rx1DataRate() {
        assertEquals(7, IN865.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(IN865, new int[][] {
            {0, 0, 0, 0, 0, 0, 0, 1, 2},
            {1, 1, 0, 0, 0, 0, 0, 2, 3},
            {2, 2, 1, 0, 0, 0, 0, 3, 4},
            {3, 3, 2, 1, 0, 0, 0, 4, 5},
            {4, 4, 3, 2, 1, 0, 0, 5, 5},
            {5, 5, 4, 3, 2, 1, 0, 5, 7},
            {7, 7, 5, 5, 4, 3, 2, 7, 7},
        }, false);
    }

    /** RP002-1.0.4 section 2.12.6, "IN865-867 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(IN865, false, direct, repeater);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.12.4: CFList type 0; 866.185, 866.385, 866.585 MHz as channels 3-5. */
    @Test
    void joinAcceptCfList() {
        assertEquals(0, IN865.cfListType());
        Region withExtras = IN865.withExtraChannels(List.of(new Channel(866_185_000L, 0, 5),
                new Channel(866_385_000L, 0, 5), new Channel(866_585_000L, 0, 5)));
        Rp002Tables.assertCfListType0(withExtras, RegParamsRevision.RP002_1_0_4,
                "5A 2B 84  2A 33 84  FA 3A 84  00 00 00  00 00 00  00", 866_185_000L, 866_385_000L, 866_585_000L);
    }

    /**
     * RP002-1.0.4 section 2.12.3, "IN865-867 TX power table": Max EIRP - 2 dB * TXPower, 0..10; max EIRP 30 dBm
     * (TTS RP002-1.0.4 band and LoRaMac-node {@code IN865_DEFAULT_MAX_EIRP}: 30; RP002-1.0.5 lowers it to 29.2).
     */
    @Test
    void txPowerAndCommands() {
        Rp002Tables.assertTxPowerTable(IN865, 30, 10);
        assertTrue(IN865.supportsNewChannelReq());
        assertFalse(IN865.supportsTxParamSetup());
    }
}
