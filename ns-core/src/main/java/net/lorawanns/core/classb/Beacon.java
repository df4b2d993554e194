package net.lorawanns.core.classb;

/**
 * The Class B beacon's timing (LoRaWAN 1.0.4 section 11.1, 1.0.2 to 1.1 section 13.1, "Beacon timing"): a beacon goes
 * out at the start of every 128 s period of GPS time; after it, BEACON_RESERVED is kept for the beacon, then comes the
 * BEACON_WINDOW of 4096 ping slots of 30 ms, then BEACON_GUARD before the next beacon. Times are GPS milliseconds.
 * Pure: any thread.
 */
public final class Beacon {
    public static final long PERIOD_MILLIS = 128_000;
    public static final long RESERVED_MILLIS = 2_120;
    public static final long GUARD_MILLIS = 3_000;
    public static final long WINDOW_MILLIS = 122_880;
    /** The beacon window holds 2^12 slots of 30 ms. */
    public static final int SLOTS = 4096;
    public static final long SLOT_MILLIS = 30;

    private Beacon() {
    }

    /** The start of the beacon period that holds {@code gpsMillis}: BeaconTime = floor(t / 128 s) * 128 s. */
    public static long periodStart(long gpsMillis) {
        return Math.floorDiv(gpsMillis, PERIOD_MILLIS) * PERIOD_MILLIS;
    }

    /** The first beacon at or after {@code gpsMillis}. */
    public static long nextBeacon(long gpsMillis) {
        long start = periodStart(gpsMillis);
        return start == gpsMillis ? start : start + PERIOD_MILLIS;
    }
}
