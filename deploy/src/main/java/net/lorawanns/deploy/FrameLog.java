package net.lorawanns.deploy;

import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what gateways hear, at debug level: the frame log operators use to check a gateway's reception. It is
 * the bridge's only listener until the uplink pipeline is wired in.
 */
final class FrameLog implements GatewayListener {
    private static final Logger LOG = LoggerFactory.getLogger("net.lorawanns.frames");

    @Override
    public void uplink(UplinkFrame frame) {
        if (LOG.isDebugEnabled()) {
            RxInfo rx = frame.rxInfo().get(0);
            LOG.debug("Uplink via {}: {} bytes on {} Hz {} {}, RSSI {} dBm, SNR {} dB, tmst {}", rx.gatewayEui(),
                    frame.phyPayload().length, frame.frequencyHz(), frame.dataRate(), frame.codingRate(), rx.rssi(),
                    rx.snr(), rx.tmst());
        }
    }

    @Override
    public void stats(GatewayStats stats) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Gateway {} status: rx {} ({} ok), tx {}, temperature {}", stats.gatewayEui(), stats.rxReceived(),
                    stats.rxOk(), stats.txEmitted(), stats.temperature());
        }
    }
}
