package net.lorawanns.core.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.core.eventloop.TurnBatches;

/**
 * A {@link Redis} client for the event loops, built on a pooled standalone, Sentinel or Cluster client.
 *
 * <ul>
 *   <li><b>Batches.</b> The requests an event loop makes during one of its turns go to Redis in one write and come
 *   back in one read, where a request each would cost a system call each way. On Redis Cluster, where a batch must
 *   stay within one hash slot and the requests of one turn rarely do, each request goes to the master of its slot on
 *   the lane's connection to that master, written behind the requests before it without waiting for their replies
 *   (a pipeline per master), and is decided as soon as its own reply arrives. The Vert.x client writes each such
 *   request on its own; its {@code batch()}, the one way to have it write several at once, fails all of them when
 *   one reply is an error.</li>
 *   <li><b>Order.</b> Each event loop keeps one connection of its own, its {@link Lane}, and sends every batch on
 *   it: Redis executes one connection's requests in the order they were written, so two requests sent one after
 *   the other from one event loop are executed in that order, even when Redis stalls and resumes (a pool would
 *   spread them over connections, which a resuming Redis serves in any order). A Cluster lane's connection holds
 *   one connection per master: requests of one slot (one device's keys) keep their order.</li>
 *   <li><b>Errors.</b> A batch of several requests is wrapped in MULTI/EXEC. EXEC answers each request with its own
 *   reply, errors included, so an error fails its own request only; if Redis refuses to queue one of them (out of
 *   memory, say), it runs none of them, and failing them all is then exact. On Cluster each request has its own
 *   reply anyway.</li>
 *   <li><b>Deadline.</b> A request not answered within the configured timeout fails with a
 *   {@link RedisFailure.Kind#TIMEOUT}. Redis may still execute it later; its reply is then ignored. A connection
 *   that answers nothing for {@link #ABANDON_TIMEOUTS} timeouts is closed, which fails what it still owes.</li>
 *   <li><b>Bound.</b> At most {@code maxPending} requests are written and unanswered; beyond that a request fails at
 *   once with {@link RedisFailure.Kind#OVERLOAD}, so that a stalled Redis costs bounded memory.</li>
 *   <li><b>Reconnect.</b> A lane whose connection failed, closed, or answered READONLY (a Sentinel failover demoted
 *   its server) gets a new one for its next batch; while connecting fails, batches fail at once
 *   ({@link RedisFailure.Kind#UNAVAILABLE}) for {@link #RECONNECT_BACKOFF_MS} before the next attempt.</li>
 * </ul>
 *
 * <p>Threads: a lane belongs to its event loop and is only touched there; replies complete on the context that
 * sent the request. Requests made outside an event loop (start-up, command-line tools) go through the pool, with
 * the same deadline.
 */
public final class BatchingRedis implements Redis {
    /** Bounds one batch (and so one write and one EXEC reply). */
    private static final int MAX_BATCH = 512;
    private static final long RECONNECT_BACKOFF_MS = 250;
    /** A connection that owes a reply for this many request timeouts is given up. */
    private static final int ABANDON_TIMEOUTS = 10;

    private record Pending(Request request, String group, ReplicaAcks acks, Promise<Response> promise,
                           long sentNanos) {
    }

    /**
     * Each request's own outcome (an error reply is a reply of type ERROR; a failure is a request that got no
     * reply), and how many replicas acknowledged the batch's writes (-1: not asked).
     */
    private record Written(List<AsyncResult<Response>> results, long replicasAcked) {
    }

    private final Vertx vertx;
    private final Redis pooled;
    private final boolean cluster;
    private final long timeoutMs;
    private final int maxPending;
    private final RedisMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();
    private final TurnBatches<Pending> batches = new TurnBatches<>(MAX_BATCH, this::send);

    /**
     * @param pooled the pooled client whose connections the lanes take
     * @param cluster whether {@code pooled} is a Redis Cluster client
     * @param timeoutMs a request's deadline
     * @param maxPending requests written and not yet answered, at most
     */
    public BatchingRedis(Vertx vertx, Redis pooled, boolean cluster, long timeoutMs, int maxPending,
                         RedisMetrics metrics) {
        this.vertx = vertx;
        this.pooled = pooled;
        this.cluster = cluster;
        this.timeoutMs = timeoutMs;
        this.maxPending = maxPending;
        this.metrics = metrics;
        metrics.pending(pending::get);
    }

    @Override
    public Future<Response> send(Request request) {
        return send(request, RedisMetrics.group(request));
    }

    /**
     * Sends a request whose latency and failures are counted under {@code group} (a script's name, say).
     */
    public Future<Response> send(Request request, String group) {
        return send(request, group, ReplicaAcks.NONE);
    }

    /**
     * Sends a write whose reply counts only once {@code acks} replicas have it: WAIT follows its batch on the same
     * connection, and the write fails ({@link RedisFailure.Kind#NOT_REPLICATED}) if fewer replicas acknowledged it.
     */
    public Future<Response> send(Request request, String group, ReplicaAcks acks) {
        Context context = Vertx.currentContext();
        long now = System.nanoTime();
        if (context == null || !context.isEventLoopContext()) {
            if (acks.replicas() > 0) {
                // WAIT must follow the write on its connection, which only an event loop's lane guarantees.
                return Future.failedFuture(new IllegalStateException("a write that waits for replicas is sent from "
                        + "an event loop"));
            }
            return pooled.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(RedisFailure.of(e)))
                    .andThen(result -> metrics.record(group, now, result));
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            RedisFailure overload = new RedisFailure(RedisFailure.Kind.OVERLOAD, maxPending
                    + " Redis requests are waiting for an answer (redis.max_pending_requests)");
            metrics.record(group, now, Future.failedFuture(overload));
            return Future.failedFuture(overload);
        }
        Promise<Response> promise = Promise.promise();
        batches.add(context, new Pending(request, group, acks, promise, now));
        return promise.future();
    }

    /** Requests written to Redis and not yet answered. */
    public int pending() {
        return pending.get();
    }

    private void send(Context context, List<Pending> batch) {
        Lane lane = context.get(this);
        if (lane == null) {
            lane = new Lane(context);
            context.put(this, lane);
        }
        lane.send(batch);
    }

    /** The connection of one event loop, and the batches it carries. Touched only on that event loop. */
    private final class Lane {
        private final Context context;
        private Future<RedisConnection> connection;
        private long retryAfterNanos;
        private Throwable lastFailure;

        Lane(Context context) {
            this.context = context;
        }

        void send(List<Pending> batch) {
            Future<RedisConnection> used = connection();
            int[] unanswered = {batch.size()};
            // One timer per batch: at the deadline its requests fail, and a batch still unanswered much later
            // gives its connection up.
            long[] timer = new long[1];
            timer[0] = vertx.setTimer(timeoutMs, deadline -> {
                expire(batch);
                timer[0] = vertx.setTimer(timeoutMs * (ABANDON_TIMEOUTS - 1), abandon -> onContext(() -> drop(used,
                        new RedisFailure(RedisFailure.Kind.TIMEOUT, "Redis answered nothing for "
                                + timeoutMs * ABANDON_TIMEOUTS + " ms; connection closed"))));
            });
            if (cluster) {
                used.onComplete(opened -> onContext(() -> sendEach(used, opened, batch, () -> {
                    if (--unanswered[0] == 0) {
                        vertx.cancelTimer(timer[0]);
                    }
                })));
                return;
            }
            used.compose(conn -> write(conn, batch)).onComplete(result -> onContext(() -> {
                vertx.cancelTimer(timer[0]);
                answered(used, batch, result);
            }));
        }

        /**
         * Cluster: each request goes to the master of its slot, written at once on the lane's connection to that
         * master behind the requests before it (a pipeline per master), and is decided as soon as its own reply
         * arrives, so that a stalled master holds up only its own slots' requests.
         */
        private void sendEach(Future<RedisConnection> used, AsyncResult<RedisConnection> opened, List<Pending> batch,
                              Runnable answeredOne) {
            if (opened.failed()) {
                batch.forEach(p -> answeredOne.run());
                answered(used, batch, Future.failedFuture(opened.cause()));
                return;
            }
            for (Pending p : batch) {
                opened.result().send(p.request).onComplete(own -> onContext(() -> {
                    pending.decrementAndGet();
                    answeredOne.run();
                    decide(used, p, ownReply(own), -1);
                }));
            }
        }

        private Future<RedisConnection> connection() {
            if (connection != null) {
                return connection;
            }
            if (System.nanoTime() < retryAfterNanos) {
                return Future.failedFuture(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                        "Redis unreachable: " + RedisFailure.describe(lastFailure)));
            }
            Future<RedisConnection> opening = pooled.connect().timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                            "no connection to Redis within " + timeoutMs + " ms: " + RedisFailure.describe(e))));
            connection = opening;
            opening.onComplete(result -> onContext(() -> {
                if (result.succeeded()) {
                    RedisConnection conn = result.result();
                    conn.exceptionHandler(e -> onContext(() -> drop(opening, e)));
                    conn.endHandler(v -> onContext(() -> drop(opening, new RedisFailure(
                            RedisFailure.Kind.UNAVAILABLE, "the Redis connection closed"))));
                } else {
                    drop(opening, result.cause());
                }
            }));
            return opening;
        }

        /** Forgets {@code used} (if it is still the lane's connection) so that the next batch connects anew. */
        private void drop(Future<RedisConnection> used, Throwable why) {
            if (connection != used) {
                return;
            }
            connection = null;
            lastFailure = why;
            retryAfterNanos = System.nanoTime() + RECONNECT_BACKOFF_MS * 1_000_000;
            if (used.succeeded()) {
                used.result().close();
            }
        }

        private void answered(Future<RedisConnection> used, List<Pending> batch, AsyncResult<Written> result) {
            pending.addAndGet(-batch.size());
            if (result.failed()) {
                RedisFailure failure = RedisFailure.of(result.cause());
                if (failure.kind() != RedisFailure.Kind.ERROR_REPLY || failure.isReadOnly()) {
                    drop(used, failure);
                }
                batch.forEach(p -> settle(p, Future.failedFuture(failure)));
                return;
            }
            List<AsyncResult<Response>> results = result.result().results();
            long acked = result.result().replicasAcked();
            for (int i = 0; i < batch.size(); i++) {
                decide(used, batch.get(i), results.get(i), acked);
            }
        }

        /**
         * Settles one request with its own outcome: a reply (an error reply fails this request only), or a failure
         * without reply, which also gives the connection up.
         *
         * @param acked replicas that acknowledged the request's writes (-1: not asked)
         */
        private void decide(Future<RedisConnection> used, Pending p, AsyncResult<Response> own, long acked) {
            if (own.failed()) {
                RedisFailure failure = RedisFailure.of(own.cause());
                drop(used, failure);
                settle(p, Future.failedFuture(failure));
                return;
            }
            Response reply = own.result();
            int wanted = p.acks.replicas();
            if (wanted > 0 && wanted > acked && (reply == null || reply.type() != ResponseType.ERROR)) {
                settle(p, Future.failedFuture(new RedisFailure(RedisFailure.Kind.NOT_REPLICATED,
                        acked + " of " + wanted + " replicas (redis.min_replicas_acked) acknowledged a write "
                                + "within " + p.acks.timeout().toMillis() + " ms")));
            } else if (reply != null && reply.type() == ResponseType.ERROR) {
                RedisFailure failure = new RedisFailure(RedisFailure.Kind.ERROR_REPLY, reply.toString());
                if (failure.isReadOnly()) {
                    drop(used, failure);
                }
                settle(p, Future.failedFuture(failure));
            } else {
                settle(p, Future.succeededFuture(reply));
            }
        }

        private void onContext(Runnable action) {
            if (Vertx.currentContext() == context) {
                action.run();
            } else {
                context.runOnContext(v -> action.run());
            }
        }
    }

    /**
     * Writes a standalone or Sentinel batch: one request alone, several inside MULTI/EXEC, whose reply lists each
     * request's own reply; then, when a request asks for replicas, WAIT (outside the transaction: inside one, WAIT
     * does not wait).
     */
    private Future<Written> write(RedisConnection connection, List<Pending> batch) {
        int replicas = 0;
        long waitMillis = 0;
        for (Pending p : batch) {
            replicas = Math.max(replicas, p.acks.replicas());
            waitMillis = Math.max(waitMillis, p.acks.timeout().toMillis());
        }
        if (batch.size() == 1 && replicas == 0) {
            return connection.send(batch.get(0).request)
                    .map(reply -> new Written(List.of(Future.succeededFuture(reply)), -1));
        }
        boolean transaction = batch.size() > 1;
        List<Request> requests = new ArrayList<>(batch.size() + 3);
        if (transaction) {
            requests.add(Request.cmd(Command.MULTI));
        }
        batch.forEach(p -> requests.add(p.request));
        if (transaction) {
            requests.add(Request.cmd(Command.EXEC));
        }
        if (replicas > 0) {
            requests.add(Request.cmd(Command.WAIT).arg(replicas).arg(waitMillis));
        }
        boolean waited = replicas > 0;
        return connection.batch(requests).map(replies -> {
            List<AsyncResult<Response>> own = new ArrayList<>(batch.size());
            if (transaction) {
                Response exec = replies.get(batch.size() + 1);
                for (int i = 0; i < batch.size(); i++) {
                    own.add(Future.succeededFuture(exec.get(i)));
                }
            } else {
                own.add(Future.succeededFuture(replies.get(0)));
            }
            return new Written(own, waited ? replies.get(replies.size() - 1).toLong() : -1);
        });
    }

    /** The Vert.x client reports an error reply as a failure whose cause is the reply: it is the request's reply. */
    private static AsyncResult<Response> ownReply(AsyncResult<Response> own) {
        return own.failed() && own.cause() instanceof Response reply && reply.type() == ResponseType.ERROR
                ? Future.succeededFuture(reply) : own;
    }

    private void expire(List<Pending> batch) {
        RedisFailure timeout = new RedisFailure(RedisFailure.Kind.TIMEOUT,
                "Redis did not answer within " + timeoutMs + " ms (redis.request_timeout)");
        batch.forEach(p -> settle(p, Future.failedFuture(timeout)));
    }

    private void settle(Pending p, AsyncResult<Response> result) {
        boolean first = result.succeeded() ? p.promise.tryComplete(result.result()) : p.promise.tryFail(result.cause());
        if (first) {
            metrics.record(p.group, p.sentNanos, result);
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
