package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.List;
import java.util.OptionalInt;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.uplink.OwnedSet;

/**
 * The data path (ARCHITECTURE.md, uplink steps 4-7) as one list of steps, each a small class: the session by
 * DevAddr and MIC, the counter step, the device's MAC commands, the network's answers to them, the application
 * event, and the Class A answer. A step that ends a frame's way (unknown DevAddr, replay, nothing to send) says
 * {@link DataStep.Next#STOP}. Runs on the pipeline's event loop.
 */
final class DataPath {
    private final List<DataStep> steps;

    DataPath(List<DataStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * @param region the region of the gateways that heard the frame
     * @param phyPayload the bytes {@code frame} was decoded from, as received
     */
    Future<Void> handle(OwnedSet set, Region region, DataFrame frame, byte[] phyPayload) {
        OptionalInt dr = region.uplinkDataRateIndex(set.local().dataRate());
        return run(new DataUplink(set, region, frame, phyPayload, dr), 0);
    }

    /**
     * Runs the steps from {@code from} on. Most steps answer at once (an already completed future): the next one then
     * runs in the same loop, without a continuation allocated for it; a step that waits for Redis goes on from there.
     */
    private Future<Void> run(DataUplink uplink, int from) {
        for (int i = from; i < steps.size(); i++) {
            Future<DataStep.Next> next;
            try {
                next = steps.get(i).apply(uplink);
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            if (!next.isComplete()) {
                int after = i + 1;
                return next.compose(answer -> answer == DataStep.Next.CONTINUE ? run(uplink, after)
                        : Future.succeededFuture());
            }
            if (next.failed()) {
                return Future.failedFuture(next.cause());
            }
            if (next.result() != DataStep.Next.CONTINUE) {
                return Future.succeededFuture();
            }
        }
        return Future.succeededFuture();
    }
}
