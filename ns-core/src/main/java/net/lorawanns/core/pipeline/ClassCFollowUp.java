package net.lorawanns.core.pipeline;

import io.vertx.core.Future;

/**
 * After a Class C device's uplink and its Class A answer, whatever is left in its queue goes out in Class C, once
 * the receive windows have passed (the uplink holds the downlink path until then). Runs on the pipeline's event loop.
 */
final class ClassCFollowUp implements DataStep {
    private final ClassCDownlinks classC;

    ClassCFollowUp(ClassCDownlinks classC) {
        this.classC = classC;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (uplink.isNew() && uplink.queueLength > 0 && uplink.profile.classes().classC()) {
            classC.wake(uplink.device.devEui());
        }
        return Future.succeededFuture(Next.CONTINUE);
    }
}
