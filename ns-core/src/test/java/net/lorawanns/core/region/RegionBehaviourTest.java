package net.lorawanns.core.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;

/**
 * How a region behaves as the network configures it: channels, CFList, refusals. Expected values come from RP002-1.0.4
 * (channel grids, AS923_FREQ_OFFSET, TX power and dwell-time rules) and the region contract.
 */
class RegionBehaviourTest {
    private static final List<Channel> EU868_EXTRA = List.of(new Channel(867_100_000L, 0, 5),
            new Channel(867_300_000L, 0, 5), new Channel(867_500_000L, 0, 5), new Channel(867_700_000L, 0, 5),
            new Channel(867_900_000L, 0, 5), new Channel(868_800_000L, 7, 7));

    @Test
    void subBandsEnableTheirEightChannelsAndTheir500KhzChannel() {
        Region us = Regions.byId("us915").withSubBands(Set.of(1, 3));
        assertEquals(18, us.uplinkChannels().size());
        assertEquals(new Channel(902_300_000L, 0, 3), us.uplinkChannels().get(0));
        assertEquals(new Channel(903_000_000L, 4, 4), us.uplinkChannels().get(16), "channel 64");
        assertTrue(us.enabledUplinkChannelIndices().containsAll(Set.of(0, 7, 16, 23, 64, 66)));
        assertTrue(us.acceptsUplink(902_300_000L, 0));
        assertFalse(us.acceptsUplink(902_300_000L, 4), "DR4 is the 500 kHz channels' only");
        assertTrue(us.acceptsUplink(906_100_000L, 3), "channel 19, sub-band 3");
        assertFalse(us.acceptsUplink(903_900_000L, 0), "channel 8 is sub-band 2, not enabled");
        assertEquals(8, us.uplinkChannel(903_900_000L).getAsInt(), "a channel index whether enabled or not");
        assertTrue(us.uplinkChannel(902_400_000L).isEmpty());
        assertEquals(new CfList.ChannelMasks(List.of(0x00FF, 0x00FF, 0, 0, 0x05)),
                us.joinAcceptCfList(RegParamsRevision.RP002_1_0_4).orElseThrow());
        assertEquals(1, us.cfListType());
        assertFalse(us.supportsNewChannelReq());
    }

    @Test
    void cn470SubBandsAreEightOfItsNinetySixChannelsAndItsCfListHasSixMasks() {
        Region cn = Regions.byId("cn470").withSubBands(Set.of(1, 12));
        assertEquals(16, cn.uplinkChannels().size());
        assertEquals(new Channel(470_300_000L, 0, 5), cn.uplinkChannels().get(0));
        assertEquals(new Channel(489_300_000L, 0, 5), cn.uplinkChannels().get(15), "channel 95");
        assertEquals(500_300_000L, cn.rx1Frequency(470_300_000L), "channel 0 -> downlink channel 0");
        assertEquals(509_700_000L, cn.rx1Frequency(489_300_000L), "channel 95 -> downlink channel 47");
        CfList.ChannelMasks cfList = (CfList.ChannelMasks) cn.joinAcceptCfList(RegParamsRevision.RP002_1_0_2)
                .orElseThrow();
        assertEquals(List.of(0x00FF, 0, 0, 0, 0, 0xFF00), cfList.masks());
        byte[] encoded = cfList.encode();
        assertEquals(1, encoded[15], "CFListType 1");
        assertEquals((byte) 0xFF, encoded[11], "ChMask5's high octet");
    }

    @Test
    void theChannelMaskCfListFollowsTheRegionalParametersRevision() {
        Region au = Regions.byId("au915").withSubBands(Set.of(2));
        for (RegParamsRevision revision : List.of(RegParamsRevision.RP_1_0, RegParamsRevision.RP_1_0_1,
                RegParamsRevision.RP_1_0_2, RegParamsRevision.RP_1_0_2_B)) {
            assertEquals(Optional.empty(), au.joinAcceptCfList(revision), revision.toString());
        }
        for (RegParamsRevision revision : List.of(RegParamsRevision.RP_1_0_3_A, RegParamsRevision.RP_1_1_A,
                RegParamsRevision.RP_1_1_B, RegParamsRevision.RP002_1_0_0, RegParamsRevision.RP002_1_0_4)) {
            assertEquals(Optional.of(new CfList.ChannelMasks(List.of(0xFF00, 0, 0, 0, 0x02))),
                    au.joinAcceptCfList(revision), revision.toString());
        }
    }

    @Test
    void devicesWithoutARevisionGetTheOneOfTheirMacVersion() {
        assertEquals(RegParamsRevision.RP_1_0, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_0_0));
        assertEquals(RegParamsRevision.RP_1_0, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_0_1));
        assertEquals(RegParamsRevision.RP_1_0_2_B, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_0_2));
        assertEquals(RegParamsRevision.RP_1_0_3_A, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_0_3));
        assertEquals(RegParamsRevision.RP002_1_0_1, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_0_4));
        assertEquals(RegParamsRevision.RP_1_1_B, RegParamsRevisions.defaultFor(MacVersion.LORAWAN_1_1_0));
    }

    @Test
    void extraChannelsFollowTheDefaultOnesAndTheFirstFiveGoInTheCfList() {
        Region eu = Regions.byId("eu868").withExtraChannels(EU868_EXTRA);
        assertEquals(9, eu.uplinkChannels().size());
        assertEquals(8, eu.uplinkChannel(868_800_000L).getAsInt());
        assertTrue(eu.acceptsUplink(868_800_000L, 7));
        assertFalse(eu.acceptsUplink(868_800_000L, 5));
        assertFalse(eu.acceptsUplink(869_000_000L, 0));
        assertEquals(868_800_000L, eu.rx1Frequency(868_800_000L));
        assertEquals(Optional.of(new CfList.Frequencies(List.of(867_100_000L, 867_300_000L, 867_500_000L,
                867_700_000L, 867_900_000L))), eu.joinAcceptCfList(RegParamsRevision.RP_1_0_2_B));
        assertEquals(Optional.empty(), Regions.byId("eu868").joinAcceptCfList(RegParamsRevision.RP002_1_0_4));
        assertEquals(Optional.empty(), Regions.byId("eu868").withExtraChannels(List.of(new Channel(868_800_000L, 7, 7),
                new Channel(867_100_000L, 0, 5))).joinAcceptCfList(RegParamsRevision.RP002_1_0_4),
                "a CFList channel allows DR0-5; channel 4 after a DR7-only channel 3 needs NewChannelReq too");
        assertEquals(0, eu.cfListType());
        assertTrue(eu.supportsNewChannelReq());
    }

    @Test
    void channelsThatDoNotFitTheRegionAreRefusedWithTheReason() {
        Region eu = Regions.byId("eu868");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> eu.withExtraChannels(
                List.of(new Channel(915_000_000L, 0, 5)))).getMessage().contains("outside eu868's band"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> eu.withExtraChannels(
                List.of(new Channel(868_100_000L, 0, 5)))).getMessage().contains("already a channel"));
        assertThrows(IllegalArgumentException.class, () -> eu.withExtraChannels(
                List.of(new Channel(867_100_000L, 0, 9))));
        List<Channel> fourteen = java.util.stream.IntStream.range(0, 14)
                .mapToObj(i -> new Channel(863_100_000L + i * 200_000L, 0, 5)).toList();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> eu.withExtraChannels(fourteen)).getMessage()
                .contains("at most 13 extra channels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> eu.withSubBands(Set.of(1))).getMessage()
                .contains("dynamic channel plan"));
        Region us = Regions.byId("us915");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> us.withExtraChannels(EU868_EXTRA))
                .getMessage().contains("fixed channel plan"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> us.withSubBands(Set.of(9))).getMessage()
                .contains("sub-bands 1-8"));
        assertThrows(IllegalArgumentException.class, () -> us.withSubBands(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> us.withNetworkRx2(869_525_000L, 8));
        assertThrows(IllegalArgumentException.class, () -> us.withNetworkRx2(923_300_000L, 4), "DR4 is uplink only");
    }

    @Test
    void theNetworkRx2IsKeptApartFromRp002sDefault() {
        Region eu = Regions.byId("eu868").withNetworkRx2(869_525_000L, 3).withExtraChannels(EU868_EXTRA);
        assertEquals(3, eu.networkRx2DataRate());
        assertEquals(869_525_000L, eu.networkRx2Frequency());
        assertEquals(0, eu.rx2DataRate());
        Region us = Regions.byId("us915").withNetworkRx2(923_900_000L, 10).withSubBands(Set.of(2));
        assertEquals(923_900_000L, us.networkRx2Frequency());
        assertEquals(923_300_000L, us.rx2Frequency());
    }

    @Test
    void as923GroupsAreGroupOneShiftedByTheirFrequencyOffset() {
        assertEquals(List.of(923_200_000L, 923_400_000L), frequencies(Regions.byId("as923-1")));
        assertEquals(List.of(921_400_000L, 921_600_000L), frequencies(Regions.byId("as923-2")));
        assertEquals(List.of(916_600_000L, 916_800_000L), frequencies(Regions.byId("as923-3")));
        assertEquals(List.of(917_300_000L, 917_500_000L), frequencies(Regions.byId("as923-4")));
        assertEquals(921_400_000L, Regions.byId("as923-2").rx2Frequency());
        assertEquals(916_800_000L, Regions.byId("as923-3").beacon().frequencyHz());
    }

    private static List<Long> frequencies(Region region) {
        return region.uplinkChannels().stream().map(Channel::frequencyHz).toList();
    }

    @Test
    void rx1RefusesAnOffsetOrUplinkDataRateTheRegionHasNot() {
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("eu868").rx1DataRate(5, 6));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("us915").rx1DataRate(8, 0));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("in865").rx1DataRate(6, 0));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("us915").dataRate(5), "LR-FHSS");
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("us915").dataRate(14), "RFU");
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("as923-1").maxPayload(0, false, true),
                "N/A under the 400 ms dwell time");
    }

    @Test
    void txPowerIsMaxEirpMinusTwoDecibelsPerStepAndUs915CountsFrom30Dbm() {
        assertEquals(2, Regions.byId("eu868").txPowerEirpDbm(7, 16));
        assertEquals(20, Regions.byId("eu868").txPowerEirpDbm(0, 20));
        assertEquals(2, Regions.byId("us915").txPowerEirpDbm(14, 20));
        assertEquals(26, Regions.byId("au915").txPowerEirpDbm(2, 30));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("eu868").txPowerEirpDbm(8, 16));
    }

    @Test
    void txParamSetupAndTheDwellTimeFollowTheRevision() {
        Region au = Regions.byId("au915");
        assertFalse(au.supportsTxParamSetup(RegParamsRevision.RP_1_0_2_B), "1.0.2rB: not implemented by AU915");
        assertEquals(DwellTime.NONE, au.dwellTime(RegParamsRevision.RP_1_0_2_B));
        assertTrue(au.supportsTxParamSetup(RegParamsRevision.RP_1_0_3_A));
        assertEquals(new DwellTime(true, false), au.dwellTime(RegParamsRevision.RP002_1_0_4));
        Region as = Regions.byId("as923-1");
        assertTrue(as.supportsTxParamSetup(RegParamsRevision.RP_1_0_2_B));
        assertFalse(as.supportsTxParamSetup(RegParamsRevision.RP_1_0_1), "TxParamSetupReq came with LoRaWAN 1.0.2");
        assertFalse(Regions.byId("eu868").supportsTxParamSetup(RegParamsRevision.RP002_1_0_4));
        assertEquals(DwellTime.NONE, Regions.byId("us915").dwellTime(RegParamsRevision.RP002_1_0_4));
    }

    @Test
    void fixedPlanBeaconsAndPingSlotsHopOverTheirChannels() {
        Region us = Regions.byId("us915");
        assertEquals(923_300_000L, us.beacon().frequencyAt(0));
        assertEquals(923_900_000L, us.beacon().frequencyAt(128));
        assertEquals(923_300_000L, us.beacon().frequencyAt(8 * 128));
        // channel = (DevAddr + floor(beacon time / 128)) mod 8
        assertEquals(923_300_000L, us.pingSlotFrequency(new DevAddr(0), 0));
        assertEquals(925_100_000L, us.pingSlotFrequency(new DevAddr(1), 2 * 128));
        assertEquals(927_500_000L, us.pingSlotFrequency(new DevAddr(0xFFFFFFFF), 0), "2^32 - 1 mod 8 = 7");
        assertEquals(8, us.pingSlotDataRate());
        Region ru = Regions.byId("ru864");
        assertEquals(868_900_000L, ru.pingSlotFrequency(new DevAddr(5), 1_000_000));
        assertEquals(869_100_000L, ru.beacon().frequencyAt(1_000_000));
    }

    @Test
    void dutyCycleLimitsApplyPerSubBand() {
        assertEquals(10, Regions.byId("eu868").dutyCycle().percentAt(869_525_000L).orElseThrow());
        assertEquals(1, Regions.byId("eu868").dutyCycle().percentAt(868_100_000L).orElseThrow());
        assertTrue(Regions.byId("us915").dutyCycle().percentAt(902_300_000L).isEmpty());
    }

    @Test
    void anUnknownRegionIsRefusedNamingTheServedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regions.byId("ism2400"));
        assertTrue(e.getMessage().contains("eu868, us915, au915, as923-1"), e.getMessage());
    }
}
