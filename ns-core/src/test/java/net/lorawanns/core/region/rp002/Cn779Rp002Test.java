package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.fsk50;
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
 * CN779-787, RP002-1.0.4 section 2.6. Cross-checked against The Things Stack {@code cn_779_787_rp2_v1_0_3.go}
 * and ChirpStack lrwn {@code region/cn779.rs}.
 */
class Cn779Rp002Test {

    private static final Region CN779 = Regions.byId("cn779");
    private static final Region CN779_WITH_EXTRAS = CN779.withExtraChannels(List.of(
            new Channel(780_100_000L, 0, 5), new Channel(780_300_000L, 0, 5), new Channel(780_500_000L, 0, 5)));

    /**
     * RP002-1.0.4 section 2.6.3, "CN779-787 TX Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 SF7/250 kHz, DR7
     * FSK 50 kbps (higher indices RFU in 1.0.4; not asserted).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(CN779, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(7, 250)), rate(7, fsk50())));
    }

    /**
     * RP002-1.0.4 section 2.6.2, "CN779-787 default channels": 779.5, 779.7, 779.9 MHz, DR0-5; section 2.6.7: RX1 on
     * the uplink channel, RX2 default 786 MHz at DR0.
     */
    @Test
    void channelsRx1FrequencyAndRx2() {
        assertEquals(List.of(new Channel(779_500_000L, 0, 5), new Channel(779_700_000L, 0, 5),
                new Channel(779_900_000L, 0, 5)),
                CN779.uplinkChannels());
        assertEquals(779_500_000L, CN779.rx1Frequency(779_500_000L));
        assertEquals(779_700_000L, CN779.rx1Frequency(779_700_000L));
        assertEquals(779_900_000L, CN779.rx1Frequency(779_900_000L));
        assertTrue(CN779.acceptsUplink(779_500_000L, 5));
        assertFalse(CN779.acceptsUplink(786_000_000L, 0), "RX2, no uplink channel");
        assertEquals(786_000_000L, CN779.rx2Frequency());
        assertEquals(0, CN779.rx2DataRate());
    }

    /** RP002-1.0.4 section 2.6.7, "CN779-787 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, CN779.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(CN779, Rp002Tables.RX1_DR0_TO_DR7_OFFSET_0_TO_5, false);
    }

    /** RP002-1.0.4 section 2.6.6, "CN779-787 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(CN779, false, direct, repeater);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.6.4: CFList type 0; 780.1, 780.3, 780.5 MHz as channels 3-5. */
    @Test
    void joinAcceptCfList() {
        assertEquals(0, CN779.cfListType());
        assertTrue(CN779.joinAcceptCfList(RegParamsRevision.RP002_1_0_4).isEmpty(), "no extra channels");
        Rp002Tables.assertCfListType0(CN779_WITH_EXTRAS, RegParamsRevision.RP002_1_0_4,
                "A8 08 77  78 10 77  48 18 77  00 00 00  00 00 00  00", 780_100_000L, 780_300_000L, 780_500_000L);
    }

    /**
     * RP002-1.0.4 section 2.6.3, "CN779-787 TX power table": Max EIRP - 2 dB * TXPower, 0..5; max EIRP
     * 12.15 dBm.
     */
    @Test
    void txPowerAndCommands() {
        Rp002Tables.assertTxPowerTable(CN779, 12.15, 5);
        assertTrue(CN779.supportsNewChannelReq());
        assertFalse(CN779.supportsTxParamSetup());
    }
}
