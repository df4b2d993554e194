package net.lorawanns.config;

/**
 * One entry of {@code regions[].extra_channels}: an uplink channel a dynamic-plan region adds to its default ones.
 *
 * @param frequency centre frequency in Hz
 * @param minDr lowest data rate allowed on it
 * @param maxDr highest data rate allowed on it
 */
public record ExtraChannelSettings(Long frequency, Integer minDr, Integer maxDr) {
    public ExtraChannelSettings {
        if (frequency == null) {
            throw new InvalidSettingException("frequency", "is required (Hz)");
        }
        Check.frequency("frequency", frequency);
        minDr = Check.range("min_dr", Check.or(minDr, 0), 0, 15);
        maxDr = Check.range("max_dr", Check.or(maxDr, 5), 0, 15);
        if (minDr > maxDr) {
            throw new InvalidSettingException("max_dr", "must not be below min_dr (" + minDr + "), got " + maxDr);
        }
    }
}
