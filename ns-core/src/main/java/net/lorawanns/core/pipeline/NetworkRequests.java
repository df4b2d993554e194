package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.time.Instant;
import net.lorawanns.core.mac.MacPlanner;

/**
 * The requests of the network (LinkADRReq, NewChannelReq, RXParamSetupReq, ...), after the answers to what the
 * device asked: what moves the device's MAC state toward its {@link MacTargets target}. Runs on the pipeline's event
 * loop.
 */
final class NetworkRequests implements DataStep {
    private final MacTargets targets;

    NetworkRequests(MacTargets targets) {
        this.targets = targets;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (!uplink.isNew()) {
            return GO_ON;
        }
        MacPlanner.Plan plan = MacPlanner.plan(uplink.mac, targets.target(uplink), uplink.dataRate.orElse(0),
                uplink.session().lorawan11(), Instant::now);
        uplink.requests = plan.requests();
        uplink.channelsAfterRequests = plan.channelsAfterLinkAdr();
        if (!plan.requests().isEmpty()) {
            uplink.answers.addAll(plan.requests());
        }
        return GO_ON;
    }
}
