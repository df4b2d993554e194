package net.lorawanns.core.gateway;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.lorawanns.core.region.DataRate;

/**
 * One frame as one gateway received it: the PHYPayload and the radio parameters, with one {@link RxInfo} per
 * antenna that heard it. A value: the PHYPayload is never shared with the caller.
 */
public final class UplinkFrame {
    private static final RxInfo[] NO_MORE_ANTENNAS = new RxInfo[0];

    private final byte[] phyPayload;
    private final long frequencyHz;
    private final DataRate dataRate;
    private final String codingRate;
    private final CrcStatus crcStatus;
    /**
     * The first antenna's reception, and the others' (a shared empty array for the usual one antenna): no list is
     * made for a frame unless {@link #rxInfo()} is asked for.
     */
    private final RxInfo firstRxInfo;
    private final RxInfo[] moreRxInfo;
    /**
     * When this server made the frame from its gateway's datagram ({@link System#nanoTime}): the copy's arrival, from
     * which its deduplication window counts. Not part of the value ({@link #equals}).
     */
    private final long receivedNanos = System.nanoTime();

    /** A frame with a copy of {@code phyPayload}. */
    public UplinkFrame(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                       CrcStatus crcStatus, List<RxInfo> rxInfo) {
        this(frequencyHz, phyPayload.clone(), dataRate, codingRate, crcStatus, first(rxInfo), more(rxInfo));
    }

    /** The one that keeps {@code phyPayload} as given (the frequency first only to tell it from the public one). */
    private UplinkFrame(long frequencyHz, byte[] phyPayload, DataRate dataRate, String codingRate,
                        CrcStatus crcStatus, RxInfo firstRxInfo, RxInfo[] moreRxInfo) {
        this.phyPayload = phyPayload;
        this.frequencyHz = frequencyHz;
        this.dataRate = dataRate;
        this.codingRate = codingRate;
        this.crcStatus = crcStatus;
        this.firstRxInfo = Objects.requireNonNull(firstRxInfo, "rxInfo");
        this.moreRxInfo = moreRxInfo;
    }

    /**
     * A frame that keeps {@code phyPayload} itself, for a decoder that has just made the array and lets go of it
     * (the gateway bridge, once per copy): the caller must not keep or change it.
     */
    public static UplinkFrame ofDecoded(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                                        CrcStatus crcStatus, List<RxInfo> rxInfo) {
        return new UplinkFrame(frequencyHz, phyPayload, dataRate, codingRate, crcStatus, first(rxInfo),
                more(rxInfo));
    }

    /** {@link #ofDecoded(byte[], long, DataRate, String, CrcStatus, List)} for a frame one antenna heard. */
    public static UplinkFrame ofDecoded(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                                        CrcStatus crcStatus, RxInfo rxInfo) {
        return new UplinkFrame(frequencyHz, phyPayload, dataRate, codingRate, crcStatus, rxInfo, NO_MORE_ANTENNAS);
    }

    private static RxInfo first(List<RxInfo> rxInfo) {
        if (rxInfo.isEmpty()) {
            throw new IllegalArgumentException("an uplink needs at least one RxInfo");
        }
        return rxInfo.get(0);
    }

    private static RxInfo[] more(List<RxInfo> rxInfo) {
        if (rxInfo.size() == 1) {
            return NO_MORE_ANTENNAS;
        }
        RxInfo[] more = rxInfo.subList(1, rxInfo.size()).toArray(NO_MORE_ANTENNAS);
        for (RxInfo rx : more) {
            Objects.requireNonNull(rx, "rxInfo");
        }
        return more;
    }

    /**
     * When this server received the copy, as {@link System#nanoTime} read as it was decoded: before it waited for the
     * pipeline's event loop, so that the deduplication window and the frame's deadlines count from its arrival.
     */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** A copy of the PHYPayload. */
    public byte[] phyPayload() {
        return phyPayload.clone();
    }

    /** Feeds the PHYPayload to {@code digest}, without a copy. */
    public void updateDigest(MessageDigest digest) {
        digest.update(phyPayload);
    }

    public long frequencyHz() {
        return frequencyHz;
    }

    public DataRate dataRate() {
        return dataRate;
    }

    /** The LoRa coding rate as the gateway wrote it ({@code 4/5}, {@code 4/8LI}, {@code OFF}); null for FSK. */
    public String codingRate() {
        return codingRate;
    }

    public CrcStatus crcStatus() {
        return crcStatus;
    }

    /** Every antenna's reception, the first first; a new list each call (see {@link #rxInfo(int)}). */
    public List<RxInfo> rxInfo() {
        RxInfo[] all = new RxInfo[rxInfoCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = rxInfo(i);
        }
        return List.of(all);
    }

    /** How many antennas' receptions the frame has: one or more. */
    public int rxInfoCount() {
        return 1 + moreRxInfo.length;
    }

    /** The reception of antenna entry {@code index} (0 to {@link #rxInfoCount()} - 1), without a list. */
    public RxInfo rxInfo(int index) {
        return index == 0 ? firstRxInfo : moreRxInfo[index - 1];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UplinkFrame that && Arrays.equals(phyPayload, that.phyPayload)
                && frequencyHz == that.frequencyHz && dataRate.equals(that.dataRate)
                && Objects.equals(codingRate, that.codingRate) && crcStatus == that.crcStatus
                && firstRxInfo.equals(that.firstRxInfo) && Arrays.equals(moreRxInfo, that.moreRxInfo);
    }

    /** A hash of the PHYPayload and the frequency only: the two things deduplication keys a frame by. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(phyPayload) * 31 + Long.hashCode(frequencyHz);
    }

    @Override
    public String toString() {
        return "UplinkFrame[" + phyPayload.length + " bytes, " + frequencyHz + " Hz, " + dataRate + " " + codingRate
                + ", CRC " + crcStatus + ", " + rxInfo() + "]";
    }
}
