package net.lorawanns.core.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lorawanns.config.ExtraChannelSettings;
import net.lorawanns.config.NetworkSettings;
import net.lorawanns.config.RegionSettings;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;

/**
 * Turns {@code [[regions]]} entries into the regions the network runs: RP002's tables with the operator's channels and
 * RX2. Errors are {@link IllegalArgumentException}s whose message starts with the TOML key and ": ". Runs at
 * start-up and in {@code config check}; the regions it returns are immutable and shared by every thread.
 */
public final class RegionPlans {
    /** EU868 without an entry: the five channels most EU868 gateways listen on besides the default three. */
    private static final List<Channel> EU868_EXTRA_CHANNELS = List.of(new Channel(867_100_000L, 0, 5),
            new Channel(867_300_000L, 0, 5), new Channel(867_500_000L, 0, 5), new Channel(867_700_000L, 0, 5),
            new Channel(867_900_000L, 0, 5));
    /** Fixed plans without an entry: the sub-band 8-channel gateways ship with (US915/AU915 2, CN470 1). */
    private static final Map<String, Set<Integer>> DEFAULT_SUB_BANDS = Map.of("us915", Set.of(2), "au915", Set.of(2),
            "cn470", Set.of(1));

    private RegionPlans() {
    }

    /**
     * Every enabled region, in {@code network.enabled_regions} order, configured by its entry or by the defaults.
     *
     * @throws IllegalArgumentException "regions[i].key: why" for a value that does not fit its region
     */
    public static Map<String, Region> configured(NetworkSettings network, List<RegionSettings> entries) {
        Map<String, Region> regions = new LinkedHashMap<>();
        for (String id : network.enabledRegions()) {
            regions.put(id, of(RegionSettings.defaultsFor(id)));
        }
        for (int i = 0; i < entries.size(); i++) {
            try {
                regions.put(entries.get(i).id(), of(entries.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("regions[" + i + "]." + e.getMessage(), e);
            }
        }
        return regions;
    }

    /**
     * One region as an entry configures it.
     *
     * @throws IllegalArgumentException "key: why", the key relative to the entry (e.g. {@code sub_bands[0]})
     */
    public static Region of(RegionSettings settings) {
        Region region = Regions.byId(settings.id());
        if (region.supportsNewChannelReq()) {
            if (settings.subBands() != null) {
                throw new IllegalArgumentException("sub_bands: " + settings.id() + " has a dynamic channel plan, "
                        + "without sub-bands; list extra_channels instead");
            }
            region = region.withExtraChannels(settings.extraChannels() == null ? defaultExtraChannels(settings.id())
                    : extraChannels(region, settings.extraChannels()));
        } else {
            if (settings.extraChannels() != null) {
                throw new IllegalArgumentException("extra_channels: " + settings.id() + " has a fixed channel plan, "
                        + "whose channels are chosen by sub_bands");
            }
            region = region.withSubBands(settings.subBands() == null ? DEFAULT_SUB_BANDS.get(settings.id())
                    : subBands(region, settings.subBands()));
        }
        return withRx2(region, settings);
    }

    private static List<Channel> defaultExtraChannels(String id) {
        return id.equals("eu868") ? EU868_EXTRA_CHANNELS : List.of();
    }

    private static List<Channel> extraChannels(Region region, List<ExtraChannelSettings> entries) {
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ExtraChannelSettings entry = entries.get(i);
            if (entry.downlinkFrequency() != null && !region.inBand(entry.downlinkFrequency())) {
                throw new IllegalArgumentException("extra_channels[" + i + "].downlink_frequency: "
                        + entry.downlinkFrequency()
                        + " Hz is outside " + region.id() + "'s band");
            }
            channels.add(new Channel(entry.frequency(), entry.minDr(), entry.maxDr(),
                    entry.downlinkFrequency() == null ? 0 : entry.downlinkFrequency()));
            try {
                region.withExtraChannels(channels);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("extra_channels[" + i + "]: " + e.getMessage(), e);
            }
        }
        return channels;
    }

    private static Set<Integer> subBands(Region region, List<Integer> entries) {
        for (int i = 0; i < entries.size(); i++) {
            try {
                region.withSubBands(Set.of(entries.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sub_bands[" + i + "]: " + e.getMessage(), e);
            }
        }
        return Set.copyOf(entries);
    }

    private static Region withRx2(Region region, RegionSettings settings) {
        long frequency = settings.rx2Frequency() == null ? region.rx2Frequency() : settings.rx2Frequency();
        int dr = settings.rx2Dr() == null ? region.rx2DataRate() : settings.rx2Dr();
        try {
            region.withNetworkRx2(frequency, region.rx2DataRate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rx2_frequency: " + e.getMessage(), e);
        }
        try {
            return region.withNetworkRx2(frequency, dr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rx2_dr: " + e.getMessage(), e);
        }
    }
}
