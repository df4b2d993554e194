package net.lorawanns.core.gateway;

import java.time.Instant;
import net.lorawanns.core.types.Eui64;

/**
 * Where a gateway backend tells what its gateways show of themselves, for every instance to see: implemented by the
 * core on Redis ({@link GatewayStatusStore}), handed to the backend by the launcher. Called at most once per
 * PULL_DATA or status report of a registered gateway (never for unregistered ones, whose EUIs anyone may make up),
 * never per received frame, on the backend's event loop; an implementation never blocks
 * nor makes the caller wait.
 */
public interface GatewayStatusRecorder {
    /** Records nothing: a backend that nobody watches. */
    GatewayStatusRecorder NONE = new GatewayStatusRecorder() {
        @Override
        public void pulled(Eui64 gateway, Instant at) {
        }

        @Override
        public void reported(GatewayStats stats, Instant at) {
        }
    };

    /** The gateway asked for downlinks (PULL_DATA) at {@code at}: it is online for the offline timeout from then. */
    void pulled(Eui64 gateway, Instant at);

    /** The gateway sent a status report ({@code stat} of PUSH_DATA) at {@code at}. */
    void reported(GatewayStats stats, Instant at);
}
