package net.lorawanns.core.gateway;

import io.vertx.core.Future;

/** The port through which the network server core talks to gateways; a gateway adapter implements it. */
public interface GatewayBackend {

    /** Starts receiving; uplinks and status reports go to {@code listener}. */
    Future<Void> start(GatewayListener listener);

    /** Sends a downlink; the future completes with the gateway's acknowledgement or its absence, never fails. */
    Future<TxResult> send(DownlinkFrame frame);

    Future<Void> stop();
}
