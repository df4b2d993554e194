package net.lorawanns.core.join;

import io.vertx.core.Future;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.RejoinRequestContext;

/**
 * The port through which the network server has a join-request answered: by the internal join server in-process,
 * or by an external one over the Backend Interfaces. An implementation completes the future with an answer for
 * every outcome it understands (rejections included) and fails it only when it could not get one.
 */
public interface JoinServer {
    Future<JoinAnswer> join(JoinRequestContext request);

    /**
     * Answers a LoRaWAN 1.1 rejoin-request (a Backend Interfaces RejoinReq): a rejoin-accept with a new session, or
     * a rejection. A join server that does not know rejoin-requests fails the future.
     */
    default Future<JoinAnswer> rejoin(RejoinRequestContext request) {
        return Future.failedFuture(new UnsupportedOperationException(
                "this join server does not answer rejoin-requests"));
    }
}
