package net.lorawanns.core.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The MAC state's life (LoRaWAN 1.0.4 section 5): what the planner asks for, and what the device's answers do to
 * the state. The channel masks of the targets here are written out by hand from RP002-1.0.4 section 2.5.5 (US915:
 * ChMaskCntl 7 switches all 125 kHz channels off and sets 64-71 from ChMask, then ChMaskCntl 0-3 set blocks of 16).
 */
class MacStateTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final MacState.RxSettings RX = new MacState.RxSettings(1, 0, 8, 923_300_000L);
    /** US915 sub-band 2: channels 8-15 and 65. */
    private static final SortedSet<Integer> SUB_BAND_2 = new TreeSet<>(List.of(8, 9, 10, 11, 12, 13, 14, 15, 65));
    private static final List<MacTarget.ChannelMask> SUB_BAND_2_MASKS = List.of(
            new MacTarget.ChannelMask(7, 0x0002), new MacTarget.ChannelMask(0, 0xFF00));

    private static SortedSet<Integer> all72() {
        SortedSet<Integer> all = new TreeSet<>();
        IntStream.range(0, 72).forEach(all::add);
        return all;
    }

    private static MacTarget us915Target(Optional<MacTarget.LinkAdr> adr) {
        return new MacTarget(SUB_BAND_2, SUB_BAND_2_MASKS, new TreeMap<>(), new TreeMap<>(), RX, 0, Optional.empty(),
                Optional.empty(),
                Optional.empty(), Optional.empty(), adr, Optional.empty(), OptionalLong.empty());
    }

    /**
     * The form stored before default values were left out, every field present, as a session hash holds it after an
     * upgrade: it reads as the same state, which is stored again without them.
     */
    /** A copy made by assigning fields shares the collections; changing a copy made from it leaves both alone. */
    @Test
    void aStateCopiedByAssignmentStaysAsItWas() {
        MacState first = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        MacState assigned = first.withAssigned(f -> f.adrHistory = "1:2.0:1");
        MacState changed = assigned.with(f -> {
            f.channels.remove(65);
            f.abandoned.add(7);
        });
        assertEquals(SUB_BAND_2, first.channels());
        assertEquals(SUB_BAND_2, assigned.channels());
        assertFalse(assigned.abandoned(7));
        assertFalse(changed.channels().contains(65));
        assertTrue(changed.abandoned(7));
        assertEquals("1:2.0:1", changed.adrHistory());
        assertEquals("", first.adrHistory());
        assertEquals(first.with(f -> f.adrHistory = "1:2.0:1"), assigned);
    }

    @Test
    void theEarlierFormWithEveryFieldReadsAsTheCompactOne() {
        MacState stored = MacState.fromJson(new JsonObject("{\"dr\":5,\"txp\":0,\"nbt\":1,"
                + "\"ch\":[0,1,2],\"rx1d\":1,\"rx1o\":0,\"rx2dr\":0,\"rx2f\":869525000,\"mdc\":0,\"adrl\":6,"
                + "\"adrd\":5,\"pch\":[],\"ab\":[],\"nodr\":[],\"notx\":[],\"h\":\"\",\"pend\":\"\",\"xch\":{},"
                + "\"dch\":{},\"un\":{}}"));
        MacState fresh = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(1, 0, 0, 869_525_000L)).with(f -> f.dataRate = 5);
        assertEquals(fresh, stored);
        assertEquals("{\"dr\":5,\"ch\":[0,1,2],\"rx1d\":1,\"rx1o\":0,\"rx2dr\":0,\"rx2f\":869525000}",
                stored.toJson().encode());
    }

    @Test
    void aFixedPlanDeviceWithAllChannelsGetsTheSubBandsMaskAndAcceptsIt() {
        MacState state = MacState.initial(all72(), new TreeMap<>(), RX);
        MacPlanner.Plan plan = MacPlanner.plan(state, us915Target(Optional.empty()), 2, false, () -> NOW);
        assertEquals(List.of(new MacCommand.LinkAdrReq(2, 0, 0x0002, 7, 1),
                new MacCommand.LinkAdrReq(2, 0, 0xFF00, 0, 1)),
                plan.requests());
        assertEquals(SUB_BAND_2, plan.channelsAfterLinkAdr());
        MacState sent = sent(state, plan);
        // One LinkADRAns per LinkADRReq, all with the same status (LoRaWAN 1.0.4 section 5.3).
        MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(sent, List.of(
                new MacCommand.LinkAdrAns(true, true, true), new MacCommand.LinkAdrAns(true, true, true)), () -> NOW);
        assertEquals(SUB_BAND_2, outcome.state().channels());
        assertEquals(2, outcome.state().dataRate());
        assertTrue(outcome.state().pending().isEmpty());
        assertTrue(MacPlanner.plan(outcome.state(), us915Target(Optional.empty()), 2, false, () -> NOW).requests().isEmpty(),
                "nothing more to ask once the device has the target");
    }

    @Test
    void aPartlyRefusedLinkAdrBlockChangesNothingAndTheRefusedDataRateIsNotAskedAgain() {
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        MacPlanner.Plan plan = MacPlanner.plan(state, us915Target(Optional.of(new MacTarget.LinkAdr(3, 2, 1))), 0,
                false, () -> NOW);
        assertEquals(2, plan.requests().size());
        MacState sent = sent(state.with(f -> f.dataRate = 0), plan);
        MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(sent, List.of(
                new MacCommand.LinkAdrAns(true, false, true), new MacCommand.LinkAdrAns(true, false, true)), () -> NOW);
        assertEquals(0, outcome.state().dataRate(), "the device applies a block whole or not at all");
        assertEquals(0, outcome.state().txPowerIndex());
        assertEquals(new TreeSet<>(List.of(3)), outcome.state().refusedDataRates());
        assertEquals(1, outcome.refusals().size());
        assertFalse(outcome.state().abandoned(0x03), "a refused data rate does not end ADR");
    }

    @Test
    void aRequestLeftUnansweredIsGivenUpAfterThreeAnswers() {
        MacTarget target = new MacTarget(SUB_BAND_2, SUB_BAND_2_MASKS, new TreeMap<>(), new TreeMap<>(),
                new MacState.RxSettings(1, 0, 10, 923_300_000L), 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        for (int attempt = 1; attempt <= MacState.MAX_ATTEMPTS; attempt++) {
            MacPlanner.Plan plan = MacPlanner.plan(state, target, 0, false, () -> NOW);
            assertEquals(List.of(new MacCommand.RxParamSetupReq(0, 10, 923_300_000L)), plan.requests(),
                    "attempt " + attempt);
            state = MacAnswerHandler.handle(sent(state, plan), List.of(), () -> NOW).state();
        }
        assertTrue(state.abandoned(0x05));
        assertTrue(MacPlanner.plan(state, target, 0, false, () -> NOW).requests().isEmpty());
    }

    @Test
    void acceptedReceiveWindowSettingsAreWhatTheNextDownlinkUses() {
        MacTarget target = new MacTarget(SUB_BAND_2, SUB_BAND_2_MASKS, new TreeMap<>(), new TreeMap<>(),
                new MacState.RxSettings(3, 1, 10, 923_900_000L), 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        MacPlanner.Plan plan = MacPlanner.plan(state, target, 0, false, () -> NOW);
        assertEquals(List.of(new MacCommand.RxParamSetupReq(1, 10, 923_900_000L), new MacCommand.RxTimingSetupReq(3)),
                plan.requests());
        MacState answered = MacAnswerHandler.handle(sent(state, plan), List.of(
                new MacCommand.RxParamSetupAns(true, true, true), new MacCommand.RxTimingSetupAns()), () -> NOW).state();
        assertEquals(new MacState.RxSettings(3, 1, 10, 923_900_000L), answered.rx());
    }

    @Test
    void dynamicPlansGetTheirExtraChannelsBeforeAMaskThatNamesThem() {
        SortedSet<Integer> defaults = new TreeSet<>(List.of(0, 1, 2));
        SortedSet<Integer> eight = new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
        SortedMap<Integer, MacTarget.NewChannel> extra = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            extra.put(3 + i, new MacTarget.NewChannel(867_100_000L + 200_000L * i, 0, 5));
        }
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacTarget target = new MacTarget(eight, List.of(new MacTarget.ChannelMask(0, 0x00FF)), extra,
                new TreeMap<>(), rx, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(defaults, new TreeMap<>(), rx);
        MacPlanner.Plan plan = MacPlanner.plan(state, target, 5, false, () -> NOW);
        assertEquals(5, plan.requests().size());
        assertTrue(plan.requests().stream().allMatch(MacCommand.NewChannelReq.class::isInstance));
        List<MacCommand> answers = List.of(new MacCommand.NewChannelAns(true, true),
                new MacCommand.NewChannelAns(true, true), new MacCommand.NewChannelAns(true, true),
                new MacCommand.NewChannelAns(true, true), new MacCommand.NewChannelAns(true, true));
        MacState answered = MacAnswerHandler.handle(sent(state, plan), answers, () -> NOW).state();
        assertEquals(eight, answered.channels());
        assertEquals(867_900_000L, answered.extraChannels().get(7));
        assertTrue(MacPlanner.plan(answered, target, 5, false, () -> NOW).requests().isEmpty());
    }

    /**
     * An answer carrying five NewChannelReq that the device missed is one attempt, not five: the next two answers
     * carry them again, and only after the third is missed are they given up; later masks then name the channels
     * the device has (ChMask 0x0007: the three defaults), not the ones it was never given.
     */
    @Test
    void severalRequestsOfOneCidInAMissedAnswerCountAsOneAttempt() {
        SortedSet<Integer> eight = new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
        SortedMap<Integer, MacTarget.NewChannel> extra = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            extra.put(3 + i, new MacTarget.NewChannel(867_100_000L + 200_000L * i, 0, 5));
        }
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        MacTarget target = new MacTarget(eight, List.of(new MacTarget.ChannelMask(0, 0x00FF)), extra, new TreeMap<>(),
                rx, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        for (int attempt = 1; attempt <= MacState.MAX_ATTEMPTS; attempt++) {
            MacPlanner.Plan plan = MacPlanner.plan(state, target, 5, false, () -> NOW);
            assertEquals(5, plan.requests().size(), "attempt " + attempt);
            assertTrue(plan.requests().stream().allMatch(MacCommand.NewChannelReq.class::isInstance));
            state = MacAnswerHandler.handle(sent(state, plan), List.of(), () -> NOW).state();
        }
        assertTrue(state.abandoned(0x07));
        assertTrue(MacPlanner.plan(state, target, 5, false, () -> NOW).requests().isEmpty(),
                "no channel mask naming the channels the device was never given");
        assertEquals(List.of(new MacCommand.LinkAdrReq(5, 2, 0x0007, 0, 1)), MacPlanner.plan(state, new MacTarget(
                eight, target.channelMasks(), extra, new TreeMap<>(), rx, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new MacTarget.LinkAdr(5, 2, 1)), Optional.empty(),
                OptionalLong.empty()), 5, false, () -> NOW)
                .requests(),
                "ADR's LinkADRReq keeps the channels the device has");
    }

    @Test
    void aChannelsDownlinkFrequencyFollowsItsNewChannelAndIsUsedOnceAcknowledged() {
        MacState.RxSettings rx = new MacState.RxSettings(1, 0, 0, 869_525_000L);
        SortedMap<Integer, MacTarget.NewChannel> extra = new TreeMap<>(java.util.Map.of(3,
                new MacTarget.NewChannel(867_100_000L, 0, 5)));
        SortedMap<Integer, Long> downlink = new TreeMap<>(java.util.Map.of(3, 869_100_000L));
        SortedSet<Integer> four = new TreeSet<>(List.of(0, 1, 2, 3));
        MacTarget target = new MacTarget(four, List.of(new MacTarget.ChannelMask(0, 0x000F)), extra, downlink, rx, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(), rx);
        MacPlanner.Plan plan = MacPlanner.plan(state, target, 5, false, () -> NOW);
        // The channel first, then its downlink frequency: a device reads the commands in order (1.0.4 section 5).
        assertEquals(List.of(new MacCommand.NewChannelReq(3, 867_100_000L, 0, 5),
                new MacCommand.DlChannelReq(3, 869_100_000L)), plan.requests());
        MacState answered = MacAnswerHandler.handle(sent(state, plan), List.of(new MacCommand.NewChannelAns(true, true),
                new MacCommand.DlChannelAns(true, true)), () -> NOW).state();
        assertEquals(869_100_000L, answered.downlinkChannels().get(3));
        assertTrue(MacPlanner.plan(answered, target, 5, false, () -> NOW).requests().isEmpty());
        assertEquals(answered, MacState.fromJson(answered.toJson()));
    }

    @Test
    void devStatusIsAskedOnItsScheduleAndItsAnswerKept() {
        MacTarget target = new MacTarget(SUB_BAND_2, SUB_BAND_2_MASKS, new TreeMap<>(), new TreeMap<>(), RX, 0,
                Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Duration.ofHours(1)), Optional.empty(),
                Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        MacPlanner.Plan plan = MacPlanner.plan(state, target, 0, false, () -> NOW);
        assertEquals(List.of(new MacCommand.DevStatusReq()), plan.requests());
        MacState asked = sent(state, plan).with(f -> f.lastStatusRequest = Optional.of(NOW));
        MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(asked, List.of(new MacCommand.DevStatusAns(200, -3)),
                () -> NOW);
        assertEquals(new MacState.DeviceStatus(200, -3, NOW), outcome.status().orElseThrow());
        assertTrue(MacPlanner.plan(outcome.state(), target, 0, false, () -> NOW.plusSeconds(3599)).requests().isEmpty());
        assertEquals(List.of(new MacCommand.DevStatusReq()),
                MacPlanner.plan(outcome.state(), target, 0, false, () -> NOW.plusSeconds(3600)).requests());
    }

    @Test
    void lorawan11OnlyRequestsAreNotSentToOlderDevices() {
        MacTarget target = new MacTarget(SUB_BAND_2, SUB_BAND_2_MASKS, new TreeMap<>(), new TreeMap<>(), RX, 0,
                Optional.of(new MacTarget.AdrAck(7, 6)), Optional.of(new MacState.RejoinParams(5, 4)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.empty());
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(), RX);
        assertTrue(MacPlanner.plan(state, target, 0, false, () -> NOW).requests().isEmpty());
        assertEquals(List.of(new MacCommand.AdrParamSetupReq(7, 6), new MacCommand.RejoinParamSetupReq(5, 4)),
                MacPlanner.plan(state, target, 0, true, () -> NOW).requests());
    }

    @Test
    void theStateSurvivesItsStoredForm() {
        MacState state = MacState.initial(SUB_BAND_2, new TreeMap<>(java.util.Map.of(3, 867_100_000L)), RX)
                .with(f -> {
                    f.pending = new java.util.ArrayList<>(List.of(new MacCommand.DevStatusReq(),
                            new MacCommand.LinkAdrReq(3, 1, 0xFF00, 0, 2)));
                    f.pendingChannels = new TreeSet<>(List.of(8, 9));
                    f.unanswered.put(5, 2);
                    f.abandoned.add(7);
                    f.refusedDataRates.add(4);
                    f.status = Optional.of(new MacState.DeviceStatus(0, 5, NOW));
                    f.rejoin = Optional.of(new MacState.RejoinParams(-1, 3));
                    f.adrHistory = "10:-3.5:2";
                });
        assertEquals(state, MacState.fromJson(state.toJson()));
        assertEquals(List.of(new MacCommand.DevStatusReq(), new MacCommand.LinkAdrReq(3, 1, 0xFF00, 0, 2)),
                MacState.fromJson(state.toJson()).pending());
    }

    /** The state after an answer carried all of a plan's requests. */
    private static MacState sent(MacState state, MacPlanner.Plan plan) {
        return state.with(f -> {
            f.pending = new java.util.ArrayList<>(plan.requests());
            f.pendingChannels = new TreeSet<>(plan.channelsAfterLinkAdr());
        });
    }
}
