package net.lorawanns.core.gateway;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.lorawanns.core.frame.Frame;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.region.DataRate;

/**
 * One frame as one gateway received it: the PHYPayload and the radio parameters, with one {@link RxInfo} per
 * antenna that heard it. A value: the PHYPayload is never shared with the caller.
 */
public final class UplinkFrame {
    private final byte[] phyPayload;
    private final long frequencyHz;
    private final DataRate dataRate;
    private final String codingRate;
    private final CrcStatus crcStatus;
    private final List<RxInfo> rxInfo;

    /** A frame with a copy of {@code phyPayload}. */
    public UplinkFrame(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                       CrcStatus crcStatus, List<RxInfo> rxInfo) {
        this(frequencyHz, phyPayload.clone(), dataRate, codingRate, crcStatus, rxInfo);
    }

    /** The one that keeps {@code phyPayload} as given (the frequency first only to tell it from the public one). */
    private UplinkFrame(long frequencyHz, byte[] phyPayload, DataRate dataRate, String codingRate,
                        CrcStatus crcStatus, List<RxInfo> rxInfo) {
        this.phyPayload = phyPayload;
        this.frequencyHz = frequencyHz;
        this.dataRate = dataRate;
        this.codingRate = codingRate;
        this.crcStatus = crcStatus;
        this.rxInfo = List.copyOf(rxInfo);
        if (this.rxInfo.isEmpty()) {
            throw new IllegalArgumentException("an uplink needs at least one RxInfo");
        }
    }

    /**
     * A frame that keeps {@code phyPayload} itself, for a decoder that has just made the array and lets go of it
     * (the gateway bridge, once per copy): the caller must not keep or change it.
     */
    public static UplinkFrame ofDecoded(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                                        CrcStatus crcStatus, List<RxInfo> rxInfo) {
        return new UplinkFrame(frequencyHz, phyPayload, dataRate, codingRate, crcStatus, rxInfo);
    }

    /** A copy of the PHYPayload. */
    public byte[] phyPayload() {
        return phyPayload.clone();
    }

    /**
     * The PHYPayload decoded, without a copy of it: {@link FrameCodec#decode} only reads it (for the frame that
     * reaches the pipeline, once per set).
     */
    public Frame decodePhyPayload() throws MalformedFrameException {
        return FrameCodec.decode(phyPayload);
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

    public List<RxInfo> rxInfo() {
        return rxInfo;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UplinkFrame that && Arrays.equals(phyPayload, that.phyPayload)
                && frequencyHz == that.frequencyHz && dataRate.equals(that.dataRate)
                && Objects.equals(codingRate, that.codingRate) && crcStatus == that.crcStatus
                && rxInfo.equals(that.rxInfo);
    }

    /** A hash of the PHYPayload and the frequency only: the two things deduplication keys a frame by. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(phyPayload) * 31 + Long.hashCode(frequencyHz);
    }

    @Override
    public String toString() {
        return "UplinkFrame[" + phyPayload.length + " bytes, " + frequencyHz + " Hz, " + dataRate + " " + codingRate
                + ", CRC " + crcStatus + ", " + rxInfo + "]";
    }
}
