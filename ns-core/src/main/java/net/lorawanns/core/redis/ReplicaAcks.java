package net.lorawanns.core.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import net.lorawanns.config.RedisSettings;

/**
 * A write whose effect must survive a failover before it is relied on ({@code [redis] min_replicas_acked}): the write
 * then WAIT, both on one connection (WAIT waits for that connection's writes), and a failure unless enough replicas
 * acknowledged it in time. Redis replicates asynchronously: without this, the master may acknowledge a write that no
 * replica has when Sentinel promotes one. The future completes on the calling context, like {@link BatchingRedis}'s.
 */
public final class ReplicaAcks {
    /** Writes that wait for no replica. */
    public static final ReplicaAcks NONE = new ReplicaAcks(0, Duration.ofMillis(1));

    private final int replicas;
    private final long timeoutMillis;

    public ReplicaAcks(int replicas, Duration timeout) {
        this.replicas = replicas;
        this.timeoutMillis = timeout.toMillis();
    }

    public static ReplicaAcks of(RedisSettings settings) {
        return new ReplicaAcks(settings.minReplicasAcked(), settings.replicaAckTimeout());
    }

    /** Sends {@code write}; with replicas to wait for, fails if fewer acknowledged it within the timeout. */
    public Future<Response> send(Redis redis, Request write) {
        if (replicas == 0) {
            return redis.send(write);
        }
        Context context = Vertx.currentContext();
        Future<Response> acked = redis.batch(List.of(write, Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMillis)))
                .compose(replies -> replies.get(1).toInteger() >= replicas ? Future.succeededFuture(replies.get(0))
                        : Future.failedFuture(new IllegalStateException(replies.get(1).toInteger() + " of "
                                + replicas + " replicas (redis.min_replicas_acked) acknowledged a write within "
                                + timeoutMillis + " ms")));
        if (context == null) {
            return acked;
        }
        Promise<Response> onContext = Promise.promise();
        acked.onComplete(result -> {
            if (Vertx.currentContext() == context) {
                onContext.handle(result);
            } else {
                context.runOnContext(v -> onContext.handle(result));
            }
        });
        return onContext.future();
    }
}
