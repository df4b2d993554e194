package net.lorawanns.core.gateway;

import java.util.Arrays;
import java.util.List;
import net.lorawanns.core.region.DataRate;

/**
 * One frame as one gateway received it: the PHYPayload and the radio parameters, with one {@link RxInfo} per
 * antenna that heard it.
 */
public record UplinkFrame(byte[] phyPayload, long frequencyHz, DataRate dataRate, String codingRate,
                          CrcStatus crcStatus, List<RxInfo> rxInfo) {
    public UplinkFrame {
        phyPayload = phyPayload.clone();
        rxInfo = List.copyOf(rxInfo);
        if (rxInfo.isEmpty()) {
            throw new IllegalArgumentException("an uplink needs at least one RxInfo");
        }
    }

    @Override
    public byte[] phyPayload() {
        return phyPayload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UplinkFrame that && Arrays.equals(phyPayload, that.phyPayload)
                && frequencyHz == that.frequencyHz && dataRate.equals(that.dataRate)
                && java.util.Objects.equals(codingRate, that.codingRate) && crcStatus == that.crcStatus
                && rxInfo.equals(that.rxInfo);
    }

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
