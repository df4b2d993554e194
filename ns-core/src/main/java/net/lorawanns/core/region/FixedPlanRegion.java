package net.lorawanns.core.region;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * A region with a fixed channel plan (US915, AU915, CN470; RP002-1.0.4 sections 3.5 and 3.6, CN470 as RP002-1.0.0 to
 * 1.0.2 define it): a grid of channels of which the network enables some sub-bands; the join-accept's CFList (type 1)
 * and LinkADRReq carry channel masks; devices take no NewChannelReq.
 */
final class FixedPlanRegion extends Region {
    private static final int MASK_BITS = 16;
    /** US915/AU915 LinkADRReq ChMaskCntl 6 and 7: all 125 kHz channels on (6) or off (7), ChMask for 64-71. */
    private static final int CH_MASK_CNTL_ALL_125_ON = 6;
    private static final int CH_MASK_CNTL_ALL_125_OFF = 7;
    /** CN470 LinkADRReq ChMaskCntl 6: all channels on. */
    private static final int CH_MASK_CNTL_ALL_ON = 6;

    private final FixedChannelPlan plan;
    private final BitSet enabled;
    private final List<Channel> uplinkChannels;
    private final SortedSet<Integer> enabledIndices;

    FixedPlanRegion(RegionTables tables, FixedChannelPlan plan, Set<Integer> subBands) {
        this(tables, plan, enabledBy(plan, subBands, tables.id), tables.rx2FrequencyHz, tables.rx2DataRate);
    }

    private FixedPlanRegion(RegionTables tables, FixedChannelPlan plan, BitSet enabled, long networkRx2FrequencyHz,
                            int networkRx2DataRate) {
        super(tables, networkRx2FrequencyHz, networkRx2DataRate);
        this.plan = plan;
        this.enabled = (BitSet) enabled.clone();
        this.uplinkChannels = enabled.stream().mapToObj(plan::channel).toList();
        SortedSet<Integer> indices = new TreeSet<>();
        enabled.stream().forEach(indices::add);
        this.enabledIndices = Collections.unmodifiableSortedSet(indices);
    }

    private static BitSet enabledBy(FixedChannelPlan plan, Set<Integer> subBands, String id) {
        if (subBands.isEmpty()) {
            throw new IllegalArgumentException(id + " needs at least one sub-band");
        }
        BitSet channels = new BitSet(plan.channelCount());
        for (int subBand : subBands) {
            if (subBand < 1 || subBand > plan.subBands()) {
                throw new IllegalArgumentException(id + " has sub-bands 1-" + plan.subBands() + ", got " + subBand);
            }
            int first = (subBand - 1) * FixedChannelPlan.CHANNELS_PER_SUB_BAND;
            channels.set(first, first + FixedChannelPlan.CHANNELS_PER_SUB_BAND);
            if (plan.count500() > 0) {
                channels.set(plan.count125() + subBand - 1);
            }
        }
        return channels;
    }

    @Override
    public Region withSubBands(Set<Integer> subBands) {
        return new FixedPlanRegion(tables, plan, enabledBy(plan, subBands, id()), networkRx2Frequency(),
                networkRx2DataRate());
    }

    @Override
    public Region withExtraChannels(List<Channel> extraChannels) {
        throw new IllegalArgumentException(id() + " has a fixed channel plan: it takes no extra channels; choose "
                + "sub-bands instead");
    }

    @Override
    public Region withNetworkRx2(long frequencyHz, int dataRate) {
        checkNetworkRx2(frequencyHz, dataRate);
        return new FixedPlanRegion(tables, plan, enabled, frequencyHz, dataRate);
    }

    @Override
    public List<Channel> uplinkChannels() {
        return uplinkChannels;
    }

    @Override
    public SortedSet<Integer> enabledUplinkChannelIndices() {
        return enabledIndices;
    }

    @Override
    public OptionalInt uplinkChannel(long frequencyHz) {
        int index = plan.indexOf(frequencyHz);
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    @Override
    public boolean acceptsUplink(long frequencyHz, int dr) {
        int index = plan.indexOf(frequencyHz);
        return index >= 0 && enabled.get(index) && plan.channel(index).allows(dr);
    }

    @Override
    public long rx1Frequency(long uplinkFrequencyHz) {
        int index = plan.indexOf(uplinkFrequencyHz);
        if (index < 0) {
            throw new IllegalArgumentException(uplinkFrequencyHz + " Hz is no " + id() + " uplink channel");
        }
        return plan.downlinkFrequency(index);
    }

    /**
     * ChMask0 to ChMask4 for channels 0-79 (US915, AU915: 64-71 in ChMask4) or ChMask0 to ChMask5 for channels 0-95
     * (CN470), for the revisions that define CFList type 1.
     */
    @Override
    public Optional<CfList> joinAcceptCfList(RegParamsRevision revision) {
        if (!RegParamsRevisions.definesChannelMaskCfList(revision)) {
            return Optional.empty();
        }
        int count = Math.max(5, (plan.channelCount() + MASK_BITS - 1) / MASK_BITS);
        List<Integer> masks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            masks.add(mask(enabled, i * MASK_BITS));
        }
        return Optional.of(new CfList.ChannelMasks(masks));
    }

    private static int mask(BitSet channels, int firstChannel) {
        int mask = 0;
        for (int bit = 0; bit < MASK_BITS; bit++) {
            if (channels.get(firstChannel + bit)) {
                mask |= 1 << bit;
            }
        }
        return mask;
    }

    @Override
    public int cfListType() {
        return 1;
    }

    /**
     * US915/AU915 (ChMaskCntl 0-3: ChMask for channels 16n to 16n+15; 6 and 7: all 125 kHz channels on or off, ChMask
     * for 64-71): ChMaskCntl 7 or 6, whichever needs fewer blocks, then the 16-channel groups that differ from it.
     * CN470 (ChMaskCntl 0-5 for the six groups of 16, 6 for all on): every group, or ChMaskCntl 6 and the groups
     * with a channel off, whichever is shorter.
     */
    @Override
    public List<ChMaskBlock> linkAdrChannelMasks(Set<Integer> enabledChannels) {
        if (enabledChannels.isEmpty()) {
            throw new IllegalArgumentException("a device needs at least one enabled channel");
        }
        BitSet wanted = new BitSet(plan.channelCount());
        for (int channel : enabledChannels) {
            if (channel < 0 || channel >= plan.channelCount()) {
                throw new IllegalArgumentException(id() + " has no channel " + channel + " (channels 0-"
                        + (plan.channelCount() - 1) + ")");
            }
            wanted.set(channel);
        }
        int groups = plan.count125() / MASK_BITS;
        if (plan.count500() == 0) {
            List<ChMaskBlock> everyGroup = new ArrayList<>();
            List<ChMaskBlock> fromAllOn = new ArrayList<>(List.of(new ChMaskBlock(CH_MASK_CNTL_ALL_ON, 0)));
            for (int group = 0; group < groups; group++) {
                int mask = mask(wanted, group * MASK_BITS);
                everyGroup.add(new ChMaskBlock(group, mask));
                if (mask != 0xFFFF) {
                    fromAllOn.add(new ChMaskBlock(group, mask));
                }
            }
            return fromAllOn.size() < everyGroup.size() ? List.copyOf(fromAllOn) : List.copyOf(everyGroup);
        }
        int mask500 = mask(wanted, plan.count125());
        List<ChMaskBlock> fromAllOff = new ArrayList<>(List.of(new ChMaskBlock(CH_MASK_CNTL_ALL_125_OFF, mask500)));
        List<ChMaskBlock> fromAllOn = new ArrayList<>(List.of(new ChMaskBlock(CH_MASK_CNTL_ALL_125_ON, mask500)));
        for (int group = 0; group < groups; group++) {
            int mask = mask(wanted, group * MASK_BITS);
            if (mask != 0) {
                fromAllOff.add(new ChMaskBlock(group, mask));
            }
            if (mask != 0xFFFF) {
                fromAllOn.add(new ChMaskBlock(group, mask));
            }
        }
        return fromAllOff.size() <= fromAllOn.size() ? List.copyOf(fromAllOff) : List.copyOf(fromAllOn);
    }

    @Override
    public boolean supportsNewChannelReq() {
        return false;
    }
}
