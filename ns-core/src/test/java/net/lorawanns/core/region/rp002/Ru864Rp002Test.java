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
 * RU864-870, RP002-1.0.4 section 2.13. Cross-checked against LoRaWAN Regional Parameters 1.0.3revA section
 * 2.11 (beacon 869.1 MHz, ping slot 868.9 MHz), The Things Stack {@code ru_864_870_rp2_v1_0_4.go} and
 * ChirpStack lrwn {@code region/ru864.rs}.
 */
class Ru864Rp002Test {

    private static final Region RU864 = Regions.byId("ru864");
    private static final Region RU864_WITH_EXTRAS = RU864.withExtraChannels(List.of(
            new Channel(864_100_000L, 0, 5), new Channel(864_300_000L, 0, 5), new Channel(864_500_000L, 0, 5),
            new Channel(864_700_000L, 0, 5), new Channel(864_900_000L, 0, 5)));

    /**
     * RP002-1.0.4 section 2.13.3, "RU864-870 TX Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 SF7/250 kHz, DR7
     * FSK 50 kbps (higher indices RFU in 1.0.4; not asserted).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(RU864, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(7, 250)), rate(7, fsk50())));
    }

    /**
     * RP002-1.0.4 section 2.13.2, "RU864-870 default channels": 868.9, 869.1 MHz, DR0-5; section 2.13.7: RX1 on
     * the uplink channel, RX2 default 869.1 MHz at DR0.
     */
    @Test
    void channelsRx1FrequencyAndRx2() {
        assertEquals(List.of(new Channel(868_900_000L, 0, 5), new Channel(869_100_000L, 0, 5)),
                RU864.uplinkChannels());
        assertEquals(868_900_000L, RU864.rx1Frequency(868_900_000L));
        assertEquals(869_100_000L, RU864.rx1Frequency(869_100_000L));
        assertEquals(864_100_000L, RU864_WITH_EXTRAS.rx1Frequency(864_100_000L));
        assertTrue(RU864.acceptsUplink(868_900_000L, 5));
        assertFalse(RU864.acceptsUplink(864_100_000L, 0), "not a default channel");
        assertEquals(869_100_000L, RU864.rx2Frequency());
        assertEquals(0, RU864.rx2DataRate());
    }

    /** RP002-1.0.4 section 2.13.7, "RU864-870 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, RU864.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(RU864, Rp002Tables.RX1_DR0_TO_DR7_OFFSET_0_TO_5, false);
    }

    /** RP002-1.0.4 section 2.13.6, "RU864-870 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(RU864, false, direct, repeater);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.13.4: CFList type 0; 864.1, 864.3, 864.5, 864.7, 864.9 MHz as channels 2-6. */
    @Test
    void joinAcceptCfList() {
        assertEquals(0, RU864.cfListType());
        assertTrue(RU864.joinAcceptCfList(RegParamsRevision.RP002_1_0_4).isEmpty(), "no extra channels");
        Rp002Tables.assertCfListType0(RU864_WITH_EXTRAS, RegParamsRevision.RP002_1_0_4,
                "E8 D9 83  B8 E1 83  88 E9 83  58 F1 83  28 F9 83  00",
                864_100_000L, 864_300_000L, 864_500_000L, 864_700_000L, 864_900_000L);
    }

    /**
     * RP002-1.0.4 section 2.13.3, "RU864-870 TX power table": Max EIRP - 2 dB * TXPower, 0..7; max EIRP
     * 16 dBm.
     */
    @Test
    void txPowerAndCommands() {
        Rp002Tables.assertTxPowerTable(RU864, 16, 7);
        assertTrue(RU864.supportsNewChannelReq());
        assertFalse(RU864.supportsTxParamSetup());
    }
}
