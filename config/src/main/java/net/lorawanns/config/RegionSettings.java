package net.lorawanns.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code [[regions]]}: how the network runs one enabled region. Whether the values fit the region (its band, its
 * plan kind, its sub-bands and data rates) is checked against the region's tables when the server builds it.
 *
 * @param id the region, one of {@code network.enabled_regions}
 * @param extraChannels dynamic plans: uplink channels added to the region's default ones; null = the server's default
 * @param subBands fixed plans: the enabled sub-bands, 1-based; null = the server's default
 * @param rx2Frequency the RX2 frequency in Hz the network uses; null = the region's default
 * @param rx2Dr the RX2 data rate the network uses; null = the region's default
 */
public record RegionSettings(String id, List<ExtraChannelSettings> extraChannels, List<Integer> subBands,
                             Long rx2Frequency, Integer rx2Dr) {
    public RegionSettings {
        if (id == null) {
            throw new InvalidSettingException("id", "is required (the region this entry configures)");
        }
        id = RegionId.parse("id", id).id();
        extraChannels = extraChannels == null ? null : List.copyOf(extraChannels);
        if (subBands != null) {
            subBands = List.copyOf(subBands);
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < subBands.size(); i++) {
                int subBand = subBands.get(i);
                if (subBand < 1) {
                    throw new InvalidSettingException("sub_bands[" + i + "]", "sub-bands are numbered from 1, got "
                            + subBand);
                }
                if (!seen.add(subBand)) {
                    throw new InvalidSettingException("sub_bands[" + i + "]", "sub-band " + subBand
                            + " is listed twice");
                }
            }
            if (subBands.isEmpty()) {
                throw new InvalidSettingException("sub_bands", "must name at least one sub-band");
            }
        }
        if (rx2Frequency != null) {
            Check.frequency("rx2_frequency", rx2Frequency);
        }
        if (rx2Dr != null) {
            Check.range("rx2_dr", rx2Dr, 0, 15);
        }
    }

    /** The entry of a region enabled without one: every value the server's default. */
    public static RegionSettings defaultsFor(String id) {
        return new RegionSettings(id, null, null, null, null);
    }
}
