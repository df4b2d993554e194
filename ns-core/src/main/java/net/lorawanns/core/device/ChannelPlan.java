package net.lorawanns.core.device;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a device profile may say about a region's channels (RP002-1.0.4): a fixed plan (US915, AU915, CN470) has
 * sub-bands of eight 125 kHz uplink channels that a device enables; a dynamic plan has a few default channels and
 * up to 16 in all (the 16 bits of LinkADRReq's ChMask), whose frequencies travel in 100 Hz steps
 * (NewChannelReq's Freq; 200 Hz steps in the LoRa 2.4 GHz plan, ISM2400).
 *
 * @param subBands the number of sub-bands of a fixed plan, 0 for a dynamic plan
 * @param defaultChannels the number of default channels of a dynamic plan
 */
record ChannelPlan(int subBands, int defaultChannels, long minFrequency, long maxFrequency, long frequencyStep) {
    static final int MAX_DYNAMIC_CHANNELS = 16;
    private static final long SUB_GHZ_MIN = 100_000_000L;
    private static final long SUB_GHZ_MAX = 1_000_000_000L;

    private static final Map<String, ChannelPlan> BY_REGION = Map.ofEntries(
            // RP002-1.0.4, channel frequencies of US902-928 and AU915-928: 64 channels of 125 kHz in 8 sub-bands;
            // CN470-510: 96 in 12.
            Map.entry("us915", fixed(8)), Map.entry("au915", fixed(8)), Map.entry("cn470", fixed(12)),
            // RP002-1.0.4, each dynamic plan's default channels: three, but two in AS923 (all groups) and RU864.
            Map.entry("eu868", dynamic(3)), Map.entry("eu433", dynamic(3)), Map.entry("cn779", dynamic(3)),
            Map.entry("in865", dynamic(3)), Map.entry("kr920", dynamic(3)), Map.entry("ru864", dynamic(2)),
            Map.entry("as923", dynamic(2)), Map.entry("as923_2", dynamic(2)), Map.entry("as923_3", dynamic(2)),
            Map.entry("as923_4", dynamic(2)),
            Map.entry("ism2400", new ChannelPlan(0, 3, 2_400_000_000L, 2_500_000_000L, 200)));

    /** The plan of a region by its configuration name ({@code eu868}); null for a name no region has. */
    static ChannelPlan of(String regionId) {
        return BY_REGION.get(regionId);
    }

    /** The configuration names of the regions there are plans for. */
    static Set<String> regions() {
        return new TreeSet<>(BY_REGION.keySet());
    }

    boolean fixed() {
        return subBands > 0;
    }

    /** Checks a frequency a device is told, naming {@code field} when it cannot be. */
    long checkFrequency(String field, long hz) {
        if (hz < minFrequency || hz > maxFrequency || hz % frequencyStep != 0) {
            throw new IllegalArgumentException(field + ": must be a frequency in Hz from " + minFrequency + " to "
                    + maxFrequency + " in steps of " + frequencyStep + " Hz, got " + hz);
        }
        return hz;
    }

    private static ChannelPlan fixed(int subBands) {
        return new ChannelPlan(subBands, 0, SUB_GHZ_MIN, SUB_GHZ_MAX, 100);
    }

    private static ChannelPlan dynamic(int defaultChannels) {
        return new ChannelPlan(0, defaultChannels, SUB_GHZ_MIN, SUB_GHZ_MAX, 100);
    }
}
