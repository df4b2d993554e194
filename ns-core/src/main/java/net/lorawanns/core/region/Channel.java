package net.lorawanns.core.region;

/**
 * An uplink channel: its centre frequency and the data rates a device may use on it (the channel data structure of
 * RP002-1.0.4 section 3.1 and TS001 NewChannelReq), and, where the network answers it on another frequency, that RX1
 * frequency (TS001 DlChannelReq; 0: RX1 on the uplink frequency, as every dynamic plan starts).
 */
public record Channel(long frequencyHz, int minDr, int maxDr, long downlinkFrequencyHz) {
    /** A channel answered on its own frequency. */
    public Channel(long frequencyHz, int minDr, int maxDr) {
        this(frequencyHz, minDr, maxDr, 0);
    }

    public Channel {
        if (downlinkFrequencyHz < 0) {
            throw new IllegalArgumentException("downlink frequency must be positive, got " + downlinkFrequencyHz);
        }
        if (frequencyHz <= 0) {
            throw new IllegalArgumentException("channel frequency must be positive, got " + frequencyHz);
        }
        if (minDr < 0 || maxDr > 15 || minDr > maxDr) {
            throw new IllegalArgumentException("channel data rates must be 0 <= min_dr <= max_dr <= 15, got DR"
                    + minDr + "-DR" + maxDr);
        }
    }

    /** Whether a device may send at {@code dr} on this channel. */
    public boolean allows(int dr) {
        return dr >= minDr && dr <= maxDr;
    }
}
