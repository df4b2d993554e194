package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import java.util.List;

/**
 * A request of the Vert.x client's kind ({@link Request}) on a lane: written from the client's command and argument
 * bytes, routed by the keys the client finds in it.
 *
 * <p>Threads: the request is never changed once handed over; any.
 */
final class ClientRequest implements LaneRequest {
    private final Request request;

    ClientRequest(Request request) {
        this.request = request;
    }

    @Override
    public int length() {
        return RequestWriter.length(request);
    }

    @Override
    public void write(ByteBuf out) {
        RequestWriter.write(request, out);
    }

    @Override
    public byte[] routingKey() {
        List<byte[]> keys = ((RequestImpl) request).keys();
        return keys.isEmpty() ? null : keys.get(0);
    }

    @Override
    public Future<Response> viaPool(Redis pooled) {
        return pooled.send(request);
    }
}
