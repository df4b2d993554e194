package net.lorawanns.core.region;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * A region with a dynamic channel plan (EU868, AS923, IN865, KR920, EU433, RU864, CN779; RP002-1.0.4 section 3.1):
 * a few default channels every device has, up to 16 channels in all, extra ones given by the join-accept's CFList
 * (type 0) or NewChannelReq; RX1 on the uplink's frequency.
 */
final class DynamicPlanRegion extends Region {
    /** RP002: the dynamic-plan regions' devices store at least, and this server gives at most, 16 channels. */
    private static final int MAX_CHANNELS = 16;
    /** A type 0 CFList carries five frequencies. */
    private static final int CFLIST_FREQUENCIES = 5;
    private static final int CFLIST_MIN_DR = 0;
    private static final int CFLIST_MAX_DR = 5;
    /** LinkADRReq ChMaskCntl 0: ChMask enables channels 0-15; 6: every defined channel on (RP002 dynamic plans). */
    private static final int CH_MASK_CNTL_CHANNELS = 0;
    private static final int CH_MASK_CNTL_ALL_ON = 6;

    private final List<Channel> defaultChannels;
    private final List<Channel> channels;
    private final SortedSet<Integer> enabledIndices;

    DynamicPlanRegion(RegionTables tables, List<Channel> defaultChannels) {
        this(tables, defaultChannels, List.of(), tables.rx2FrequencyHz, tables.rx2DataRate);
    }

    private DynamicPlanRegion(RegionTables tables, List<Channel> defaultChannels, List<Channel> extraChannels,
                              long networkRx2FrequencyHz, int networkRx2DataRate) {
        super(tables, networkRx2FrequencyHz, networkRx2DataRate);
        this.defaultChannels = List.copyOf(defaultChannels);
        List<Channel> all = new ArrayList<>(defaultChannels);
        all.addAll(extraChannels);
        this.channels = List.copyOf(all);
        SortedSet<Integer> indices = new TreeSet<>();
        for (int i = 0; i < channels.size(); i++) {
            indices.add(i);
        }
        this.enabledIndices = Collections.unmodifiableSortedSet(indices);
    }

    private List<Channel> extraChannels() {
        return channels.subList(defaultChannels.size(), channels.size());
    }

    @Override
    public Region withSubBands(Set<Integer> subBands) {
        throw new IllegalArgumentException(id() + " has a dynamic channel plan: it has no sub-bands; give extra "
                + "channels instead");
    }

    @Override
    public Region withExtraChannels(List<Channel> extraChannels) {
        if (defaultChannels.size() + extraChannels.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException(id() + " takes at most " + (MAX_CHANNELS - defaultChannels.size())
                    + " extra channels (" + MAX_CHANNELS + " in all with its " + defaultChannels.size()
                    + " default channels), got " + extraChannels.size());
        }
        Set<Long> seen = new HashSet<>();
        defaultChannels.forEach(c -> seen.add(c.frequencyHz()));
        for (Channel channel : extraChannels) {
            if (!inBand(channel.frequencyHz())) {
                throw new IllegalArgumentException(channel.frequencyHz() + " Hz is outside " + id() + "'s band ("
                        + tables.minFrequencyHz + "-" + tables.maxFrequencyHz + " Hz)");
            }
            if (!seen.add(channel.frequencyHz())) {
                throw new IllegalArgumentException(channel.frequencyHz() + " Hz is already a channel of " + id());
            }
            for (int dr : new int[] {channel.minDr(), channel.maxDr()}) {
                if (!isUplinkDataRate(dr)) {
                    throw new IllegalArgumentException(id() + " has no uplink data rate DR" + dr);
                }
            }
        }
        return new DynamicPlanRegion(tables, defaultChannels, extraChannels, networkRx2Frequency(),
                networkRx2DataRate());
    }

    @Override
    public Region withNetworkRx2(long frequencyHz, int dataRate) {
        checkNetworkRx2(frequencyHz, dataRate);
        return new DynamicPlanRegion(tables, defaultChannels, extraChannels(), frequencyHz, dataRate);
    }

    @Override
    public List<Channel> uplinkChannels() {
        return channels;
    }

    @Override
    public SortedSet<Integer> enabledUplinkChannelIndices() {
        return enabledIndices;
    }

    @Override
    public OptionalInt uplinkChannel(long frequencyHz) {
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i).frequencyHz() == frequencyHz) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public boolean acceptsUplink(long frequencyHz, int dr) {
        OptionalInt index = uplinkChannel(frequencyHz);
        return index.isPresent() && channels.get(index.getAsInt()).allows(dr);
    }

    @Override
    public long rx1Frequency(long uplinkFrequencyHz) {
        return uplinkFrequencyHz;
    }

    /**
     * The leading extra channels, at most five, that allow DR0-DR5: a CFList channel is usable for DR0 to DR5
     * (RP002 "Join-Accept CFList" of each dynamic-plan region), and the channels after the first one that is not
     * must keep their index, so they and the rest wait for NewChannelReq.
     */
    @Override
    public Optional<CfList> joinAcceptCfList(RegParamsRevision revision) {
        List<Long> frequencies = extraChannels().stream()
                .takeWhile(c -> c.minDr() == CFLIST_MIN_DR && c.maxDr() == CFLIST_MAX_DR)
                .limit(CFLIST_FREQUENCIES).map(Channel::frequencyHz).toList();
        return frequencies.isEmpty() ? Optional.empty() : Optional.of(new CfList.Frequencies(frequencies));
    }

    @Override
    public int cfListType() {
        return 0;
    }

    @Override
    public List<ChMaskBlock> linkAdrChannelMasks(Set<Integer> enabledChannels) {
        if (enabledChannels.isEmpty()) {
            throw new IllegalArgumentException("a device needs at least one enabled channel");
        }
        int mask = 0;
        for (int channel : enabledChannels) {
            if (channel < 0 || channel >= channels.size()) {
                throw new IllegalArgumentException(id() + " has no channel " + channel + " (channels 0-"
                        + (channels.size() - 1) + ")");
            }
            mask |= 1 << channel;
        }
        if (enabledChannels.size() == channels.size()) {
            return List.of(new ChMaskBlock(CH_MASK_CNTL_ALL_ON, 0));
        }
        return List.of(new ChMaskBlock(CH_MASK_CNTL_CHANNELS, mask));
    }

    @Override
    public boolean supportsNewChannelReq() {
        return true;
    }
}
