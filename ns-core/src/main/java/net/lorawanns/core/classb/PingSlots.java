package net.lorawanns.core.classb;

import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.DevAddr;

/**
 * A device's ping slots (LoRaWAN 1.0.4 section 11.2, Table 60): in the beacon period that starts at BeaconTime, the
 * slots open at BeaconTime + BEACON_RESERVED + (pingOffset + N * pingPeriod) * 30 ms for N = 0 to pingNb - 1, with
 * the period's own {@link PingOffset}. Pure: any thread.
 */
public final class PingSlots {
    private PingSlots() {
    }

    /**
     * The first ping slot of the device that opens at or after {@code gpsMillis}.
     *
     * @param frequencyHz the ping-slot frequency the device was given (PingSlotChannelReq), or 0 for the region's
     *                    default, which fixed plans hop with the beacon period ({@link Region#pingSlotFrequency})
     * @param dataRate the ping-slot data rate
     */
    public static PingSlot next(DevAddr devAddr, PingSlotPeriodicity periodicity, Region region, long frequencyHz,
                                int dataRate, long gpsMillis) {
        long periodStart = Beacon.periodStart(gpsMillis);
        long slotSpacing = periodicity.pingPeriod() * Beacon.SLOT_MILLIS;
        while (true) {
            long beaconTimeSeconds = periodStart / 1000;
            long first = periodStart + Beacon.RESERVED_MILLIS
                    + PingOffset.of(beaconTimeSeconds, devAddr, periodicity) * Beacon.SLOT_MILLIS;
            long n = gpsMillis <= first ? 0 : (gpsMillis - first + slotSpacing - 1) / slotSpacing;
            if (n < periodicity.pingNb()) {
                long frequency = frequencyHz != 0 ? frequencyHz : region.pingSlotFrequency(devAddr, beaconTimeSeconds);
                return new PingSlot(first + n * slotSpacing, frequency, dataRate);
            }
            periodStart += Beacon.PERIOD_MILLIS;
        }
    }
}
