package net.lorawanns.core.downlink;

/**
 * Where and when a Class A device listens after an uplink (LoRaWAN 1.0.4 section 3.3): RX1 {@code rx1DelayMicros}
 * after the uplink's end on {@code rx1Frequency}/{@code rx1DataRate}, RX2 one second later on the RX2 channel.
 */
public record ReceiveWindows(long rx1DelayMicros, long rx1Frequency, int rx1DataRate, long rx2Frequency,
                             int rx2DataRate) {
    /** RX2 opens one second after RX1 (RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s, JOIN_ACCEPT_DELAY2 = 6 s). */
    public long rx2DelayMicros() {
        return rx1DelayMicros + 1_000_000;
    }
}
