package net.lorawanns.core.region;

/**
 * The channel grid of a fixed-plan region: 125 kHz uplink channels 200 kHz apart, optionally 500 kHz uplink channels
 * 1.6 MHz apart numbered after them, and downlink channels; RX1 goes out on downlink channel (uplink channel modulo
 * the number of downlink channels).
 *
 * @param first125Hz frequency of uplink channel 0
 * @param count125 the number of 125 kHz uplink channels (64 for US915/AU915, 96 for CN470)
 * @param minDr125 lowest data rate on the 125 kHz channels
 * @param maxDr125 highest data rate on the 125 kHz channels
 * @param first500Hz frequency of the first 500 kHz uplink channel (ignored without them)
 * @param count500 the number of 500 kHz uplink channels (8 for US915/AU915, 0 for CN470)
 * @param dr500 the data rate of the 500 kHz uplink channels
 * @param firstDownlinkHz frequency of downlink channel 0
 * @param downlinkCount the number of downlink channels
 * @param downlinkSpacingHz the spacing of the downlink channels
 */
record FixedChannelPlan(long first125Hz, int count125, int minDr125, int maxDr125, long first500Hz, int count500,
                        int dr500, long firstDownlinkHz, int downlinkCount, long downlinkSpacingHz) {
    private static final long SPACING_125_HZ = 200_000;
    private static final long SPACING_500_HZ = 1_600_000;
    /** A sub-band is eight consecutive 125 kHz channels (and, where there are, one 500 kHz channel). */
    static final int CHANNELS_PER_SUB_BAND = 8;

    int channelCount() {
        return count125 + count500;
    }

    int subBands() {
        return count125 / CHANNELS_PER_SUB_BAND;
    }

    Channel channel(int index) {
        if (index < count125) {
            return new Channel(first125Hz + index * SPACING_125_HZ, minDr125, maxDr125);
        }
        return new Channel(first500Hz + (index - count125) * SPACING_500_HZ, dr500, dr500);
    }

    int indexOf(long frequencyHz) {
        long from125 = frequencyHz - first125Hz;
        if (from125 >= 0 && from125 % SPACING_125_HZ == 0 && from125 / SPACING_125_HZ < count125) {
            return (int) (from125 / SPACING_125_HZ);
        }
        long from500 = frequencyHz - first500Hz;
        if (count500 > 0 && from500 >= 0 && from500 % SPACING_500_HZ == 0 && from500 / SPACING_500_HZ < count500) {
            return count125 + (int) (from500 / SPACING_500_HZ);
        }
        return -1;
    }

    long downlinkFrequency(int uplinkChannel) {
        return firstDownlinkHz + (uplinkChannel % downlinkCount) * downlinkSpacingHz;
    }
}
