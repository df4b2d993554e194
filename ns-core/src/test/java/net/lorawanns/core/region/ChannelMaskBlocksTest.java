package net.lorawanns.core.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The LinkADRReq channel-mask blocks a region produces, applied in this test the way a device applies them (the
 * ChMaskCntl tables of RP002-1.0.4 for the dynamic plans, US902-928 and AU915-928, and of RP002-1.0.2 for CN470's
 * 96-channel plan), from any starting state, must leave exactly the wanted channels enabled.
 */
class ChannelMaskBlocksTest {
    private static final Random RANDOM = new Random(14);

    /** US902-928 / AU915-928 ChMaskCntl: 0-3 channels 16n..16n+15, 4 channels 64-71, 6/7 all 125 kHz on/off + 64-71. */
    private static Set<Integer> applyUs915(Set<Integer> start, List<ChMaskBlock> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (ChMaskBlock block : blocks) {
            switch (block.chMaskCntl()) {
                case 0, 1, 2, 3 -> setGroup(channels, block.chMaskCntl() * 16, 16, block.chMask());
                case 4 -> setGroup(channels, 64, 8, block.chMask());
                case 6, 7 -> {
                    setGroup(channels, 0, 64, block.chMaskCntl() == 6 ? -1 : 0);
                    setGroup(channels, 64, 8, block.chMask());
                }
                default -> throw new AssertionError("US915 devices reject ChMaskCntl " + block.chMaskCntl());
            }
        }
        return channels;
    }

    /** CN470 (96 channels) ChMaskCntl: 0-5 channels 16n..16n+15, 6 all channels on, 7 RFU. */
    private static Set<Integer> applyCn470(Set<Integer> start, List<ChMaskBlock> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (ChMaskBlock block : blocks) {
            switch (block.chMaskCntl()) {
                case 0, 1, 2, 3, 4, 5 -> setGroup(channels, block.chMaskCntl() * 16, 16, block.chMask());
                case 6 -> setGroup(channels, 0, 96, -1);
                default -> throw new AssertionError("CN470 devices reject ChMaskCntl " + block.chMaskCntl());
            }
        }
        return channels;
    }

    /** Dynamic plans: ChMaskCntl 0 enables channels 0-15 by ChMask, 6 enables every defined channel, others RFU. */
    private static Set<Integer> applyDynamic(int definedChannels, Set<Integer> start, List<ChMaskBlock> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (ChMaskBlock block : blocks) {
            switch (block.chMaskCntl()) {
                case 0 -> {
                    for (int bit = definedChannels; bit < 16; bit++) {
                        if ((block.chMask() & 1 << bit) != 0) {
                            throw new AssertionError("ChMask enables undefined channel " + bit);
                        }
                    }
                    setGroup(channels, 0, definedChannels, block.chMask());
                }
                case 6 -> setGroup(channels, 0, definedChannels, -1);
                default -> throw new AssertionError("dynamic-plan devices reject ChMaskCntl " + block.chMaskCntl());
            }
        }
        return channels;
    }

    private static void setGroup(Set<Integer> channels, int first, int count, int mask) {
        for (int bit = 0; bit < count; bit++) {
            if ((mask >>> bit & 1) != 0) {
                channels.add(first + bit);
            } else {
                channels.remove(first + bit);
            }
        }
    }

    private static Set<Integer> range(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> randomSubset(int channels) {
        Set<Integer> subset = new TreeSet<>();
        while (subset.isEmpty()) {
            for (int c = 0; c < channels; c++) {
                if (RANDOM.nextInt(4) == 0) {
                    subset.add(c);
                }
            }
        }
        return subset;
    }

    private static List<Set<Integer>> wantedSets(int channels, int subBands, boolean with500) {
        List<Set<Integer>> sets = new java.util.ArrayList<>();
        for (int sb = 1; sb <= subBands; sb++) {
            Set<Integer> one = range((sb - 1) * 8, sb * 8);
            if (with500) {
                one.add(64 + sb - 1);
            }
            sets.add(one);
        }
        sets.add(range(0, channels));
        Set<Integer> allButOne = range(0, channels);
        allButOne.remove(9);
        sets.add(allButOne);
        sets.add(Set.of(5));
        if (with500) {
            sets.add(Set.of(64, 71));
            sets.add(range(0, 64));
        }
        for (int i = 0; i < 20; i++) {
            sets.add(randomSubset(channels));
        }
        return sets;
    }

    @Test
    void us915AndAu915BlocksLeaveExactlyTheWantedChannels() {
        for (String id : List.of("us915", "au915")) {
            Region region = Regions.byId(id);
            for (Set<Integer> wanted : wantedSets(72, 8, true)) {
                List<ChMaskBlock> blocks = region.linkAdrChannelMasks(wanted);
                assertEquals(wanted, applyUs915(range(0, 72), blocks), id + " from all on: " + blocks);
                assertEquals(wanted, applyUs915(randomSubset(72), blocks), id + " from a random state: " + blocks);
            }
        }
    }

    @Test
    void us915OneSubBandTakesTwoBlocksAndAllChannelsOne() {
        Region us = Regions.byId("us915");
        assertEquals(List.of(new ChMaskBlock(7, 0x02), new ChMaskBlock(0, 0xFF00)),
                us.linkAdrChannelMasks(us.withSubBands(Set.of(2)).enabledUplinkChannelIndices()));
        assertEquals(List.of(new ChMaskBlock(6, 0xFF)), us.linkAdrChannelMasks(range(0, 72)));
    }

    @Test
    void cn470BlocksLeaveExactlyTheWantedChannels() {
        Region cn = Regions.byId("cn470");
        for (Set<Integer> wanted : wantedSets(96, 12, false)) {
            List<ChMaskBlock> blocks = cn.linkAdrChannelMasks(wanted);
            assertEquals(wanted, applyCn470(range(0, 96), blocks), "from all on: " + blocks);
            assertEquals(wanted, applyCn470(randomSubset(96), blocks), "from a random state: " + blocks);
        }
        assertEquals(List.of(new ChMaskBlock(6, 0)), cn.linkAdrChannelMasks(range(0, 96)));
    }

    @Test
    void dynamicPlanBlocksLeaveExactlyTheWantedChannels() {
        List<Channel> extra = List.of(new Channel(867_100_000L, 0, 5), new Channel(867_300_000L, 0, 5),
                new Channel(867_500_000L, 0, 5), new Channel(867_700_000L, 0, 5), new Channel(867_900_000L, 0, 5));
        for (Region region : List.of(Regions.byId("eu868").withExtraChannels(extra), Regions.byId("as923-1"),
                Regions.byId("kr920"))) {
            int defined = region.uplinkChannels().size();
            for (int i = 0; i < 20; i++) {
                Set<Integer> wanted = randomSubset(defined);
                List<ChMaskBlock> blocks = region.linkAdrChannelMasks(wanted);
                assertEquals(wanted, applyDynamic(defined, randomSubset(defined), blocks), region + ": " + blocks);
            }
            assertEquals(List.of(new ChMaskBlock(6, 0)), region.linkAdrChannelMasks(range(0, defined)));
        }
    }

    @Test
    void aChannelTheRegionHasNotOrNoChannelAtAllIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("us915").linkAdrChannelMasks(Set.of(72)));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("eu868").linkAdrChannelMasks(Set.of(3)));
        assertThrows(IllegalArgumentException.class, () -> Regions.byId("cn470").linkAdrChannelMasks(new HashSet<>()));
    }
}
