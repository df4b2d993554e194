package net.lorawanns.core.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.lorawanns.core.adr.AdrLimits;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.mac.MacTarget;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.RegParamsRevisions;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;

/**
 * Where a device's MAC state starts and where the network wants it: from the region as this network runs it (its
 * channels, its RX2), the network's defaults and the ADR decision. Runs on the pipeline's event loop.
 */
final class MacTargets {
    /** ADR for a device: the algorithm's id and the limits it decides within. */
    record Adr(String algorithm, AdrLimits limits) {
    }

    private final NetworkPlan plan;

    MacTargets(NetworkPlan plan) {
        this.plan = plan;
    }

    /**
     * What a device has after its join-accept (or ABP activation): the region's default channels, or those of the
     * join-accept's CFList where its Regional Parameters revision has one; the receive windows the session was given,
     * with RP002's RX2 frequency, which a join-accept cannot change.
     */
    MacState initial(DataUplink uplink) {
        Region region = uplink.region;
        Region defaults = Regions.byId(region.id());
        boolean cfList = uplink.device.otaa() && region.joinAcceptCfList(
                RegParamsRevisions.defaultFor(uplink.device.macVersion())).isPresent();
        SortedSet<Integer> channels = new TreeSet<>((cfList ? region : defaults).enabledUplinkChannelIndices());
        SortedMap<Integer, Long> extra = new TreeMap<>();
        if (cfList && region.supportsNewChannelReq()) {
            List<Channel> all = region.uplinkChannels();
            // A CFList carries at most five frequencies (channels 3 to 7 after EU868's default three).
            for (int i = defaults.uplinkChannels().size(); i < Math.min(all.size(),
                    defaults.uplinkChannels().size() + 5); i++) {
                extra.put(i, all.get(i).frequencyHz());
            }
            channels.removeIf(i -> i >= defaults.uplinkChannels().size() && !extra.containsKey(i));
        }
        DeviceSession session = uplink.session();
        return MacState.initial(channels, extra, new MacState.RxSettings(session.rxDelaySeconds(),
                session.rx1DrOffset(), session.rx2DataRate(), region.rx2Frequency()));
    }

    /** Where the network wants the device: the region's enabled channels, the network's receive windows, ADR's say. */
    MacTarget target(DataUplink uplink) {
        Region region = uplink.region;
        SortedSet<Integer> channels = region.enabledUplinkChannelIndices();
        List<MacTarget.ChannelMask> masks = region.linkAdrChannelMasks(channels).stream()
                .map(block -> new MacTarget.ChannelMask(block.chMaskCntl(), block.chMask())).toList();
        SortedMap<Integer, MacTarget.NewChannel> extra = new TreeMap<>();
        if (region.supportsNewChannelReq()) {
            List<Channel> all = region.uplinkChannels();
            for (int i = Regions.byId(region.id()).uplinkChannels().size(); i < all.size(); i++) {
                extra.put(i, new MacTarget.NewChannel(all.get(i).frequencyHz(), all.get(i).minDr(),
                        all.get(i).maxDr()));
            }
        }
        MacState.RxSettings rx = new MacState.RxSettings(plan.rx1DelaySeconds(), plan.rx1DrOffset(),
                region.networkRx2DataRate(), region.networkRx2Frequency());
        return new MacTarget(channels, masks, extra, rx, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), uplink.linkAdr);
    }

    /** ADR for the device, if the network controls its data rate: with the region's limits and its refusals. */
    Optional<Adr> adr(DataUplink uplink) {
        Region region = uplink.region;
        int maxDr = highestAdrDataRate(region);
        for (int refused : uplink.mac.refusedDataRates()) {
            maxDr = Math.min(maxDr, refused - 1);
        }
        int maxTxPower = region.maxTxPowerIndex();
        for (int refused : uplink.mac.refusedTxPowers()) {
            maxTxPower = Math.min(maxTxPower, refused - 1);
        }
        if (maxDr < 0 || maxTxPower < 0) {
            return Optional.empty();
        }
        return Optional.of(new Adr("default", new AdrLimits(0, maxDr, maxTxPower)));
    }

    /** ADR moves devices among the LoRa 125 kHz uplink data rates (RP002: DR5 in EU868, DR3 in US915). */
    private static int highestAdrDataRate(Region region) {
        int highest = 0;
        for (int dr = 0; dr < 16; dr++) {
            DataRate rate;
            try {
                rate = region.dataRate(dr);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (rate instanceof DataRate.LoRa lora && lora.bandwidthHz() == 125_000
                    && region.uplinkDataRateIndex(rate).isPresent()) {
                highest = dr;
            }
        }
        return highest;
    }
}
