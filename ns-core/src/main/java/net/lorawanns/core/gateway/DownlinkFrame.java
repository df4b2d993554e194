package net.lorawanns.core.gateway;

import java.util.Arrays;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;

/**
 * A frame for one gateway to transmit.
 *
 * @param invertPolarity true for downlinks to end-devices (LoRaWAN inverts the I/Q of downlinks)
 * @param preamble preamble length in symbols, or null for the gateway's default
 * @param fskDeviationHz FSK frequency deviation, or null
 */
public record DownlinkFrame(Eui64 gatewayEui, byte[] phyPayload, TxTiming timing, long frequencyHz, int powerDbm,
                            DataRate dataRate, String codingRate, boolean invertPolarity, int rfChain,
                            Integer preamble, boolean noCrc, Integer fskDeviationHz) {
    public DownlinkFrame {
        phyPayload = phyPayload.clone();
        if (phyPayload.length == 0 || phyPayload.length > 255) {
            throw new IllegalArgumentException("a downlink PHYPayload is 1-255 bytes, got " + phyPayload.length);
        }
    }

    @Override
    public byte[] phyPayload() {
        return phyPayload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DownlinkFrame that && Arrays.equals(phyPayload, that.phyPayload)
                && gatewayEui.equals(that.gatewayEui) && timing.equals(that.timing);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(phyPayload);
    }

    @Override
    public String toString() {
        return "DownlinkFrame[" + gatewayEui + " " + timing + " " + frequencyHz + " Hz " + dataRate + " "
                + powerDbm + " dBm, " + phyPayload.length + " bytes]";
    }
}
