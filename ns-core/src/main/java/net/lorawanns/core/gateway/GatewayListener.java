package net.lorawanns.core.gateway;

/** Receives what gateways send; implemented by the network server core. Called on an event-loop thread: never block. */
public interface GatewayListener {
    void uplink(UplinkFrame frame);

    void stats(GatewayStats stats);
}
