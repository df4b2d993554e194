package net.lorawanns.core.pipeline;

import io.vertx.core.Future;

/**
 * One step of the data path ({@link DataPath}): it reads what the steps before it found in the {@link DataUplink}
 * and adds what it finds. Runs on the pipeline's event loop.
 */
interface DataStep {
    /** Whether the frame goes on to the next step. */
    enum Next { CONTINUE, STOP }

    /** A step's answer when it is done at once; made once, as a completed future holds nothing else. */
    Future<Next> GO_ON = Future.succeededFuture(Next.CONTINUE);
    Future<Next> STOP_HERE = Future.succeededFuture(Next.STOP);

    Future<Next> apply(DataUplink uplink);
}
