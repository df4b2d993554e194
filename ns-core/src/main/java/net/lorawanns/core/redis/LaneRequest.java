package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

/**
 * One request as {@link BatchingRedis} handles it: written by a lane as RESP ({@link RequestWriter}), its length
 * known beforehand so that the requests of one write go into one buffer of their exact size; routed on Redis Cluster
 * by its first key; or sent through the Vert.x client's pool when made outside an event loop. Either a request of the
 * client's kind ({@link ClientRequest}) or a script call ({@link LuaScript.Call}), which is written straight as RESP
 * without the client's request in between.
 *
 * <p>Threads: immutable; written on the lane's event loop.
 */
interface LaneRequest {
    /** The bytes {@link #write} writes. */
    int length();

    /** Writes the request at the writer index of {@code out}, which has at least {@link #length} bytes free. */
    void write(ByteBuf out);

    /** The key Redis Cluster routes the request by (its first), as Redis reads it; null when it has none. */
    byte[] routingKey();

    /** Sends the request through {@code pooled}, the Vert.x client's pool. */
    Future<Response> viaPool(Redis pooled);
}
