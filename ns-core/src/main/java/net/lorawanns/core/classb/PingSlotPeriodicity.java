package net.lorawanns.core.classb;

/**
 * How often a Class B device opens a ping slot: about every 2^periodicity seconds (0-7), as PingSlotInfoReq and the
 * device profile give it. LoRaWAN 1.0.4 section 12.1 (1.0.3 and 1.1 section 14.1): pingNb = 2^(7 - Periodicity)
 * slots per beacon period, pingPeriod = 2^(5 + Periodicity) = 4096 / pingNb slots between them.
 */
public record PingSlotPeriodicity(int value) {
    public PingSlotPeriodicity {
        if (value < 0 || value > 7) {
            throw new IllegalArgumentException("ping-slot periodicity must be 0-7, got " + value);
        }
    }

    /** Ping slots per beacon period. */
    public int pingNb() {
        return 1 << (7 - value);
    }

    /** Slots of 30 ms from one ping slot to the next. */
    public int pingPeriod() {
        return Beacon.SLOTS / pingNb();
    }
}
