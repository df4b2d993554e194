package net.lorawanns.core.gateway;

/** When a gateway is to transmit. */
public sealed interface TxTiming {

    /** As soon as possible (Class C). */
    record Immediately() implements TxTiming {
    }

    /** When the gateway's 32-bit microsecond counter reaches {@code tmst} (Class A receive windows). */
    record AtCounter(long tmst) implements TxTiming {
        public AtCounter {
            if (tmst < 0 || tmst > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("tmst is a 32-bit counter, got " + tmst);
            }
        }
    }

    /** At a GPS time in milliseconds since the GPS epoch (Class B ping slots). */
    record AtGpsTime(long gpsMillis) implements TxTiming {
    }
}
