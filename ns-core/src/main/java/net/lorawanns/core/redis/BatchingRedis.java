package net.lorawanns.core.redis;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.RequestImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.lorawanns.core.eventloop.TurnBatches;

/**
 * A {@link Redis} client for the event loops, built on a pooled standalone, Sentinel or Cluster client.
 *
 * <ul>
 *   <li><b>Batches.</b> The requests an event loop makes during one of its turns go to Redis in one write and come
 *   back in one read, where a request each would cost a system call each way. On Redis Cluster, where a batch must
 *   stay within one hash slot and the requests of one turn rarely do, they are split by the master of their slot,
 *   and each master's share goes out in one write on the lane's {@link NodePipeline} to that master, each request
 *   decided as soon as its own reply arrives ({@link ClusterLane}).</li>
 *   <li><b>Order.</b> Each event loop keeps one connection of its own, its {@link Lane}, and sends every batch on
 *   it: Redis executes one connection's requests in the order they were written, so two requests sent one after
 *   the other from one event loop are executed in that order, even when Redis stalls and resumes (a pool would
 *   spread them over connections, which a resuming Redis serves in any order). A Cluster lane holds one connection
 *   per master: requests of one slot (one device's keys) keep their order, also while the slot moves.</li>
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
    /** MOVED and ASK redirections one Cluster request follows at most. */
    private static final int MAX_REDIRECTS = 5;

    /** @param context where the request was sent from, and where its reply is given */
    private record Pending(Request request, String group, ReplicaAcks acks, Promise<Response> promise,
                           long sentNanos, Context context) {
    }

    /**
     * Each request's own outcome (an error reply is a reply of type ERROR; a failure is a request that got no
     * reply), and how many replicas acknowledged the batch's writes (-1: not asked).
     */
    private record Written(List<AsyncResult<Response>> results, long replicasAcked) {
    }

    private final Vertx vertx;
    private final Redis pooled;
    /** The masters of a Redis Cluster; null for standalone and Sentinel. */
    private final ClusterNodes cluster;
    /** A lane per event-loop thread ({@link #send(Context, List)}). */
    private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<Thread, ClusterLane> clusterLanes = new ConcurrentHashMap<>();
    private final long timeoutMs;
    private final int maxPending;
    private final RedisMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();
    private final TurnBatches<Pending> batches = new TurnBatches<>(MAX_BATCH, this::send);

    /**
     * @param pooled the pooled client whose connections the lanes take
     * @param cluster the masters of the Redis Cluster that {@code pooled} is a client of; null for standalone and
     *     Sentinel
     * @param timeoutMs a request's deadline
     * @param maxPending requests written and not yet answered, at most
     */
    BatchingRedis(Vertx vertx, Redis pooled, ClusterNodes cluster, long timeoutMs, int maxPending,
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
        batches.add(context, new Pending(request, group, acks, promise, now, context));
        return promise.future();
    }

    /** Requests written to Redis and not yet answered. */
    public int pending() {
        return pending.get();
    }

    /**
     * Runs on the event loop of {@code context}. Lanes belong to event-loop threads, not to contexts: Vert.x makes a
     * new context for every caller outside it (a reply to such a caller completes there), and a lane per context
     * would hold a connection per context for good. Every context of one event loop runs on its thread, so they can
     * share its lane, which keeps to the context it was made on.
     */
    private void send(Context context, List<Pending> batch) {
        Thread eventLoop = Thread.currentThread();
        if (cluster != null) {
            clusterLanes.computeIfAbsent(eventLoop, thread -> new ClusterLane(context)).send(batch);
            return;
        }
        Lane lane = lanes.get(eventLoop);
        if (lane == null) {
            lane = lanes.computeIfAbsent(eventLoop, thread -> new Lane(context));
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
            // One timer per batch: at the deadline its requests fail, and a batch still unanswered much later
            // gives its connection up.
            long[] timer = new long[1];
            timer[0] = vertx.setTimer(timeoutMs, deadline -> {
                expire(batch);
                timer[0] = vertx.setTimer(timeoutMs * (ABANDON_TIMEOUTS - 1), abandon -> onContext(context,
                        () -> drop(used, new RedisFailure(RedisFailure.Kind.TIMEOUT, "Redis answered nothing for "
                                + timeoutMs * ABANDON_TIMEOUTS + " ms; connection closed"))));
            });
            used.compose(conn -> write(conn, batch)).onComplete(result -> onContext(context, () -> {
                vertx.cancelTimer(timer[0]);
                answered(used, batch, result);
            }));
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
            opening.onComplete(result -> onContext(context, () -> {
                if (result.succeeded()) {
                    RedisConnection conn = result.result();
                    conn.exceptionHandler(e -> onContext(context, () -> drop(opening, e)));
                    conn.endHandler(v -> onContext(context, () -> drop(opening, new RedisFailure(
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
                decide(failure -> drop(used, failure), batch.get(i), results.get(i), acked);
            }
        }
    }

    /**
     * The lane of one event loop on a Redis Cluster: a {@link NodePipeline} to each master, opened on first use. A
     * batch is split by the master of each request's slot, and each master's share goes out in one write, behind
     * what the lane wrote to that master before (per master, in the order sent); each request is decided on its own
     * reply, so that an error reply fails only its request and a stalled master holds up only its own slots. A MOVED
     * sends the request to the master it names and has the slot table read again; an ASK sends it there behind
     * ASKING, in one write; at most {@link #MAX_REDIRECTS} times. When a request asks for replicas, WAIT follows its
     * master's share, on that master. Until the slot table or a master's connection is ready, the batches wait for
     * it in order; after the table changed, a moved slot's requests wait for its old master (see
     * {@link #switchTo}). Touched only on its event loop.
     */
    private final class ClusterLane {
        private final Context context;
        private final Map<String, Master> masters = new HashMap<>();
        /** Batches waiting, in order, for the slot table being read; null while none does. */
        private List<Waiting> awaitingTable;
        /** The table the lane routes with, and the one before it while masters still owe what it routed to them. */
        private SlotTable current;
        private SlotTable previous;
        private final Map<String, Drain> drains = new HashMap<>();
        private final List<Held> held = new ArrayList<>();

        ClusterLane(Context context) {
            this.context = context;
        }

        void send(List<Pending> batch) {
            Deadline deadline = new Deadline(batch);
            Future<SlotTable> table = cluster.table();
            if (awaitingTable == null && table.succeeded()) {
                route(table.result(), batch, deadline);
                return;
            }
            if (awaitingTable != null) {
                awaitingTable.add(new Waiting(batch, deadline));
                return;
            }
            awaitingTable = new ArrayList<>(List.of(new Waiting(batch, deadline)));
            table.onComplete(read -> onContext(context, () -> {
                List<Waiting> waiting = awaitingTable;
                awaitingTable = null;
                for (Waiting w : waiting) {
                    if (read.succeeded()) {
                        route(read.result(), w.batch, w.deadline);
                    } else {
                        w.batch.forEach(p -> unsent(w.deadline, p, read.cause()));
                    }
                }
            }));
        }

        private record Waiting(List<Pending> batch, Deadline deadline) {
        }

        private void route(SlotTable slots, List<Pending> batch, Deadline deadline) {
            if (slots != current) {
                switchTo(slots);
            } else if (previous != null && drains.values().stream().noneMatch(Drain::owing)) {
                previous = null;
                drains.clear();
            }
            Map<String, List<Pending>> byMaster = new LinkedHashMap<>();
            for (Pending p : batch) {
                List<byte[]> keys = ((RequestImpl) p.request).keys();
                if (keys.isEmpty()) {
                    byMaster.computeIfAbsent(slots.anyMaster(), m -> new ArrayList<>()).add(p);
                    continue;
                }
                int slot = HashSlot.of(keys.get(0));
                String master = slots.masterOf(slot);
                String before = previous == null ? master : previous.masterOf(slot);
                if (!before.equals(master) && owing(before)) {
                    held.add(new Held(p, deadline, master, before));
                } else {
                    byMaster.computeIfAbsent(master, m -> new ArrayList<>()).add(p);
                }
            }
            byMaster.forEach((endpoint, share) -> write(endpoint, share, false, 0, deadline));
        }

        /**
         * From now on, routes with {@code slots}. A request of a slot that moved to another master must not overtake
         * the requests of that slot the lane wrote to the old master, which that master redirects to the new one when
         * it answers: it is held until the old master answered all it was written so far.
         */
        private void switchTo(SlotTable slots) {
            if (current != null) {
                previous = current;
                drains.clear();
                masters.forEach((endpoint, master) -> {
                    if (master.pipeline != null) {
                        drains.put(endpoint, new Drain(master.pipeline, master.pipeline.written()));
                    }
                });
            }
            current = slots;
        }

        private boolean owing(String endpoint) {
            Drain drain = drains.get(endpoint);
            return drain != null && drain.owing();
        }

        /** Writes the held requests whose old master answered what it owed (the others stay held, in order). */
        private void release() {
            if (held.isEmpty()) {
                return;
            }
            List<Held> waiting = new ArrayList<>(held);
            held.clear();
            for (Held h : waiting) {
                if (owing(h.oldMaster)) {
                    held.add(h);
                } else if (h.p.promise.future().isComplete()) {
                    // Its deadline passed while it was held: never written, so never executed.
                    unsent(h.deadline, h.p, new RedisFailure(RedisFailure.Kind.TIMEOUT, "not sent: "
                            + "its slot moved to another master, and the old one did not answer in time"));
                } else {
                    write(h.master, List.of(h.p), false, 0, h.deadline);
                }
            }
        }

        /** What the lane had written to a master when the slot table changed. */
        private record Drain(NodePipeline pipeline, long mark) {
            boolean owing() {
                return pipeline.owes(mark);
            }
        }

        /** A request of a moved slot, held until its slot's old master answered what it owed. */
        private record Held(Pending p, Deadline deadline, String master, String oldMaster) {
        }

        /** Writes {@code share} to the master at {@code endpoint}, each behind ASKING if {@code asking}. */
        private void write(String endpoint, List<Pending> share, boolean asking, int redirects, Deadline deadline) {
            Master master = masters.computeIfAbsent(endpoint, Master::new);
            master.use(opened -> {
                if (opened.failed()) {
                    share.forEach(p -> unsent(deadline, p, opened.cause()));
                    return;
                }
                NodePipeline pipeline = opened.result();
                List<Request> requests = new ArrayList<>(asking ? 2 * share.size() + 1 : share.size() + 1);
                int replicas = 0;
                long waitMillis = 0;
                for (Pending p : share) {
                    if (asking) {
                        requests.add(Request.cmd(Command.ASKING));
                    }
                    requests.add(p.request);
                    replicas = Math.max(replicas, p.acks.replicas());
                    waitMillis = Math.max(waitMillis, p.acks.timeout().toMillis());
                }
                if (replicas > 0) {
                    // WAIT counts the replicas that have this connection's writes: to the master that took them.
                    requests.add(Request.cmd(Command.WAIT).arg(replicas).arg(waitMillis));
                }
                List<Future<Response>> replies = pipeline.write(requests);
                deadline.wrote(pipeline);
                Future<Long> acked = replicas == 0 ? Future.succeededFuture(-1L) : replies.get(replies.size() - 1)
                        .map(Response::toLong).otherwise(0L);
                Consumer<RedisFailure> giveUp = why -> master.drop(pipeline, why);
                for (int i = 0; i < share.size(); i++) {
                    Pending p = share.get(i);
                    replies.get(asking ? 2 * i + 1 : i).onComplete(own -> onContext(context, () -> {
                        replied(endpoint, p, own, acked, redirects, deadline, giveUp);
                        release();
                    }));
                }
            });
        }

        /**
         * Follows a redirection, else decides the request, once {@code acked} tells how many replicas have its writes
         * (-1: none asked).
         */
        private void replied(String endpoint, Pending p, AsyncResult<Response> own, Future<Long> acked, int redirects,
                             Deadline deadline, Consumer<RedisFailure> giveUp) {
            Response reply = own.succeeded() ? own.result() : null;
            if (reply != null && reply.type() == ResponseType.ERROR && redirects < MAX_REDIRECTS) {
                String error = reply.toString();
                boolean moved = error.startsWith("MOVED ");
                if (moved || error.startsWith("ASK ")) {
                    String[] fields = error.split(" ");
                    if (fields.length == 3) {
                        String target = fields[2].startsWith(":")
                                ? endpoint.substring(0, endpoint.lastIndexOf(':')) + fields[2] : fields[2];
                        if (moved) {
                            cluster.stale();
                        }
                        write(target, List.of(p), !moved, redirects + 1, deadline);
                        return;
                    }
                }
            }
            if (p.acks.replicas() == 0) {
                finish(deadline, p, own, -1, giveUp);
                return;
            }
            acked.onComplete(replicas -> onContext(context, () -> finish(deadline, p, own, replicas.result(),
                    giveUp)));
        }

        /** Fails a request that was not written (no slot table, no connection): no connection to give up. */
        private void unsent(Deadline deadline, Pending p, Throwable why) {
            finish(deadline, p, Future.failedFuture(why), -1, failure -> {
            });
        }

        private void finish(Deadline deadline, Pending p, AsyncResult<Response> own, long acked,
                            Consumer<RedisFailure> giveUp) {
            pending.decrementAndGet();
            deadline.answered();
            decide(giveUp, p, own, acked);
        }

        /**
         * A batch's deadline: its requests fail at {@code timeoutMs}; a master still owing one of their replies
         * {@link #ABANDON_TIMEOUTS} timeouts later is given up.
         */
        private final class Deadline {
            private final Map<NodePipeline, Long> marks = new HashMap<>();
            private int unanswered;
            private long timer;

            Deadline(List<Pending> batch) {
                unanswered = batch.size();
                timer = vertx.setTimer(timeoutMs, expired -> {
                    expire(batch);
                    timer = vertx.setTimer(timeoutMs * (ABANDON_TIMEOUTS - 1), abandon -> onContext(context,
                            () -> marks.forEach((pipeline, mark) -> {
                                if (pipeline.owes(mark)) {
                                    masters.get(pipeline.endpoint()).drop(pipeline, new RedisFailure(
                                            RedisFailure.Kind.TIMEOUT, "Redis Cluster master " + pipeline.endpoint()
                                            + " answered nothing for " + timeoutMs * ABANDON_TIMEOUTS
                                            + " ms; connection closed"));
                                }
                            })));
                });
            }

            void wrote(NodePipeline pipeline) {
                marks.put(pipeline, pipeline.written());
            }

            void answered() {
                if (--unanswered == 0) {
                    vertx.cancelTimer(timer);
                }
            }
        }

        /**
         * The lane's connection to one master: opened on first use, while the writes that need it wait in order;
         * given up after a failure or a READONLY reply (the slot table is then read again), and, while connecting
         * fails, not tried again for {@link #RECONNECT_BACKOFF_MS}.
         */
        private final class Master {
            private final String endpoint;
            private NodePipeline pipeline;
            private List<Handler<AsyncResult<NodePipeline>>> awaiting;
            private long retryAfterNanos;
            private RedisFailure lastFailure;

            Master(String endpoint) {
                this.endpoint = endpoint;
            }

            void use(Handler<AsyncResult<NodePipeline>> write) {
                if (pipeline != null && !pipeline.isClosed()) {
                    write.handle(Future.succeededFuture(pipeline));
                    return;
                }
                if (awaiting != null) {
                    awaiting.add(write);
                    return;
                }
                if (System.nanoTime() < retryAfterNanos) {
                    write.handle(Future.failedFuture(lastFailure));
                    return;
                }
                awaiting = new ArrayList<>(List.of(write));
                cluster.open(endpoint).onComplete(opened -> onContext(context, () -> {
                    List<Handler<AsyncResult<NodePipeline>>> writes = awaiting;
                    awaiting = null;
                    if (opened.succeeded()) {
                        pipeline = opened.result();
                    } else {
                        failed(RedisFailure.of(opened.cause()));
                    }
                    writes.forEach(w -> w.handle(opened));
                }));
            }

            void drop(NodePipeline used, RedisFailure why) {
                if (pipeline != used) {
                    return;
                }
                pipeline = null;
                used.close(why);
                failed(why);
            }

            private void failed(RedisFailure why) {
                lastFailure = why;
                retryAfterNanos = System.nanoTime() + RECONNECT_BACKOFF_MS * 1_000_000;
                cluster.stale();
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

    /**
     * Settles one request with its own outcome: a reply (an error reply fails this request only), or a failure
     * without reply, after which, as after a READONLY reply, its connection is given up.
     *
     * @param giveUp gives the request's connection up
     * @param acked replicas that acknowledged the request's writes (-1: not asked)
     */
    private void decide(Consumer<RedisFailure> giveUp, Pending p, AsyncResult<Response> own, long acked) {
        if (own.failed()) {
            RedisFailure failure = RedisFailure.of(own.cause());
            giveUp.accept(failure);
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
                giveUp.accept(failure);
            }
            settle(p, Future.failedFuture(failure));
        } else {
            settle(p, Future.succeededFuture(reply));
        }
    }

    /** Runs {@code action} on {@code context}: now if this is its thread, else as a task there. */
    private static void onContext(Context context, Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void expire(List<Pending> batch) {
        RedisFailure timeout = new RedisFailure(RedisFailure.Kind.TIMEOUT,
                "Redis did not answer within " + timeoutMs + " ms (redis.request_timeout)");
        batch.forEach(p -> settle(p, Future.failedFuture(timeout)));
    }

    /** Gives a request its outcome on the context it was sent from (another context of the lane's event loop). */
    private void settle(Pending p, AsyncResult<Response> result) {
        if (Vertx.currentContext() != p.context) {
            p.context.runOnContext(v -> settle(p, result));
            return;
        }
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
