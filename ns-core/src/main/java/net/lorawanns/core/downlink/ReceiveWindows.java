package net.lorawanns.core.downlink;

/**
 * Where and when a Class A device listens after an uplink (LoRaWAN 1.0.4 section 3.3): RX1 {@code rx1DelayMicros}
 * after the uplink's end on {@code rx1Frequency}/{@code rx1DataRate}, RX2 one second later on the RX2 channel.
 *
 * @param rx1 whether the frame may go in RX1 (it may be too large for RX1's data rate)
 * @param rx2 whether the frame may go in RX2
 */
public record ReceiveWindows(long rx1DelayMicros, long rx1Frequency, int rx1DataRate, long rx2Frequency,
                             int rx2DataRate, boolean rx1, boolean rx2) {
    /** Both windows. */
    public ReceiveWindows(long rx1DelayMicros, long rx1Frequency, int rx1DataRate, long rx2Frequency,
                          int rx2DataRate) {
        this(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate, true, true);
    }

    /** The same windows, restricted to those a frame fits. */
    public ReceiveWindows only(boolean inRx1, boolean inRx2) {
        return new ReceiveWindows(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate, rx1 && inRx1,
                rx2 && inRx2);
    }

    /** RX2 opens one second after RX1 (RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s, JOIN_ACCEPT_DELAY2 = 6 s). */
    public long rx2DelayMicros() {
        return rx1DelayMicros + 1_000_000;
    }
}
