package net.lorawanns.bridge;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.gateway.BackhaulLatency;
import net.lorawanns.core.types.Eui64;

/**
 * What the network server core may ask of a gateway from any thread: whether its downlink path is open and how long
 * its backhaul takes. Written on the bridge's event loop only (when a gateway comes online or goes offline, is
 * forgotten, or a TX_ACK is measured); read from any thread.
 */
final class GatewayLinks {
    private final Map<Eui64, RoundTripSamples> roundTrips = new ConcurrentHashMap<>();
    private final Map<Eui64, Boolean> open = new ConcurrentHashMap<>();
    private final BackhaulLatency unmeasured;

    GatewayLinks(Duration defaultRoundTrip) {
        this.unmeasured = new BackhaulLatency(defaultRoundTrip, 0);
    }

    void opened(Eui64 gateway) {
        open.put(gateway, Boolean.TRUE);
    }

    void closed(Eui64 gateway) {
        open.remove(gateway);
    }

    /** The gateway's state is gone: nothing of it is kept. */
    void forgotten(Eui64 gateway) {
        open.remove(gateway);
        roundTrips.remove(gateway);
    }

    void measured(Eui64 gateway, Duration roundTrip) {
        roundTrips.compute(gateway, (eui, known) -> known == null ? RoundTripSamples.first(roundTrip)
                : known.with(roundTrip));
    }

    boolean reachable(Eui64 gateway) {
        return open.containsKey(gateway);
    }

    BackhaulLatency latency(Eui64 gateway) {
        RoundTripSamples known = roundTrips.get(gateway);
        return known == null ? unmeasured : new BackhaulLatency(known.estimate(), known.count());
    }
}
