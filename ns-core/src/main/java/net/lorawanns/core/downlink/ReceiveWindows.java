package net.lorawanns.core.downlink;

/**
 * Where and when a Class A device listens after an uplink (LoRaWAN 1.0.4 section 3.3): RX1 {@code rx1DelayMicros}
 * after the uplink's end on {@code rx1Frequency}/{@code rx1DataRate}, RX2 one second later on the RX2 channel; and
 * which of the two a frame may use (a payload may fit RX1's data rate and not RX2's, or the reverse).
 */
public record ReceiveWindows(long rx1DelayMicros, long rx1Frequency, int rx1DataRate, long rx2Frequency,
                             int rx2DataRate, boolean rx1Allowed, boolean rx2Allowed) {

    /** Both windows allowed. */
    public ReceiveWindows(long rx1DelayMicros, long rx1Frequency, int rx1DataRate, long rx2Frequency,
                          int rx2DataRate) {
        this(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate, true, true);
    }

    /** The same windows, restricted to those a frame fits. */
    public ReceiveWindows only(boolean inRx1, boolean inRx2) {
        return new ReceiveWindows(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate,
                rx1Allowed && inRx1, rx2Allowed && inRx2);
    }

    /** RX2 opens one second after RX1 (RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s, JOIN_ACCEPT_DELAY2 = 6 s). */
    public long rx2DelayMicros() {
        return rx1DelayMicros + 1_000_000;
    }

    /** The same windows, the frame not to be sent in RX1. */
    public ReceiveWindows withoutRx1() {
        return new ReceiveWindows(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate, false,
                rx2Allowed);
    }

    /** The same windows, the frame not to be sent in RX2. */
    public ReceiveWindows withoutRx2() {
        return new ReceiveWindows(rx1DelayMicros, rx1Frequency, rx1DataRate, rx2Frequency, rx2DataRate, rx1Allowed,
                false);
    }
}
