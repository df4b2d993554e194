package net.lorawanns.core.region;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.MacVersion;

/**
 * A region with a dynamic channel plan (EU868 and its kind, RP002-1.0.4 section 2.1): a few default channels,
 * up to five more given in the join-accept's CFList, RX1 on the uplink frequency at DR - RX1DROffset.
 */
final class DynamicPlanRegion extends Region {
    private final List<Long> channels;
    private final List<Long> cfListChannels;

    DynamicPlanRegion(String id, List<DataRate> dataRates, List<Long> defaultChannels, List<Long> cfListChannels,
                      long rx2Frequency, int rx2DataRate, int downlinkPowerDbm, int maxRx1DrOffset) {
        super(id, dataRates, rx2Frequency, rx2DataRate, downlinkPowerDbm, maxRx1DrOffset);
        List<Long> all = new ArrayList<>(defaultChannels);
        all.addAll(cfListChannels);
        this.channels = List.copyOf(all);
        this.cfListChannels = List.copyOf(cfListChannels);
    }

    @Override
    public OptionalInt uplinkChannel(long frequencyHz) {
        int index = channels.indexOf(frequencyHz);
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    @Override
    public long rx1Frequency(long uplinkFrequencyHz) {
        return uplinkFrequencyHz;
    }

    @Override
    public int rx1DataRate(int uplinkDr, int rx1DrOffset) {
        return Math.max(0, uplinkDr - Math.min(rx1DrOffset, maxRx1DrOffset()));
    }

    @Override
    public Optional<CfList> joinAcceptCfList(MacVersion version) {
        return cfListChannels.isEmpty() ? Optional.empty() : Optional.of(new CfList.Frequencies(cfListChannels));
    }
}
