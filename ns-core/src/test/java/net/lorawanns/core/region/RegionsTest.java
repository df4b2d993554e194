package net.lorawanns.core.region;

import java.util.List;
import java.util.Set;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values typed from LoRaWAN Regional Parameters RP002-1.0.4 (EU863-870, US902-928 and AU915-928 sections). */
class RegionsTest {
    @Test
    void eu868() {
        Region eu = Regions.byId("eu868");
        assertEquals(new DataRate.LoRa(12, 125_000), eu.dataRate(0));
        assertEquals(new DataRate.LoRa(7, 250_000), eu.dataRate(6));
        assertEquals(new DataRate.Fsk(50_000), eu.dataRate(7));
        assertEquals(5, eu.uplinkDataRateIndex(new DataRate.LoRa(7, 125_000)).getAsInt());
        assertEquals(868_300_000L, eu.rx1Frequency(868_300_000L));
        assertEquals(2, eu.rx1DataRate(5, 3));
        assertEquals(0, eu.rx1DataRate(1, 5));
        assertEquals(869_525_000L, eu.rx2Frequency());
        assertEquals(0, eu.rx2DataRate());
        assertEquals(7, eu.withExtraChannels(List.of(new Channel(867_100_000L, 0, 5), new Channel(867_300_000L, 0, 5),
                new Channel(867_500_000L, 0, 5), new Channel(867_700_000L, 0, 5), new Channel(867_900_000L, 0, 5)))
                .uplinkChannel(867_900_000L).getAsInt());
        assertTrue(eu.uplinkChannel(869_000_000L).isEmpty());
    }

    @Test
    void us915() {
        Region us = Regions.byId("us915").withSubBands(Set.of(2));
        assertEquals(8, us.uplinkChannel(903_900_000L).getAsInt());
        assertEquals(65, us.uplinkChannel(904_600_000L).getAsInt());
        assertEquals(923_300_000L, us.rx1Frequency(903_900_000L), "channel 8 -> downlink channel 0");
        assertEquals(927_500_000L, us.rx1Frequency(905_300_000L), "channel 15 -> downlink channel 7");
        assertEquals(923_900_000L, us.rx1Frequency(904_600_000L), "channel 65 -> downlink channel 1");
        assertEquals(10, us.rx1DataRate(0, 0));
        assertEquals(11, us.rx1DataRate(4, 3));
        assertEquals(new DataRate.LoRa(12, 500_000), us.dataRate(8));
        assertEquals(4, us.uplinkDataRateIndex(new DataRate.LoRa(8, 500_000)).getAsInt(), "DR4 up, not DR12 down");
        assertEquals(923_300_000L, us.rx2Frequency());
        assertEquals(8, us.rx2DataRate());
        assertEquals(new CfList.ChannelMasks(List.of(0xFF00, 0, 0, 0, 0x0002)),
                us.joinAcceptCfList(RegParamsRevision.RP_1_0_3_A).orElseThrow(), "sub-band 2: channels 8-15 and 65");
        assertTrue(us.joinAcceptCfList(RegParamsRevision.RP_1_0_2_B).isEmpty(), "no CFList before 1.0.3rA");
    }

    @Test
    void au915() {
        Region au = Regions.byId("au915");
        assertEquals(0, au.uplinkChannel(915_200_000L).getAsInt());
        assertEquals(64, au.uplinkChannel(915_900_000L).getAsInt());
        assertEquals(8, au.rx1DataRate(2, 2));
        assertEquals(13, au.rx1DataRate(6, 0));
        assertEquals(6, au.uplinkDataRateIndex(new DataRate.LoRa(8, 500_000)).getAsInt());
    }
}
