package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
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
 * KR920-923, RP002-1.0.4 section 2.11. Cross-checked against The Things Stack {@code kr_920_923_rp2_v1_0_4.go}
 * and ChirpStack lrwn {@code region/kr920.rs}.
 */
class Kr920Rp002Test {

    private static final Region KR920 = Regions.byId("kr920");

    /** RP002-1.0.4 section 2.11.3, "KR920-923 Data rate table": DR0-5 SF12-SF7/125 kHz (higher indices RFU). */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(KR920, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125))));
    }

    /**
     * RP002-1.0.4 section 2.11.2, "KR920-923 default channels": 922.1, 922.3, 922.5 MHz, DR0-5; section 2.11.7:
     * RX1 on the uplink channel, RX2 default 921.9 MHz at DR0.
     */
    @Test
    void channelsRx1FrequencyAndRx2() {
        assertEquals(List.of(new Channel(922_100_000L, 0, 5), new Channel(922_300_000L, 0, 5),
                new Channel(922_500_000L, 0, 5)), KR920.uplinkChannels());
        assertEquals(922_100_000L, KR920.rx1Frequency(922_100_000L));
        assertEquals(922_300_000L, KR920.rx1Frequency(922_300_000L));
        assertEquals(922_500_000L, KR920.rx1Frequency(922_500_000L));
        assertTrue(KR920.acceptsUplink(922_500_000L, 5));
        assertFalse(KR920.acceptsUplink(922_700_000L, 0), "no extra channel configured");
        assertEquals(921_900_000L, KR920.rx2Frequency());
        assertEquals(0, KR920.rx2DataRate());
    }

    /** RP002-1.0.4 section 2.11.7, "KR920-923 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, KR920.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(KR920, new int[][] {
            {0, 0, 0, 0, 0, 0, 0},
            {1, 1, 0, 0, 0, 0, 0},
            {2, 2, 1, 0, 0, 0, 0},
            {3, 3, 2, 1, 0, 0, 0},
            {4, 4, 3, 2, 1, 0, 0},
            {5, 5, 4, 3, 2, 1, 0},
        }, false);
    }

    /** RP002-1.0.4 section 2.11.6, "KR920-923 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222));
        Rp002Tables.assertMaxPayloads(KR920, false, direct, repeater);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.11.4: CFList type 0; 922.7, 922.9 and 923.1 MHz as channels 3-5. */
    @Test
    void joinAcceptCfList() {
        assertEquals(0, KR920.cfListType());
        Region withExtras = KR920.withExtraChannels(List.of(new Channel(922_700_000L, 0, 5),
                new Channel(922_900_000L, 0, 5), new Channel(923_100_000L, 0, 5)));
        Rp002Tables.assertCfListType0(withExtras, RegParamsRevision.RP002_1_0_4,
                "F8 CA 8C  C8 D2 8C  98 DA 8C  00 00 00  00 00 00  00", 922_700_000L, 922_900_000L, 923_100_000L);
    }

    /** RP002-1.0.4 section 2.11.3, "KR920-923 TX power table": Max EIRP - 2 dB * TXPower, 0..7; max EIRP 14 dBm. */
    @Test
    void txPowerAndCommands() {
        Rp002Tables.assertTxPowerTable(KR920, 14, 7);
        assertTrue(KR920.supportsNewChannelReq());
        assertFalse(KR920.supportsTxParamSetup());
    }
}
