package net.lorawanns.core.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The network's Class B requests (LoRaWAN 1.0.4 sections 12.2 and 12.3): PingSlotChannelReq until a
 * PingSlotChannelAns with both bits set, then the device's ping-slot channel is the one asked; BeaconFreqReq until a
 * BeaconFreqAns with its bit set. Answers laid out as 1.0.4 Tables 71 and 66 say.
 */
class ClassBMacTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final MacState.RxSettings RX = new MacState.RxSettings(1, 0, 0, 869_525_000L);
    private static final SortedSet<Integer> DEFAULTS = new TreeSet<>(List.of(0, 1, 2));
    private static final MacState.PingSlotChannel CHANNEL = new MacState.PingSlotChannel(869_100_000L, 5);

    private static MacTarget target(Optional<MacState.PingSlotChannel> pingSlot, OptionalLong beacon) {
        return new MacTarget(DEFAULTS, List.of(new MacTarget.ChannelMask(0, 0x0007)), new TreeMap<>(), new TreeMap<>(),
                RX, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                pingSlot, beacon);
    }

    private static MacState initial() {
        return MacState.initial(DEFAULTS, new TreeMap<>(), RX).with(f -> f.dataRate = 3);
    }

    private static MacState sent(MacState state, MacPlanner.Plan plan) {
        return state.with(f -> f.pending = new java.util.ArrayList<>(plan.requests()));
    }

    @Test
    void aPingSlotChannelIsAskedUntilBothBitsAreSetThenUsed() {
        MacTarget target = target(Optional.of(CHANNEL), OptionalLong.empty());
        MacPlanner.Plan plan = MacPlanner.plan(initial(), target, 3, false, () -> NOW);
        assertEquals(List.of(new MacCommand.PingSlotChannelReq(869_100_000L, 5)), plan.requests());
        MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(sent(initial(), plan),
                List.of(new MacCommand.PingSlotChannelAns(true, true)), () -> NOW);
        assertEquals(Optional.of(CHANNEL), outcome.state().pingSlotChannel());
        assertTrue(outcome.refusals().isEmpty());
        assertTrue(MacPlanner.plan(outcome.state(), target, 3, false, () -> NOW).requests().isEmpty());
    }

    @Test
    void eachRefusedBitKeepsThePreviousChannelIsReportedAndEndsTheRequest() {
        MacTarget target = target(Optional.of(CHANNEL), OptionalLong.empty());
        for (boolean[] bits : new boolean[][] {{false, true}, {true, false}, {false, false}}) {
            MacPlanner.Plan plan = MacPlanner.plan(initial(), target, 3, false, () -> NOW);
            MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(sent(initial(), plan),
                    List.of(new MacCommand.PingSlotChannelAns(bits[0], bits[1])), () -> NOW);
            assertEquals(Optional.empty(), outcome.state().pingSlotChannel());
            assertEquals(List.of("PingSlotChannelReq refused: data rate DR5 " + (bits[0] ? "accepted" : "refused")
                    + ", frequency 869100000 Hz " + (bits[1] ? "accepted" : "refused")), outcome.refusals());
            assertTrue(MacPlanner.plan(outcome.state(), target, 3, false, () -> NOW).requests().isEmpty());
        }
    }

    @Test
    void aPingSlotChannelLeftUnansweredIsAskedThreeTimes() {
        MacTarget target = target(Optional.of(CHANNEL), OptionalLong.empty());
        MacState state = initial();
        for (int attempt = 1; attempt <= MacState.MAX_ATTEMPTS; attempt++) {
            MacPlanner.Plan plan = MacPlanner.plan(state, target, 3, false, () -> NOW);
            assertEquals(1, plan.requests().size(), "attempt " + attempt);
            state = MacAnswerHandler.handle(sent(state, plan), List.of(), () -> NOW).state();
        }
        assertTrue(state.abandoned(0x11));
        assertTrue(MacPlanner.plan(state, target, 3, false, () -> NOW).requests().isEmpty());
    }

    @Test
    void aBeaconFrequencyIsSetOnAckAndBackToTheRegionsWithZero() {
        MacTarget target = target(Optional.empty(), OptionalLong.of(869_300_000L));
        MacPlanner.Plan plan = MacPlanner.plan(initial(), target, 3, false, () -> NOW);
        assertEquals(List.of(new MacCommand.BeaconFreqReq(869_300_000L)), plan.requests());
        MacState set = MacAnswerHandler.handle(sent(initial(), plan), List.of(new MacCommand.BeaconFreqAns(true)), () -> NOW)
                .state();
        assertEquals(OptionalLong.of(869_300_000L), set.beaconFrequency());
        assertTrue(MacPlanner.plan(set, target, 3, false, () -> NOW).requests().isEmpty());

        MacState back = MacAnswerHandler.handle(set.with(f -> f.pending = new java.util.ArrayList<>(List.of(
                new MacCommand.BeaconFreqReq(0)))), List.of(new MacCommand.BeaconFreqAns(true)), () -> NOW).state();
        assertEquals(OptionalLong.empty(), back.beaconFrequency());

        MacAnswerHandler.Outcome refused = MacAnswerHandler.handle(sent(initial(), plan),
                List.of(new MacCommand.BeaconFreqAns(false)), () -> NOW);
        assertEquals(OptionalLong.empty(), refused.state().beaconFrequency());
        assertEquals(List.of("BeaconFreqReq refused: frequency 869300000 Hz"), refused.refusals());
        assertTrue(refused.state().abandoned(0x13));
    }

    @Test
    void withoutClassBSettingsNothingIsAsked() {
        assertTrue(MacPlanner.plan(initial(), target(Optional.empty(), OptionalLong.empty()), 3, false, () -> NOW)
                .requests().isEmpty());
    }

    @Test
    void theClassBFieldsSurviveTheStoredForm() {
        MacState state = initial().with(f -> {
            f.classB = true;
            f.pingSlotPeriodicity = OptionalInt.of(4);
            f.pingSlotChannel = Optional.of(CHANNEL);
            f.beaconFrequency = OptionalLong.of(869_300_000L);
        });
        MacState read = MacState.fromJson(state.toJson());
        assertEquals(OptionalInt.of(4), read.pingSlotPeriodicity());
        assertEquals(Optional.of(CHANNEL), read.pingSlotChannel());
        assertEquals(OptionalLong.of(869_300_000L), read.beaconFrequency());
        assertTrue(read.classB());
        assertEquals(state, read);
        // A state without them stores none of their keys.
        assertTrue(initial().toJson().fieldNames().stream().noneMatch(List.of("cb", "psp", "psc", "bcnf")::contains));
    }
}
