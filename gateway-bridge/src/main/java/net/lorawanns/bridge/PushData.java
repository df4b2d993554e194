package net.lorawanns.bridge;

import java.util.List;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;

/** A decoded PUSH_DATA: the frames to forward, why the other rxpk were not, and the status report if any. */
record PushData(List<UplinkFrame> frames, List<RejectedRxpk> rejected, GatewayStats stats) {

    /** One rxpk that was not forwarded. */
    record RejectedRxpk(DropReason reason, String detail) {
    }
}
