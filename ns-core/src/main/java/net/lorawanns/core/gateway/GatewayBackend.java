package net.lorawanns.core.gateway;

import io.vertx.core.Future;
import net.lorawanns.core.types.Eui64;

/** The port through which the network server core talks to gateways; a gateway adapter implements it. */
public interface GatewayBackend {

    /** Starts receiving; uplinks and status reports go to {@code listener}. */
    Future<Void> start(GatewayListener listener);

    /** Sends a downlink; the future completes with the gateway's acknowledgement or its absence, never fails. */
    Future<TxResult> send(DownlinkFrame frame);

    /**
     * Whether this instance holds a live downlink path to the gateway (for Semtech UDP: a recent PULL_DATA), so that
     * {@link #send} may reach it. Any thread; never blocks.
     */
    boolean reachable(Eui64 gateway);

    /** The gateway's backhaul latency as estimated now. Any thread; never blocks. */
    BackhaulLatency latency(Eui64 gateway);

    Future<Void> stop();
}
