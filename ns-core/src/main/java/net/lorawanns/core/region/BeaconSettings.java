package net.lorawanns.core.region;

/**
 * Where and how Class B beacons go out (RP002-1.0.4, each region's "Beacon and default downlink channel" section).
 * Dynamic plans use one frequency ({@code channels == 1}); fixed plans hop over {@code channels} frequencies
 * {@code channelSpacingHz} apart, the channel being floor(beacon time / 128 s) modulo {@code channels}.
 *
 * @param frequencyHz the beacon frequency, or the first of the hopping channels
 * @param dataRate the beacon's data rate index
 */
public record BeaconSettings(long frequencyHz, int channels, long channelSpacingHz, int dataRate) {
    /** The Class B beacon period, in seconds (TS001 1.0.4 / 1.1 Class B section). */
    public static final long BEACON_PERIOD_SECONDS = 128;

    public BeaconSettings {
        if (channels < 1) {
            throw new IllegalArgumentException("a beacon needs at least one channel, got " + channels);
        }
    }

    static BeaconSettings single(long frequencyHz, int dataRate) {
        return new BeaconSettings(frequencyHz, 1, 0, dataRate);
    }

    /** The frequency of the beacon sent at {@code beaconTimeSeconds} (GPS seconds, a multiple of 128). */
    public long frequencyAt(long beaconTimeSeconds) {
        return frequencyHz + Math.floorMod(Math.floorDiv(beaconTimeSeconds, BEACON_PERIOD_SECONDS), channels)
                * channelSpacingHz;
    }
}
