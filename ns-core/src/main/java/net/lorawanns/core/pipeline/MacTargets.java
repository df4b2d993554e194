package net.lorawanns.core.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.lorawanns.core.adr.AdrLimits;
import net.lorawanns.core.device.DeviceProfile;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.mac.MacTarget;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;

/**
 * Where a device's MAC state starts and where the network wants it, from the region as this network runs it, the
 * device's profile and the ADR decision. Runs on the pipeline's event loop (its cache is not shared).
 */
final class MacTargets {
    /** ADR for a device: the algorithm's id, the limits it decides within, and the most transmissions it may ask. */
    record Adr(String algorithm, AdrLimits limits, int nbTransMax) {
    }

    /** TxParamSetupReq's MaxEIRP field: index to dBm (LoRaWAN 1.0.4 section 5.12). */
    private static final int[] MAX_EIRP_DBM = {8, 10, 12, 13, 14, 16, 18, 20, 21, 24, 26, 27, 29, 30, 33, 36};

    private record PlanKey(String region, DeviceProfile.Channels channels) {
    }

    /** What a region's channels ask of a device: enabled channels, the masks that leave it so, the extra channels. */
    private record ChannelTarget(SortedSet<Integer> channels, List<MacTarget.ChannelMask> masks,
                                 SortedMap<Integer, MacTarget.NewChannel> extra, SortedMap<Integer, Long> downlink) {
    }

    private final Map<PlanKey, Region> channelPlans = new HashMap<>();
    /** By region instance: the network's regions and the profiles' channel plans are made once and kept. */
    private final Map<Region, ChannelTarget> channelTargets = new IdentityHashMap<>();

    /**
     * The channels a device has: the region's as this network runs it, or those its profile names (a fixed plan's
     * sub-bands; a dynamic plan's extra frequencies, each open to the data rates of the region's channels).
     */
    Region channels(Region region, EffectiveProfile profile) {
        DeviceProfile.Channels channels = profile.channels();
        if (channels.subBands().isEmpty() && channels.extraFrequencies().isEmpty()) {
            return region;
        }
        return channelPlans.computeIfAbsent(new PlanKey(region.id(), channels), key -> {
            if (!channels.subBands().isEmpty()) {
                return region.withSubBands(new HashSet<>(channels.subBands()));
            }
            Region defaults = Regions.byId(region.id());
            int minDr = defaults.uplinkChannels().stream().mapToInt(Channel::minDr).min().orElse(0);
            int maxDr = defaults.uplinkChannels().stream().mapToInt(Channel::maxDr).max().orElse(0);
            // A frequency the network also runs keeps that channel's data rates and RX1 frequency.
            Map<Long, Channel> network = new HashMap<>();
            region.uplinkChannels().forEach(channel -> network.put(channel.frequencyHz(), channel));
            List<Channel> extra = new ArrayList<>();
            channels.extraFrequencies().forEach(hz -> extra.add(network.getOrDefault(hz,
                    new Channel(hz, minDr, maxDr))));
            return region.withExtraChannels(extra);
        });
    }

    /**
     * What a device has after its join-accept (or ABP activation): the region's default channels, or those of the
     * join-accept's CFList where its Regional Parameters revision has one; the receive windows the session was given,
     * with RP002's RX2 frequency, which a join-accept cannot change.
     */
    MacState initial(DataUplink uplink) {
        Region region = channels(uplink.region, uplink.profile);
        Region defaults = Regions.byId(region.id());
        Optional<CfList> cfList = uplink.device.otaa()
                ? region.joinAcceptCfList(uplink.profile.regParamsRevision()) : Optional.empty();
        SortedSet<Integer> channels;
        SortedMap<Integer, Long> extra = new TreeMap<>();
        if (cfList.isEmpty()) {
            channels = defaults.enabledUplinkChannelIndices();
        } else if (cfList.get() instanceof CfList.Frequencies frequencies) {
            // The channels the CFList named (it may stop short of the region's extra channels), after the defaults.
            channels = new TreeSet<>(defaults.enabledUplinkChannelIndices());
            int first = defaults.uplinkChannels().size();
            for (int i = 0; i < frequencies.hz().size(); i++) {
                if (frequencies.hz().get(i) > 0) {
                    extra.put(first + i, frequencies.hz().get(i));
                    channels.add(first + i);
                }
            }
        } else {
            channels = region.enabledUplinkChannelIndices();
        }
        DeviceSession session = uplink.session();
        return MacState.initial(channels, extra, new MacState.RxSettings(session.rxDelaySeconds(),
                session.rx1DrOffset(), session.rx2DataRate(), region.rx2Frequency()));
    }

    /** Where the network wants the device: its channels, its profile's receive windows and EIRP, ADR's say. */
    MacTarget target(DataUplink uplink) {
        EffectiveProfile profile = uplink.profile;
        Region region = channels(uplink.region, profile);
        ChannelTarget channels = channelTargets.computeIfAbsent(region, MacTargets::channelTarget);
        MacState.RxSettings rx = new MacState.RxSettings(profile.rx1Delay(), profile.rx1DrOffset(),
                profile.rx2DataRate(), profile.rx2Frequency());
        DeviceProfile.MacParams mac = profile.mac();
        Optional<MacTarget.AdrAck> adrAck = mac.adrAckLimitExp().isPresent()
                ? Optional.of(new MacTarget.AdrAck(mac.adrAckLimitExp().getAsInt(), mac.adrAckDelayExp().getAsInt()))
                : Optional.empty();
        Optional<MacState.RejoinParams> rejoin = mac.rejoinMaxTimeN().isPresent()
                ? Optional.of(new MacState.RejoinParams(mac.rejoinMaxTimeN().getAsInt(),
                        mac.rejoinMaxCountN().getAsInt()))
                : Optional.empty();
        DeviceProfile.Classes classes = profile.classes();
        return new MacTarget(channels.channels(), channels.masks(), channels.extra(), channels.downlink(), rx,
                mac.maxDutyCycle().orElse(uplink.mac.maxDutyCycle()),
                adrAck, rejoin, txParams(region, profile), profile.devStatusInterval(), uplink.linkAdr,
                pingSlotChannel(region, classes), classes.beaconFrequency());
    }

    /**
     * Class B: the ping-slot channel the profile sets, either part left out being the region's default (frequency 0
     * in PingSlotChannelReq means the default frequency plan, LoRaWAN 1.0.4 section 12.3).
     */
    private static Optional<MacState.PingSlotChannel> pingSlotChannel(Region region, DeviceProfile.Classes classes) {
        if (classes.pingSlotFrequency().isEmpty() && classes.pingSlotDataRate().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MacState.PingSlotChannel(classes.pingSlotFrequency().orElse(0),
                classes.pingSlotDataRate().orElse(region.pingSlotDataRate())));
    }

    private static ChannelTarget channelTarget(Region region) {
        SortedSet<Integer> channels = region.enabledUplinkChannelIndices();
        List<MacTarget.ChannelMask> masks = region.linkAdrChannelMasks(channels).stream()
                .map(block -> new MacTarget.ChannelMask(block.chMaskCntl(), block.chMask())).toList();
        SortedMap<Integer, MacTarget.NewChannel> extra = new TreeMap<>();
        SortedMap<Integer, Long> downlink = new TreeMap<>();
        if (region.supportsNewChannelReq()) {
            List<Channel> all = region.uplinkChannels();
            for (int i = Regions.byId(region.id()).uplinkChannels().size(); i < all.size(); i++) {
                Channel channel = all.get(i);
                extra.put(i, new MacTarget.NewChannel(channel.frequencyHz(), channel.minDr(), channel.maxDr()));
                if (channel.downlinkFrequencyHz() > 0) {
                    downlink.put(i, channel.downlinkFrequencyHz());
                }
            }
        }
        return new ChannelTarget(channels, masks, Collections.unmodifiableSortedMap(extra),
                Collections.unmodifiableSortedMap(downlink));
    }

    /**
     * A device whose profile limits its EIRP below the region's default is told so with TxParamSetupReq, where the
     * region has the command (AS923, AU915), keeping the region's dwell-time limits.
     */
    private static Optional<MacState.TxParams> txParams(Region region, EffectiveProfile profile) {
        if (!region.supportsTxParamSetup(profile.regParamsRevision())
                || profile.maxEirpDbm() >= region.defaultMaxEirpDbm()) {
            return Optional.empty();
        }
        int index = 0;
        for (int i = 0; i < MAX_EIRP_DBM.length; i++) {
            if (MAX_EIRP_DBM[i] <= profile.maxEirpDbm()) {
                index = i;
            }
        }
        return Optional.of(new MacState.TxParams(region.dwellTime(profile.regParamsRevision()).uplinkDefault(),
                region.dwellTime(profile.regParamsRevision()).downlinkDefault(), index));
    }

    /** ADR for the device, if its profile has it on: within its limits, below what it refused. */
    Optional<Adr> adr(DataUplink uplink) {
        EffectiveProfile.Adr adr = uplink.profile.adr();
        if (!adr.enabled()) {
            return Optional.empty();
        }
        int maxDr = adr.maxDr();
        for (int refused : uplink.mac.refusedDataRates()) {
            if (refused > adr.minDr()) {
                maxDr = Math.min(maxDr, refused - 1);
            }
        }
        int maxTxPower = uplink.region.maxTxPowerIndex();
        for (int refused : uplink.mac.refusedTxPowers()) {
            if (refused > 0) {
                maxTxPower = Math.min(maxTxPower, refused - 1);
            }
        }
        return Optional.of(new Adr(adr.algorithm(), new AdrLimits(adr.minDr(), maxDr, maxTxPower,
                adr.installationMarginDb()), adr.nbTransMax()));
    }
}
