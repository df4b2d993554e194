package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.Test;

/**
 * The answers to a device's Class B requests: PingSlotInfoReq (LoRaWAN 1.0.4 section 12.1; the 1.0.2 octet of
 * section 14.1 carries a data rate too) and BeaconTimingReq (1.0.2 sections 14.4 and 14.5: Delay in 30 ms steps to
 * the next beacon; Channel the next beacon's, floor(BeaconTime / 128) mod 8 in US915 per RP002-1.0.4 section 2.5.8).
 */
class ClassBAnswersTest {
    private static final Region EU868 = Regions.byId("eu868");
    private static final Region US915 = Regions.byId("us915");
    /** A beacon: GPS second 1,448,448,000 = 128 x 11,316,000. */
    private static final long BEACON_MILLIS = 1_448_448_000_000L;

    private static MacState state(int rx1Delay) {
        return MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(rx1Delay, 0, 0, 869_525_000L));
    }

    @Test
    void pingSlotInfoIsAcknowledgedAndItsPeriodicityKept() {
        MacAnswers.ClassBAnswers answers = MacAnswers.classB(List.of(new MacCommand.PingSlotInfoReq(0x05)), false,
                MacVersion.LORAWAN_1_0_4, state(1), Optional.empty(), EU868);
        assertEquals(List.of(new MacCommand.PingSlotInfoAns()), answers.answers());
        assertEquals(OptionalInt.of(5), answers.mac().pingSlotPeriodicity());
        assertEquals(Optional.empty(), answers.mac().pingSlotChannel());
    }

    @Test
    void aLoRaWan102DeviceAnnouncesItsPeriodicityAndPingDataRate() {
        // 0x35: Periodicity 3 (bits 6:4), data rate 5 (bits 3:0).
        MacAnswers.ClassBAnswers answers = MacAnswers.classB(List.of(new MacCommand.PingSlotInfoReq(0x35)), false,
                MacVersion.LORAWAN_1_0_2, state(1), Optional.empty(), EU868);
        assertEquals(OptionalInt.of(3), answers.mac().pingSlotPeriodicity());
        assertEquals(Optional.of(new MacState.PingSlotChannel(0, 5)), answers.mac().pingSlotChannel());
    }

    @Test
    void beaconTimingIsAnsweredFromTheGpsTimeOfTheUplinkToLoRaWan102DevicesOnly() {
        // Uplink ends 10 s into the period; RX2 opens 2 s later (RX1 delay 1 s): 116 s = 3866.67 steps -> 3866.
        long uplinkEnd = BEACON_MILLIS + 10_000;
        List<MacCommand> request = List.of(new MacCommand.BeaconTimingReq());
        assertEquals(List.of(new MacCommand.BeaconTimingAns(3866, 0)), MacAnswers.classB(request, false,
                MacVersion.LORAWAN_1_0_2, state(1), Optional.of(uplinkEnd), EU868).answers());
        // RX1 delay 5 s: RX2 at +6 s, 112 s = 3733.33 steps. US915: the next beacon is on channel
        // (11,316,000 + 1) mod 8 = 1.
        assertEquals(List.of(new MacCommand.BeaconTimingAns(3733, 1)), MacAnswers.classB(request, false,
                MacVersion.LORAWAN_1_0_1, state(5), Optional.of(uplinkEnd), US915).answers());
        // Without a GPS time, and from devices that have DeviceTimeReq instead, no answer.
        assertEquals(List.of(), MacAnswers.classB(request, false, MacVersion.LORAWAN_1_0_2, state(1), Optional.empty(),
                EU868).answers());
        assertEquals(List.of(), MacAnswers.classB(request, false, MacVersion.LORAWAN_1_0_3, state(1),
                Optional.of(uplinkEnd), EU868).answers());
    }

    @Test
    void withoutClassBRequestsTheStateIsTheSameObject() {
        MacState state = state(1);
        assertSame(state, MacAnswers.classB(List.of(new MacCommand.LinkCheckReq()), false, MacVersion.LORAWAN_1_0_4,
                state, Optional.empty(), EU868).mac());
    }

    @Test
    void theClassBBitOfEachUplinkSaysWhetherTheDeviceIsInClassBMode() {
        MacState inClassB = MacAnswers.classB(List.of(), true, MacVersion.LORAWAN_1_0_4, state(1), Optional.empty(),
                EU868).mac();
        assertTrue(inClassB.classB());
        assertSame(inClassB, MacAnswers.classB(List.of(), true, MacVersion.LORAWAN_1_0_4, inClassB, Optional.empty(),
                EU868).mac(), "unchanged: the same state, which is then not stored again");
        assertFalse(MacAnswers.classB(List.of(), false, MacVersion.LORAWAN_1_0_4, inClassB, Optional.empty(),
                EU868).mac().classB());
    }
}
