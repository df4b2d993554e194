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
 * EU433, RP002-1.0.4 section 2.7. Cross-checked against LoRaWAN Regional Parameters 1.0.3revA section 2.5
 * (Tables 31, 32 and 33 give the same payload and RX1 rows, RX2 434.665 MHz DR0), The Things Stack
 * {@code eu_433_rp2_v1_0_4.go} and ChirpStack lrwn {@code region/eu433.rs}.
 */
class Eu433Rp002Test {

    private static final Region EU433 = Regions.byId("eu433");
    private static final Region EU433_WITH_EXTRAS = EU433.withExtraChannels(List.of(
            new Channel(433_775_000L, 0, 5), new Channel(433_975_000L, 0, 5)));

    /**
     * RP002-1.0.4 section 2.7.3, "EU433 TX Data rate table": DR0-5 SF12-SF7/125 kHz, DR6 SF7/250 kHz, DR7
     * FSK 50 kbps (higher indices RFU in 1.0.4; not asserted).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(EU433, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(7, 250)), rate(7, fsk50())));
    }

    /**
     * RP002-1.0.4 section 2.7.2, "EU433 default channels": 433.175, 433.375, 433.575 MHz, DR0-5; section 2.7.7: RX1 on
     * the uplink channel, RX2 default 434.665 MHz at DR0.
     */
    @Test
    void channelsRx1FrequencyAndRx2() {
        assertEquals(List.of(new Channel(433_175_000L, 0, 5), new Channel(433_375_000L, 0, 5),
                new Channel(433_575_000L, 0, 5)),
                EU433.uplinkChannels());
        assertEquals(433_175_000L, EU433.rx1Frequency(433_175_000L));
        assertEquals(433_375_000L, EU433.rx1Frequency(433_375_000L));
        assertEquals(433_575_000L, EU433.rx1Frequency(433_575_000L));
        assertTrue(EU433.acceptsUplink(433_175_000L, 5));
        assertFalse(EU433.acceptsUplink(434_665_000L, 0), "RX2, no uplink channel");
        assertEquals(434_665_000L, EU433.rx2Frequency());
        assertEquals(0, EU433.rx2DataRate());
    }

    /** RP002-1.0.4 section 2.7.7, "EU433 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, EU433.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(EU433, Rp002Tables.RX1_DR0_TO_DR7_OFFSET_0_TO_5, false);
    }

    /** RP002-1.0.4 section 2.7.6, "EU433 maximum payload size" (repeater compatible / not). */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(EU433, false, direct, repeater);
    }

    /** RP002-1.0.4 sections 2.3.1 and 2.7.4: CFList type 0; 433.775, 433.975 MHz as channels 3-4. */
    @Test
    void joinAcceptCfList() {
        assertEquals(0, EU433.cfListType());
        assertTrue(EU433.joinAcceptCfList(RegParamsRevision.RP002_1_0_4).isEmpty(), "no extra channels");
        Rp002Tables.assertCfListType0(EU433_WITH_EXTRAS, RegParamsRevision.RP002_1_0_4,
                "56 30 42  26 38 42  00 00 00  00 00 00  00 00 00  00", 433_775_000L, 433_975_000L);
    }

    /**
     * RP002-1.0.4 section 2.7.3, "EU433 TX power table": Max EIRP - 2 dB * TXPower, 0..5; max EIRP
     * 12.15 dBm.
     */
    @Test
    void txPowerAndCommands() {
        Rp002Tables.assertTxPowerTable(EU433, 12.15, 5);
        assertTrue(EU433.supportsNewChannelReq());
        assertFalse(EU433.supportsTxParamSetup());
    }
}
