package net.lorawanns.core.queue;

import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.region.Region;

/**
 * The largest application payload a device can receive in each of its two Class A receive windows at its current
 * data rates: RP002's N (the FRMPayload with FPort and no FOpts; no repeater) at the RX1 data rate that the device's
 * uplink data rate and RX1DROffset give, and at its RX2 data rate. A pure value: any thread.
 *
 * @param rx1 the RX1 window's data rate and N; empty while the device's uplink data rate is unknown (no uplink yet)
 *            or the region has no RX1 data rate for it
 * @param rx2 the RX2 window's data rate and N; empty when the region has no maximum payload for it
 */
public record PayloadLimit(Optional<Window> rx1, Optional<Window> rx2) {

    /** One receive window: its data rate and the largest FRMPayload there, in bytes. */
    public record Window(int dataRate, int maxPayload) {
    }

    /**
     * The limits of a device now.
     *
     * @param uplinkDataRate the device's current uplink data rate (its MAC state's), if known
     * @param rx the RX1DROffset and RX2 data rate the device uses
     * @param downlinkDwellTime whether the 400 ms downlink dwell time applies (TxParamSetupReq, or the region's
     *                          default for the device's Regional Parameters revision): it picks RP002's dwell-time
     *                          tables, which only AS923-like regions have
     */
    public static PayloadLimit of(Region region, OptionalInt uplinkDataRate, MacState.RxSettings rx,
                                  boolean downlinkDwellTime) {
        Optional<Window> rx1 = Optional.empty();
        if (uplinkDataRate.isPresent()) {
            try {
                int dr = region.rx1DataRate(uplinkDataRate.getAsInt(), rx.rx1DrOffset(), downlinkDwellTime);
                rx1 = window(region, dr, downlinkDwellTime);
            } catch (IllegalArgumentException noRx1) {
                rx1 = Optional.empty();
            }
        }
        return new PayloadLimit(rx1, window(region, rx.rx2DataRate(), downlinkDwellTime));
    }

    private static Optional<Window> window(Region region, int dataRate, boolean dwellTime) {
        try {
            return Optional.of(new Window(dataRate, region.maxPayload(dataRate, false, dwellTime).n()));
        } catch (IllegalArgumentException noRow) {
            return Optional.empty();
        }
    }

    /** The largest payload one of the windows can carry; 0 when neither can carry any. */
    public int max() {
        return Math.max(rx1.map(Window::maxPayload).orElse(0), rx2.map(Window::maxPayload).orElse(0));
    }

    /** Whether a payload of {@code size} bytes fits in at least one of the windows. */
    public boolean fits(int size) {
        return size <= max();
    }

    /**
     * E.g. {@code at most 115 bytes at DR3 in RX1 / 51 bytes at DR0 in RX2}, or {@code at most 51 bytes at DR0 in RX2
     * (RX1: the device's uplink data rate is not known yet)}.
     */
    @Override
    public String toString() {
        String first = rx1.map(w -> w.maxPayload() + " bytes at DR" + w.dataRate() + " in RX1").orElse("");
        String second = rx2.map(w -> w.maxPayload() + " bytes at DR" + w.dataRate() + " in RX2").orElse("");
        if (rx1.isEmpty()) {
            return "at most " + (second.isEmpty() ? "0 bytes" : second)
                    + " (RX1: the device's uplink data rate is not known yet)";
        }
        return "at most " + first + (second.isEmpty() ? " (none in RX2)" : " / " + second);
    }
}
