package net.lorawanns.config;

/**
 * One entry of {@code regions[].extra_channels}: an uplink channel a dynamic-plan region adds to its default ones.
 *
 * @param frequency centre frequency in Hz
 * @param minDr lowest data rate allowed on it
 * @param maxDr highest data rate allowed on it
 * @param downlinkFrequency the RX1 frequency of uplinks on it, in Hz, when not the uplink frequency (devices learn it
 *                          from DlChannelReq); null: the uplink frequency
 */
public record ExtraChannelSettings(Long frequency, Integer minDr, Integer maxDr, Long downlinkFrequency) {
    public ExtraChannelSettings {
        if (frequency == null) {
            throw new InvalidSettingException("frequency", "is required (Hz)");
        }
        Check.frequency("frequency", frequency);
        minDr = Check.range("min_dr", Check.or(minDr, 0), 0, 15);
        maxDr = Check.range("max_dr", Check.or(maxDr, 5), 0, 15);
        if (downlinkFrequency != null) {
            Check.frequency("downlink_frequency", downlinkFrequency);
        }
        if (minDr > maxDr) {
            throw new InvalidSettingException("max_dr", "must not be below min_dr (" + minDr + "), got " + maxDr);
        }
    }
}
