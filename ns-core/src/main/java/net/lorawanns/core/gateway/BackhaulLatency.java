package net.lorawanns.core.gateway;

import java.time.Duration;

/**
 * How long a downlink takes to reach a gateway and be acknowledged: the round trip from PULL_RESP sent to TX_ACK
 * received, as the gateway adapter estimates it from recent measurements (or assumes, before the first one).
 *
 * @param roundTrip a high estimate of the round trip: a downlink must leave this much (plus the forwarder's margin)
 *                  before a time counted from the uplink's arrival
 * @param samples how many round trips were measured; 0 when {@code roundTrip} is the configured default
 */
public record BackhaulLatency(Duration roundTrip, long samples) {
    public BackhaulLatency {
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("a round trip is not negative, got " + roundTrip);
        }
    }

    /** The server-to-gateway half, taking the two directions as equally long (nothing better is observable). */
    public Duration downlinkOneWay() {
        return roundTrip.dividedBy(2);
    }
}
