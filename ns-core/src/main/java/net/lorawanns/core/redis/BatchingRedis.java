package net.lorawanns.core.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.eventloop.TurnBatches;

/**
 * A {@link Redis} client that sends the requests an event loop makes during one of its turns as one batch on one
 * pooled connection: one write and one read carry many requests, on this side and on Redis's, where one request per
 * connection would cost a system call each way. Each request's future completes with its own reply, on the context
 * that sent it. The pipeline issues its requests from many independent frames in the same turn, which is what makes
 * the batches. As with the pooled client it wraps, requests in flight together are ordered only within one batch:
 * a request that depends on another's effect is sent once that one has answered.
 *
 * <p>One error reply fails every request of its batch (the underlying client reports the batch as a whole), although
 * the others were executed: requests sent this way must not expect errors in normal operation. Scripts therefore run
 * with EVAL, never EVALSHA, so that a Redis that lost its script cache (a restart, a failover) answers them normally
 * ({@link LuaScript}). Requests made outside an event loop are sent on their own. Not for Redis Cluster, where a batch
 * must stay within one hash slot.
 */
public final class BatchingRedis implements Redis {
    /** Bounds one batch (and so one connection's queue of replies). */
    private static final int MAX_BATCH = 512;

    private record Pending(Request request, Promise<Response> promise) {
    }

    private final Redis pooled;
    private final TurnBatches<Pending> batches = new TurnBatches<>(MAX_BATCH, this::send);

    public BatchingRedis(Redis pooled) {
        this.pooled = pooled;
    }

    @Override
    public Future<Response> send(Request request) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return pooled.send(request);
        }
        Promise<Response> promise = Promise.promise();
        batches.add(context, new Pending(request, promise));
        return promise.future();
    }

    private void send(Context context, List<Pending> batch) {
        List<Request> requests = new ArrayList<>(batch.size());
        batch.forEach(pending -> requests.add(pending.request));
        pooled.batch(requests).onComplete(result -> {
            if (Vertx.currentContext() == context) {
                complete(batch, result);
            } else {
                context.runOnContext(v -> complete(batch, result));
            }
        });
    }

    private static void complete(List<Pending> batch, AsyncResult<List<Response>> result) {
        if (result.failed()) {
            batch.forEach(pending -> pending.promise.fail(result.cause()));
            return;
        }
        List<Response> replies = result.result();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).promise.complete(replies.get(i));
        }
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return pooled.batch(requests);
    }

    @Override
    public Future<RedisConnection> connect() {
        return pooled.connect();
    }

    @Override
    public Future<Void> close() {
        return pooled.close();
    }
}
