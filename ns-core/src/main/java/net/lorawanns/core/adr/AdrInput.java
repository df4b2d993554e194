package net.lorawanns.core.adr;

import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * What an {@link AdrAlgorithm} decides from, for one uplink of a device with ADR on: its recent uplinks, the
 * settings it transmits with now (data-rate index, TX power index, NbTrans), its {@link AdrLimits}, the
 * demodulation floor of each data rate of its region ({@code requiredSnr}: data-rate index to dB, which the caller
 * builds from the region, e.g. {@code dr -> ((DataRate.LoRa) region.dataRate(dr)).requiredSnrDb()}), and whether
 * the uplink had ADRACKReq set (the device has had no downlink for ADR_ACK_LIMIT uplinks and will back off
 * unless one comes within ADR_ACK_DELAY, LoRaWAN 1.0.4 section 4.3.1.1).
 */
public record AdrInput(UplinkHistory history, int dataRate, int txPowerIndex, int nbTrans, AdrLimits limits,
                       IntToDoubleFunction requiredSnr, boolean adrAckRequested) {

    public AdrInput {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(requiredSnr, "requiredSnr");
        range("data rate", dataRate, 0, 14);
        range("TX power index", txPowerIndex, 0, 14);
        range("NbTrans", nbTrans, 1, 15);
    }

    /** The demodulation floor of data rate {@code dr} in dB. */
    public double requiredSnrDb(int dr) {
        return requiredSnr.applyAsDouble(dr);
    }

    static void range(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + "-" + max + ", got " + value);
        }
    }
}
