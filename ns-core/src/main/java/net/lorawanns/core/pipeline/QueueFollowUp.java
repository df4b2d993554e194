package net.lorawanns.core.pipeline;

import io.vertx.core.Future;

/**
 * After the uplink of a Class B or C device and its Class A answer, whatever is left in its queue goes out in its
 * class, once the receive windows have passed (the uplink holds the downlink path until then); a confirmed item the
 * answer carried gets its ACK deadline watched. Runs on the pipeline's event loop.
 */
final class QueueFollowUp implements DataStep {
    private final ScheduledDownlinks scheduled;

    QueueFollowUp(ScheduledDownlinks scheduled) {
        this.scheduled = scheduled;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        boolean classB = uplink.profile.classes().classB() && uplink.mac.classB();
        boolean waiting = uplink.queueLength > 0 || uplink.confirmedSent.isPresent();
        if (uplink.isNew() && waiting && (uplink.profile.classes().classC() || classB)) {
            scheduled.wake(uplink.device.devEui());
        }
        return GO_ON;
    }
}
