package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.List;
import java.util.OptionalInt;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.uplink.DeduplicatedUplink;

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

    /** @param region the region of the gateways that heard the frame */
    Future<Void> handle(DeduplicatedUplink copies, Region region, DataFrame frame) {
        OptionalInt dr = region.uplinkDataRateIndex(copies.dataRate());
        return run(new DataUplink(copies, region, frame, dr), 0);
    }

    private Future<Void> run(DataUplink uplink, int from) {
        if (from == steps.size()) {
            return Future.succeededFuture();
        }
        return steps.get(from).apply(uplink).compose(next ->
                next == DataStep.Next.CONTINUE ? run(uplink, from + 1) : Future.succeededFuture());
    }
}
