package net.lorawanns.core.join;

import io.vertx.core.Future;

/**
 * The port through which the network server has a join-request answered: by the internal join server in-process,
 * or by an external one over the Backend Interfaces. An implementation completes the future with an answer for
 * every outcome it understands (rejections included) and fails it only when it could not get one.
 */
public interface JoinServer {
    Future<JoinAnswer> join(JoinRequestContext request);
}
