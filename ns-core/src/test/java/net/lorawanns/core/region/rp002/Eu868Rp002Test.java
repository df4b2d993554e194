package net.lorawanns.core.region.rp002;

import static net.lorawanns.core.region.rp002.Rp002Tables.fsk50;
import static net.lorawanns.core.region.rp002.Rp002Tables.lora;
import static net.lorawanns.core.region.rp002.Rp002Tables.notServed;
import static net.lorawanns.core.region.rp002.Rp002Tables.payload;
import static net.lorawanns.core.region.rp002.Rp002Tables.rate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.region.rp002.Rp002Tables.Payload;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * EU863-870, RP002-1.0.4 section 2.4. Cross-checked against RP002-1.0.5 section 3.4 (the same values for
 * DR0-DR11), ChirpStack lrwn {@code region/eu868.rs} and The Things Stack {@code pkg/band/eu_863_870*.go}.
 */
class Eu868Rp002Test {

    private static final Region EU868 = Regions.byId("eu868");

    /** The usual operator choice: RP002 section 2.4.2 leaves channels 3-15 to the network; 867.1-867.9 MHz DR0-5. */
    private static final Region EU868_WITH_EXTRAS = EU868.withExtraChannels(List.of(
            new Channel(867_100_000L, 0, 5), new Channel(867_300_000L, 0, 5), new Channel(867_500_000L, 0, 5),
            new Channel(867_700_000L, 0, 5), new Channel(867_900_000L, 0, 5)));

    @Test
    void regionIdAndUnknownIds() {
        assertEquals("eu868", EU868.id());
        var unknown = assertThrows(IllegalArgumentException.class, () -> Regions.byId("eu869"));
        assertTrue(unknown.getMessage().contains("eu868") && unknown.getMessage().contains("us915"),
                "the error names the known ids: " + unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("ism2400"),
                "ISM2400 is not defined by RP002 and is not served");
        assertThrows(IllegalArgumentException.class, () -> EU868.withSubBands(Set.of(1)),
                "sub-bands are a fixed-plan notion");
    }

    /**
     * RP002-1.0.4 section 2.4.3, "EU863-870 TX Data rate table": DR0-5 LoRa SF12-SF7/125 kHz, DR6 SF7/250 kHz,
     * DR7 FSK 50 kbps, DR8-11 LR-FHSS (not served), DR12-14 RFU in 1.0.4 (RP002-1.0.5 gives DR12/13 to SF6/SF5,
     * so they are not asserted here).
     */
    @Test
    void dataRates() {
        Rp002Tables.assertDataRates(EU868, List.of(
                rate(0, lora(12, 125)), rate(1, lora(11, 125)), rate(2, lora(10, 125)), rate(3, lora(9, 125)),
                rate(4, lora(8, 125)), rate(5, lora(7, 125)), rate(6, lora(7, 250)), rate(7, fsk50()),
                notServed(8), notServed(9), notServed(10), notServed(11), notServed(14)));
        assertEquals(6, EU868.uplinkDataRateIndex(lora(7, 250)).getAsInt());
        assertEquals(7, EU868.downlinkDataRateIndex(fsk50()).getAsInt());
    }

    /** RP002-1.0.4 section 2.4.2, "EU863-870 default channels": 868.1, 868.3, 868.5 MHz, DR0 to DR5. */
    @Test
    void defaultAndExtraChannels() {
        assertEquals(List.of(new Channel(868_100_000L, 0, 5), new Channel(868_300_000L, 0, 5),
                new Channel(868_500_000L, 0, 5)), EU868.uplinkChannels());
        List<Channel> all = new ArrayList<>(EU868.uplinkChannels());
        for (long f = 867_100_000L; f <= 867_900_000L; f += 200_000L) {
            all.add(new Channel(f, 0, 5));
        }
        assertEquals(all, EU868_WITH_EXTRAS.uplinkChannels());
        assertEquals(7, EU868_WITH_EXTRAS.uplinkChannel(867_900_000L).getAsInt());
        assertTrue(EU868.uplinkChannel(869_525_000L).isEmpty(), "RX2 is no uplink channel");

        assertTrue(EU868.acceptsUplink(868_100_000L, 0));
        assertTrue(EU868.acceptsUplink(868_500_000L, 5));
        assertFalse(EU868.acceptsUplink(868_300_000L, 6), "the default channels carry DR0-5 only");
        assertFalse(EU868.acceptsUplink(867_100_000L, 0), "not a channel of the default plan");
        assertTrue(EU868_WITH_EXTRAS.acceptsUplink(867_100_000L, 5));

        List<Channel> tooMany = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            tooMany.add(new Channel(863_100_000L + i * 200_000L, 0, 5));
        }
        assertThrows(IllegalArgumentException.class, () -> EU868.withExtraChannels(tooMany),
                "16 channels at most (section 2.4.5: ChMask covers channels 0 to 15), 3 + 14 is 17");
    }

    /** RP002-1.0.4 section 2.4.7: RX1 uses the uplink channel. */
    @Test
    void rx1Frequency() {
        assertEquals(868_100_000L, EU868.rx1Frequency(868_100_000L));
        assertEquals(868_300_000L, EU868.rx1Frequency(868_300_000L));
        assertEquals(868_500_000L, EU868.rx1Frequency(868_500_000L));
        assertEquals(867_500_000L, EU868_WITH_EXTRAS.rx1Frequency(867_500_000L));
    }

    /** RP002-1.0.4 section 2.4.7, "EU863-870 downlink RX1 data rate mapping"; RX1DROffset 0 to 5. */
    @Test
    void rx1DataRate() {
        assertEquals(5, EU868.maxRx1DrOffset());
        Rp002Tables.assertRx1DataRates(EU868, Rp002Tables.RX1_DR0_TO_DR7_OFFSET_0_TO_5, false);
    }

    /** RP002-1.0.4 section 2.4.7: RX2 default 869.525 MHz, DR0 (SF12, 125 kHz). */
    @Test
    void rx2Defaults() {
        assertEquals(869_525_000L, EU868.rx2Frequency());
        assertEquals(0, EU868.rx2DataRate());
    }

    /**
     * RP002-1.0.4 section 2.4.6, "EU863-870 maximum payload size (repeater compatible)" and "(not repeater
     * compatible)"; RP002-1.0.5 Tables 15 and 16 give the same rows for DR0-DR7. EU868 has no dwell-time table.
     */
    @Test
    void maxPayload() {
        List<Payload> direct = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 250, 242), payload(5, 250, 242), payload(6, 250, 242), payload(7, 250, 242));
        List<Payload> repeater = List.of(
                payload(0, 59, 51), payload(1, 59, 51), payload(2, 59, 51), payload(3, 123, 115),
                payload(4, 230, 222), payload(5, 230, 222), payload(6, 230, 222), payload(7, 230, 222));
        Rp002Tables.assertMaxPayloads(EU868, false, direct, repeater);
    }

    /**
     * RP002-1.0.4 sections 2.3.1 and 2.4.4: CFList type 0, five frequencies of channels 3-7, each 24 bits little
     * endian in units of 100 Hz, then CFListType 0. 867.1 MHz = 8671000 x 100 Hz = 0x844F18 -> 18 4F 84, and so
     * on in 200 kHz (0x7D0 x 100 Hz) steps. The same list in every revision: type 0 is the dynamic-plan CFList
     * since LoRaWAN 1.0.
     */
    @ParameterizedTest
    @EnumSource(RegParamsRevision.class)
    void joinAcceptCfList(RegParamsRevision revision) {
        assertEquals(0, EU868.cfListType());
        Rp002Tables.assertCfListType0(EU868_WITH_EXTRAS, revision,
                "18 4F 84  E8 56 84  B8 5E 84  88 66 84  58 6E 84  00",
                867_100_000L, 867_300_000L, 867_500_000L, 867_700_000L, 867_900_000L);
        assertTrue(EU868.joinAcceptCfList(revision).isEmpty(), "no extra channels, no CFList");
    }

    /**
     * RP002-1.0.4 section 2.4.3, "EU863-870 TX power table": Max EIRP - 2 dB * TXPower for 0..7; max EIRP +16 dBm
     * by default, and the table follows a device's own max EIRP (section 2.4.3: devices MAY use a lower one).
     */
    @Test
    void txPower() {
        Rp002Tables.assertTxPowerTable(EU868, 16, 7);
        assertEquals(10.0, EU868.txPowerEirpDbm(2, 14.0), 1e-9, "TXPower 2 of a 14 dBm device");
    }

    /** RP002-1.0.4 section 2.4.5 ChMaskCntl table, applied by {@link ChMaskRules#dynamic}. */
    @Test
    void linkAdrChannelMasks() {
        Set<Integer> defined = ChMaskRules.range(0, 8);
        var toDefaults = EU868_WITH_EXTRAS.linkAdrChannelMasks(Set.of(0, 1, 2)).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(Set.of(0, 1, 2), ChMaskRules.dynamic(defined, defined, toDefaults));
        var toAll = EU868_WITH_EXTRAS.linkAdrChannelMasks(defined).stream()
                .map(b -> new int[] {b.chMaskCntl(), b.chMask()}).toList();
        assertEquals(defined, ChMaskRules.dynamic(defined, Set.of(0, 1, 2), toAll));
    }

    /**
     * RP002-1.0.4 section 2.4.2 points to ETSI EN 300 220 for the duty cycle: the default channels sit in sub-band
     * 868.0-868.6 MHz (1 %), RX2 869.525 MHz in 869.4-869.65 MHz (10 %). Cross-checked against The Things Stack's
     * {@code eu_863_870.go} sub-bands and LoRaMac-node's {@code EU868_BAND1} / {@code EU868_BAND3}.
     */
    @Test
    void dutyCycle() {
        assertEquals(1.0, EU868.dutyCycle().percentAt(868_100_000L).orElseThrow(), 1e-9);
        assertEquals(1.0, EU868.dutyCycle().percentAt(868_500_000L).orElseThrow(), 1e-9);
        assertEquals(10.0, EU868.dutyCycle().percentAt(869_525_000L).orElseThrow(), 1e-9);
    }

    /** Dynamic plan: NewChannelReq exists (section 2.4.5), TxParamSetupReq does not (section 2.4.3), no dwell time. */
    @Test
    void commandsAndDwellTime() {
        assertTrue(EU868.supportsNewChannelReq());
        assertFalse(EU868.supportsTxParamSetup());
        assertFalse(EU868.dwellTime().uplinkDefault());
        assertFalse(EU868.dwellTime().downlinkDefault());
    }
}
