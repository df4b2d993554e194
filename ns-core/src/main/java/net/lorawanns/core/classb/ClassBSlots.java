package net.lorawanns.core.classb;

import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.DevAddr;

/**
 * Chooses the ping slot a Class B downlink of a device goes out in: the first one at least a lead time ahead, on the
 * periodicity the device announced (PingSlotInfoReq) or else its profile's, on the ping-slot channel it confirmed
 * (PingSlotChannelAns) or else the region's default frequency and data rate (RP002-1.0.4, each region's "Beacon"
 * section). Pure: any thread.
 */
public final class ClassBSlots {
    private ClassBSlots() {
    }

    /**
     * @param profilePeriodicity the device profile's {@code class_b_ping_slot_periodicity}; empty when the profile
     *                           does not support Class B
     * @param nowGpsMillis the current GPS time ({@link net.lorawanns.core.types.GpsTime#millis})
     * @param minLeadMillis how long before a slot the downlink must leave this server to make it
     * @return the slot; empty when the device is not a Class B device, when its last uplink did not say it is in
     *         Class B mode (the Class B bit of FCtrl, LoRaWAN 1.0.4 section 9.1), or while a PingSlotChannelReq awaits
     *         its answer (the network uses no ping slot until the PingSlotChannelAns, LoRaWAN 1.0.3 section 14.3)
     */
    public static Optional<PingSlot> next(DevAddr devAddr, MacState mac, Region region, OptionalInt profilePeriodicity,
                                          long nowGpsMillis, long minLeadMillis) {
        if (profilePeriodicity.isEmpty() || !mac.classB()
                || mac.pending().stream().anyMatch(MacCommand.PingSlotChannelReq.class::isInstance)) {
            return Optional.empty();
        }
        PingSlotPeriodicity periodicity = new PingSlotPeriodicity(
                mac.pingSlotPeriodicity().orElse(profilePeriodicity.getAsInt()));
        long frequencyHz = mac.pingSlotChannel().map(MacState.PingSlotChannel::frequencyHz).orElse(0L);
        int dataRate = mac.pingSlotChannel().map(MacState.PingSlotChannel::dataRate)
                .orElse(region.pingSlotDataRate());
        return Optional.of(PingSlots.next(devAddr, periodicity, region, frequencyHz, dataRate,
                nowGpsMillis + minLeadMillis));
    }
}
