package net.lorawanns.core.redis;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link Redis} client for the event loops, on standalone Redis, Sentinel or Redis Cluster.
 *
 * <ul>
 *   <li><b>Lanes.</b> Each event loop has a lane of its own: a pipelined connection ({@link NodePipeline}) to the
 *   server that takes writes (the standalone server, or the master Sentinel names: {@link MasterLocator}), or on
 *   Redis Cluster one to each master ({@link ClusterNodes}), opened on first use.</li>
 *   <li><b>Batches.</b> The requests an event loop makes during one of its turns go to Redis in one write, as RESP
 *   written straight into one buffer ({@link RequestWriter}), where a request each would cost a system call each way.
 *   On Redis Cluster, where the requests of one turn rarely share a slot, they are split by the master of their slot,
 *   and each master's share goes out in one write to that master.</li>
 *   <li><b>Order.</b> Redis executes one connection's requests in the order they were written, so two requests sent
 *   one after the other from one event loop are executed in that order, even when Redis stalls and resumes (a pool
 *   would spread them over connections, which a resuming Redis serves in any order). On Cluster, requests of one slot
 *   (one device's keys) keep their order, also while the slot moves. One exception: a script call answered NOSCRIPT
 *   is sent again (whole) behind what was written after it, and runs after that. A connection sends each script whole
 *   the first time ({@link NodePipeline}), so this happens only when Redis forgets its scripts while the connection
 *   stays open (SCRIPT FLUSH); on Cluster, the old master's NOSCRIPT then counts as its answer to a moved slot's
 *   drain.</li>
 *   <li><b>Errors.</b> Each reply settles its own request as it arrives: an error reply fails its own request only.
 *   Nothing relies on the requests of one turn being executed together (which turn a request falls into is chance,
 *   and a turn's requests may be split into several batches or over several masters): what must be atomic is a
 *   {@link LuaScript}, atomic on its own.</li>
 *   <li><b>Deadline.</b> A request not answered within the configured timeout fails with a
 *   {@link RedisFailure.Kind#TIMEOUT}. Redis may still execute it later; its reply is then ignored; a request whose
 *   deadline passed before it could be written is not written. A connection that owes a reply for
 *   {@link #ABANDON_TIMEOUTS} timeouts is closed, which fails what it still owes. One timer per lane at a time checks
 *   its oldest requests, rather than a timer per batch.</li>
 *   <li><b>Bound.</b> At most {@code maxPending} requests are sent and unanswered; beyond that a request fails at
 *   once with {@link RedisFailure.Kind#OVERLOAD}, so that a stalled Redis costs bounded memory.</li>
 *   <li><b>Reconnect.</b> A connection that failed, closed, or answered READONLY (a Sentinel failover demoted its
 *   server; a new connection asks the sentinels again) is replaced on next use; while connecting fails, requests
 *   fail at once ({@link RedisFailure.Kind#UNAVAILABLE}) for {@link #RECONNECT_BACKOFF_MS} before the next
 *   attempt.</li>
 *   <li><b>Replicas.</b> A write that asks for replicas ({@link ReplicaAcks}) has WAIT follow its write on the same
 *   connection (on Cluster, to the master that took it), and is decided on WAIT's count.</li>
 * </ul>
 *
 * <p>Threads: a lane belongs to its event loop and is only touched there; replies complete on the context that
 * sent the request. Requests made outside an event loop (start-up, command-line tools) go through the Vert.x client's
 * pool, with the same deadline.
 */
public final class BatchingRedis implements Redis {
    /** Bounds one batch (and so one write). */
    private static final int MAX_BATCH = 512;
    private static final long RECONNECT_BACKOFF_MS = 250;
    /** A connection that owes a reply for this many request timeouts is given up. */
    private static final int ABANDON_TIMEOUTS = 10;
    /** MOVED and ASK redirections one Cluster request follows at most. */
    private static final int MAX_REDIRECTS = 5;

    private final Redis pooled;
    private final NetClient client;
    /** Where standalone and Sentinel lanes connect; null on Cluster. */
    private final MasterLocator locator;
    /** The masters of a Redis Cluster; null for standalone and Sentinel. */
    private final ClusterNodes cluster;
    /** A lane per event-loop thread ({@link #lane(Context)}). */
    private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();
    private final long timeoutMs;
    private final long timeoutNanos;
    private final int maxPending;
    private final RedisMetrics metrics;
    private final RedisFailure timeout;
    private final AtomicInteger pending = new AtomicInteger();
    private final Handler<Pending> complete = this::complete;
    /** The lanes' timer runs, for tests: a lane's timer must not spin. */
    private final LongAdder sweeps = new LongAdder();

    /**
     * @param pooled the pooled client for requests made outside the event loops (and the slot table on Cluster)
     * @param client the TCP client the lanes connect with
     * @param locator where the lanes connect on standalone and Sentinel; null on Cluster
     * @param cluster the masters of the Redis Cluster that {@code pooled} is a client of; null for standalone and
     *     Sentinel
     * @param timeoutMs a request's deadline
     * @param maxPending requests sent and not yet answered, at most
     */
    BatchingRedis(Redis pooled, NetClient client, MasterLocator locator, ClusterNodes cluster,
                  long timeoutMs, int maxPending, RedisMetrics metrics) {
        if ((locator == null) == (cluster == null)) {
            throw new IllegalArgumentException("either a master locator or a cluster");
        }
        this.pooled = pooled;
        this.client = client;
        this.locator = locator;
        this.cluster = cluster;
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.maxPending = maxPending;
        this.metrics = metrics;
        this.timeout = new RedisFailure(RedisFailure.Kind.TIMEOUT,
                "Redis did not answer within " + timeoutMs + " ms (redis.request_timeout)");
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
     * Sends a write whose reply counts only once {@code acks} replicas have it: WAIT follows its write on the same
     * connection, and the write fails ({@link RedisFailure.Kind#NOT_REPLICATED}) if fewer replicas acknowledged it.
     */
    public Future<Response> send(Request request, String group, ReplicaAcks acks) {
        return send(new ClientRequest(request), group, acks);
    }

    /**
     * Sends {@code request} through {@code redis}, its latency and failures counted under {@code group} when
     * {@code redis} is a {@link BatchingRedis} (a Vert.x client counts nothing).
     */
    public static Future<Response> send(Redis redis, Request request, String group) {
        return redis instanceof BatchingRedis batching ? batching.send(request, group) : redis.send(request);
    }

    /** Whether a request made now goes on a lane: on an event loop's thread, in one of its contexts. */
    private static boolean onLane(Context context) {
        // On the event loop's thread only: a worker running executeBlocking has the event loop's context as current.
        return context != null && context.isEventLoopContext() && Context.isOnEventLoopThread();
    }

    /**
     * Sends a request of either kind (a script call is written without a client request); outside an event loop (its
     * thread and one of its contexts), through the pool.
     */
    Future<Response> send(LaneRequest request, String group, ReplicaAcks acks) {
        Context context = Vertx.currentContext();
        long now = System.nanoTime();
        if (!onLane(context)) {
            if (acks.replicas() > 0) {
                // WAIT must follow the write on its connection, which only an event loop's lane guarantees.
                return Future.failedFuture(new IllegalStateException("a write that waits for replicas is sent from "
                        + "an event loop"));
            }
            return request.viaPool(pooled).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .recover(e -> Future.failedFuture(RedisFailure.of(e)))
                    .andThen(result -> metrics.record(group, now, result.failed() ? RedisFailure.of(result.cause())
                            : null));
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            RedisFailure overload = new RedisFailure(RedisFailure.Kind.OVERLOAD, maxPending
                    + " Redis requests are waiting for an answer (redis.max_pending_requests)");
            metrics.record(group, now, overload);
            return Future.failedFuture(overload);
        }
        Pending p = new Pending(request, group, acks, now, context);
        lane(context).add(p);
        return p.promise.future();
    }

    /** How often the lanes' timers ran so far. */
    long sweeps() {
        return sweeps.sum();
    }

    /** Requests sent to Redis and not yet answered. */
    public int pending() {
        return pending.get();
    }

    /**
     * How long the oldest request the calling event loop sent has waited for its answer, in ns, at {@code now}
     * ({@link System#nanoTime()}): how far Redis (or this event loop, reading its replies) is behind for that event
     * loop. 0 when none waits, or off an event loop.
     */
    public long backlogNanos(long now) {
        if (!onLane(Vertx.currentContext())) {
            return 0;
        }
        Lane lane = lanes.get(Thread.currentThread());
        return lane == null ? 0 : lane.backlogNanos(now);
    }

    /**
     * The lane of the event loop running {@code context}. Lanes belong to event-loop threads, not to contexts: Vert.x
     * makes a new context for every caller outside it (a reply to such a caller completes there), and a lane per
     * context would hold a connection per context for good. Every context of one event loop runs on its thread, so
     * they can share its lane.
     */
    private Lane lane(Context context) {
        Thread eventLoop = Thread.currentThread();
        Lane lane = lanes.get(eventLoop);
        if (lane == null) {
            lane = lanes.computeIfAbsent(eventLoop, thread -> cluster != null ? new ClusterLane(context)
                    : new MasterLane(context));
        }
        return lane;
    }

    /**
     * One request, from its send to its outcome. Touched only on its lane's event loop.
     */
    private static final class Pending implements NodePipeline.Reply {
        /** What is written: a script call sent by its SHA-1 is replaced by the same call sent whole after NOSCRIPT. */
        private LaneRequest request;
        private final String group;
        private final ReplicaAcks acks;
        private final Promise<Response> promise = Promise.promise();
        private final long sentNanos;
        /** Where the request was sent from, and where its outcome is given. */
        private final Context context;
        private Lane lane;
        /** The connection it was written to last, and whose lane connection that is. */
        private NodePipeline pipeline;
        private Lane.Master master;
        /** It was written behind ASKING (a Cluster ASK redirection): so is a NOSCRIPT's resend. */
        private boolean asking;
        /** Its connection owes its reply. */
        private boolean owed;
        /** Its deadline passed: it has its outcome (TIMEOUT); not written if it was not yet. */
        private boolean expired;
        /** No longer counted as pending: answered, failed, or never to be written. */
        private boolean finished;
        /** The WAIT that decides it (it asks for replicas); its own reply or failure until then, then its outcome. */
        private Acks decidedBy;
        private Response reply;
        private RedisFailure failure;
        /** It has its outcome. */
        private boolean settled;
        private int redirects;

        Pending(LaneRequest request, String group, ReplicaAcks acks, long sentNanos, Context context) {
            this.request = request;
            this.group = group;
            this.acks = acks;
            this.sentNanos = sentNanos;
            this.context = context;
        }

        @Override
        public void replied(Response reply) {
            owed = false;
            lane.replied(this, reply);
        }

        @Override
        public void failed(RedisFailure why) {
            owed = false;
            lane.failed(this, why);
        }
    }

    /**
     * WAIT after the requests of one write that ask for replicas: each is decided once WAIT answered how many
     * replicas have the connection's writes (none, if WAIT failed).
     */
    private final class Acks implements NodePipeline.Reply {
        private final List<Pending> writes = new ArrayList<>(2);
        private int replicas;
        private long waitMillis;

        void add(Pending p) {
            writes.add(p);
            p.decidedBy = this;
            replicas = Math.max(replicas, p.acks.replicas());
            waitMillis = Math.max(waitMillis, p.acks.timeout().toMillis());
        }

        LaneRequest request() {
            return new ClientRequest(Request.cmd(Command.WAIT).arg(replicas).arg(waitMillis));
        }

        @Override
        public void replied(Response reply) {
            decide(reply == null || reply.type() == ResponseType.ERROR ? 0 : reply.toLong());
        }

        @Override
        public void failed(RedisFailure why) {
            decide(0);
        }

        private void decide(long acked) {
            for (Pending p : writes) {
                // A request that was redirected since is decided by the WAIT that followed it on its new master.
                if (p.decidedBy == this) {
                    p.decidedBy = null;
                    p.lane.finish(p);
                    BatchingRedis.this.decide(p, p.reply, p.failure, acked);
                }
            }
        }
    }

    /** Written before a request that follows an ASK redirection. */
    private static final LaneRequest ASKING = new ClientRequest(Request.cmd(Command.ASKING));

    /**
     * The requests of one event loop and its connections. Touched only on that event loop.
     */
    private abstract class Lane {
        final Context context;
        /** Requests within their deadline, in the order sent (answered ones until they reach the head). */
        private final ArrayDeque<Pending> ticking = new ArrayDeque<>();
        /** Requests past their deadline that a connection still owes, or that were not written yet. */
        private final ArrayDeque<Pending> overdue = new ArrayDeque<>();
        /** The event loop's own timer queue: a sweep belongs to no deployment, whose undeployment would cancel it. */
        private final EventLoop eventLoop;
        private final Runnable sweepTask = this::sweep;
        /** The armed sweep and when it runs ({@link System#nanoTime()}); null while none is armed. */
        private ScheduledFuture<?> sweep;
        private long sweepAt;
        /** The requests added during the current turn of the event loop. */
        private List<Pending> batch = new ArrayList<>();
        /**
         * The list of the batch before, empty, to take the next one: a batch is written during {@link #flush()}, and
         * whatever waits longer (for a connection, the slot table) keeps a copy. Null while a flush uses it.
         */
        private List<Pending> spare = new ArrayList<>();
        private final Handler<Void> flush = v -> flush();
        /** The end of a turn: a task on the event loop that flushes in the lane's context (made once, not per turn). */
        private final Runnable endOfTurn;

        Lane(Context context) {
            this.context = context;
            this.eventLoop = ((ContextInternal) context).nettyEventLoop();
            this.endOfTurn = () -> ((ContextInternal) context).dispatch(flush);
        }

        /**
         * Adds a request to the turn's batch, which goes out once the work already queued on the event loop is done
         * (the I/O events and tasks of this turn add to it), or at once when it is full. Called on the lane's event
         * loop (a lane is its thread's), and so is the flush: a task on that event loop.
         */
        final void add(Pending p) {
            if (batch.isEmpty()) {
                eventLoop.execute(endOfTurn);
            }
            batch.add(p);
            if (batch.size() >= MAX_BATCH) {
                flush();
            }
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            List<Pending> full = batch;
            // A request that a reply's listener sends while this batch is written goes into the next batch; so does a
            // flush then (a full batch), with a list of its own.
            batch = spare != null ? spare : new ArrayList<>();
            spare = null;
            send(full);
            full.clear();
            spare = full;
        }

        private void send(List<Pending> turn) {
            for (int i = 0, n = turn.size(); i < n; i++) {
                Pending p = turn.get(i);
                p.lane = this;
                ticking.add(p);
            }
            arm();
            route(turn);
        }

        /** Writes the batch to the connections its requests go to. */
        abstract void route(List<Pending> batch);

        /**
         * {@code p}'s own reply came: it settles {@code p}, unless WAIT's count is still needed, or the reply is
         * NOSCRIPT to a script call sent by its SHA-1.
         */
        void replied(Pending p, Response reply) {
            if (p.request instanceof LuaScript.Call call && call.bySha1() && reply != null
                    && reply.type() == ResponseType.ERROR && LuaScript.unknown(reply.toString())) {
                // Redis ran nothing (it forgot its scripts: SCRIPT FLUSH): the same call goes whole (EVAL), which
                // teaches it the script, on the same connection, in the write that follows this read (NodePipeline),
                // and settles p when answered. The WAIT after the first write counts nothing of it.
                p.request = call.whole();
                p.decidedBy = null;
                queue(p.pipeline, p.master, List.of(p), p.asking);
                return;
            }
            if (p.decidedBy != null) {
                p.reply = reply;
                return;
            }
            finish(p);
            decide(p, reply, null, -1);
        }

        /** {@code p}'s connection failed before its reply came: the connection is given up. */
        void failed(Pending p, RedisFailure why) {
            giveUp(p, why);
            if (p.decidedBy != null) {
                // Its WAIT, written after it on the same connection, fails next and decides it.
                p.failure = why;
                return;
            }
            finish(p);
            decide(p, null, why, -1);
        }

        /** Fails a request that was not written (no slot table, no connection): no connection to give up. */
        final void unsent(Pending p, RedisFailure why) {
            finish(p);
            decide(p, null, why, -1);
        }

        /**
         * Since when the oldest request written and not yet answered waits, as {@link #backlogNanos(long)} says: the
         * heads of the queues are unanswered ({@link #finish}), and a request past its deadline is older than any
         * within it.
         */
        final long backlogNanos(long now) {
            Pending oldest = overdue.isEmpty() ? ticking.peekFirst() : overdue.peekFirst();
            return oldest == null || oldest.finished ? 0 : Math.max(0, now - oldest.sentNanos);
        }

        /** {@code p} is no longer pending; the answered requests at the heads of the queues leave them. */
        final void finish(Pending p) {
            if (!p.finished) {
                p.finished = true;
                pending.decrementAndGet();
            }
            while (!ticking.isEmpty() && ticking.peekFirst().finished) {
                ticking.pollFirst();
            }
            while (!overdue.isEmpty() && overdue.peekFirst().finished) {
                overdue.pollFirst();
            }
        }

        /**
         * Writes {@code share} to {@code master} in one write, each request behind ASKING if {@code asking}, and WAIT
         * after them if one asks for replicas. A request whose deadline passed while it waited for the connection (or
         * the slot table) is not written: it has its outcome already, and Redis never executes it.
         */
        final void write(Master master, List<Pending> share, boolean asking) {
            NodePipeline open = master.open();
            if (open != null) {
                write(open, master, share, asking);
                return;
            }
            // It waits for the connection: a copy, as the list is the lane's (see flush).
            List<Pending> waiting = new ArrayList<>(share);
            master.use(opened -> {
                if (opened.failed()) {
                    RedisFailure why = RedisFailure.of(opened.cause());
                    waiting.forEach(p -> unsent(p, why));
                } else {
                    write(opened.result(), master, waiting, asking);
                }
            });
        }

        private void write(NodePipeline pipeline, Master master, List<Pending> share, boolean asking) {
            queue(pipeline, master, share, asking);
            pipeline.flush();
        }

        /** Adds {@code share} to the next write of {@code pipeline}, as {@link #write} writes it. */
        private void queue(NodePipeline pipeline, Master master, List<Pending> share, boolean asking) {
            Acks acks = null;
            for (int i = 0, n = share.size(); i < n; i++) {
                Pending p = share.get(i);
                if (p.expired) {
                    finish(p);
                    continue;
                }
                if (asking) {
                    pipeline.add(ASKING, NodePipeline.IGNORED);
                }
                p.pipeline = pipeline;
                p.master = master;
                p.asking = asking;
                p.owed = true;
                if (p.acks.replicas() > 0) {
                    if (acks == null) {
                        acks = new Acks();
                    }
                    acks.add(p);
                }
                pipeline.add(p.request, p);
            }
            if (acks != null) {
                // WAIT counts the replicas that have this connection's writes: to the server that took them.
                pipeline.add(acks.request(), acks);
            }
        }

        /**
         * Arms the lane's timer for the next deadline of its oldest requests: the deadline of the oldest one within its
         * deadline, or the time to give up the connection that owes the oldest one past it, whichever comes first.
         */
        private void arm() {
            long due = Long.MAX_VALUE;
            if (!ticking.isEmpty()) {
                due = ticking.peekFirst().sentNanos + timeoutNanos;
            }
            if (!overdue.isEmpty()) {
                due = Math.min(due, overdue.peekFirst().sentNanos + timeoutNanos * ABANDON_TIMEOUTS);
            }
            if (due == Long.MAX_VALUE) {
                return;
            }
            if (sweep != null) {
                if (sweepAt <= due) {
                    return;
                }
                // Armed to give a connection up later: a request sent since has an earlier deadline.
                sweep.cancel(false);
            }
            sweepAt = due;
            sweep = eventLoop.schedule(sweepTask, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /**
         * Fails the requests whose deadline passed, and closes a connection that owes a reply for
         * {@link #ABANDON_TIMEOUTS} timeouts (which fails what it still owes). Runs on the event loop, in no context.
         */
        private void sweep() {
            sweeps.increment();
            sweep = null;
            long now = System.nanoTime();
            for (Pending p = ticking.peekFirst(); p != null && (p.finished || now - p.sentNanos >= timeoutNanos);
                 p = ticking.peekFirst()) {
                ticking.pollFirst();
                if (!p.finished) {
                    p.expired = true;
                    overdue.add(p);
                    settle(p, null, timeout);
                }
            }
            List<Pending> stalled = new ArrayList<>();
            for (Iterator<Pending> i = overdue.iterator(); i.hasNext(); ) {
                Pending p = i.next();
                if (now - p.sentNanos < timeoutNanos * ABANDON_TIMEOUTS) {
                    break;
                }
                if (!owedByConnection(p)) {
                    // Not written yet (it waits for a connection or the slot table), so no connection to give up: it
                    // is finished when it is skipped there. Kept here, it would have the timer armed for now, forever.
                    i.remove();
                } else if (stalled.isEmpty() || stalled.get(stalled.size() - 1).pipeline != p.pipeline) {
                    stalled.add(p);
                }
            }
            for (Pending p : stalled) {
                if (owedByConnection(p)) {
                    p.master.drop(p.pipeline, new RedisFailure(RedisFailure.Kind.TIMEOUT, p.pipeline.name()
                            + " answered nothing for " + timeoutMs * ABANDON_TIMEOUTS + " ms; connection closed"));
                }
            }
            arm();
        }

        /** Whether a connection still owes {@code p}'s reply, or the reply of the WAIT that decides it. */
        private static boolean owedByConnection(Pending p) {
            return p.owed || p.decidedBy != null;
        }

        /**
         * A connection of the lane to one server: opened on first use, while the writes that need it wait in order;
         * given up after a failure, a READONLY reply or a stall, and, while connecting fails, not tried again for
         * {@link #RECONNECT_BACKOFF_MS}.
         */
        final class Master {
            /** A Cluster master's {@code host:port}; null for the server that takes writes on standalone and Sentinel. */
            private final String endpoint;
            private final Supplier<Future<NodePipeline>> opener;
            private NodePipeline pipeline;
            private List<Handler<AsyncResult<NodePipeline>>> awaiting;
            private long retryAfterNanos;
            private RedisFailure lastFailure;

            Master(String endpoint, Supplier<Future<NodePipeline>> opener) {
                this.endpoint = endpoint;
                this.opener = opener;
            }

            /** The current connection, if it is open (for drains: a closed one owes nothing). */
            NodePipeline pipeline() {
                return pipeline;
            }

            /** The current connection if it is open and not closed, else null: {@link #use} opens one. */
            NodePipeline open() {
                return pipeline != null && !pipeline.isClosed() ? pipeline : null;
            }

            /** Has {@code write} wait for a connection (when not {@link #open}), opening one unless one is opening. */
            void use(Handler<AsyncResult<NodePipeline>> write) {
                if (awaiting != null) {
                    awaiting.add(write);
                    return;
                }
                if (System.nanoTime() < retryAfterNanos) {
                    // Never written, so never executed: unavailable, whatever ended the last connection (a READONLY
                    // reply, a stall).
                    write.handle(Future.failedFuture(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                            "Redis unreachable: " + lastFailure.getMessage())));
                    return;
                }
                awaiting = new ArrayList<>(List.of(write));
                Future<NodePipeline> opening;
                try {
                    opening = opener.get();
                } catch (RuntimeException e) {
                    // A connection that cannot even be tried (a malformed address in a redirection) fails like one
                    // refused, so the writes waiting for it do not wait forever.
                    opening = Future.failedFuture(e);
                }
                opening.onComplete(opened -> onContext(context, () -> {
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
                if (cluster != null) {
                    cluster.stale();
                }
            }
        }
    }

    /** The lane of one event loop on standalone Redis or Sentinel: one connection, to the server that takes writes. */
    private final class MasterLane extends Lane {
        private final Master connection = new Master(null, locator::open);

        MasterLane(Context context) {
            super(context);
        }

        @Override
        void route(List<Pending> batch) {
            write(connection, batch, false);
        }
    }

    /**
     * The lane of one event loop on a Redis Cluster: a connection to each master, opened on first use. A batch is
     * split by the master of each request's slot, and each master's share goes out in one write, behind what the lane
     * wrote to that master before (per master, in the order sent); each request is decided on its own reply, so that
     * an error reply fails only its request and a stalled master holds up only its own slots. A MOVED sends the
     * request to the master it names and has the slot table read again; an ASK sends it there behind ASKING, in one
     * write; at most {@link #MAX_REDIRECTS} times. When a request asks for replicas, WAIT follows its master's share,
     * on that master. Until the slot table or a master's connection is ready, the batches wait for it in order; after
     * the table changed, a moved slot's requests wait for its old master (see {@link #switchTo}).
     */
    private final class ClusterLane extends Lane {
        private final Map<String, Master> masters = new HashMap<>();
        /** Batches waiting, in order, for the slot table being read; null while none does. */
        private List<List<Pending>> awaitingTable;
        /** The table the lane routes with, and the one before it while masters still owe what it routed to them. */
        private SlotTable current;
        private SlotTable previous;
        private final Map<String, Drain> drains = new HashMap<>();
        private final List<Held> held = new ArrayList<>();

        ClusterLane(Context context) {
            super(context);
        }

        @Override
        void route(List<Pending> batch) {
            Future<SlotTable> table = cluster.table();
            if (awaitingTable == null && table.succeeded()) {
                route(table.result(), batch);
                return;
            }
            // The batches wait for the table: copies, as the list is the lane's (see flush).
            if (awaitingTable != null) {
                awaitingTable.add(new ArrayList<>(batch));
                return;
            }
            awaitingTable = new ArrayList<>(List.of(new ArrayList<>(batch)));
            table.onComplete(read -> onContext(context, () -> {
                List<List<Pending>> waiting = awaitingTable;
                awaitingTable = null;
                for (List<Pending> w : waiting) {
                    if (read.succeeded()) {
                        route(read.result(), w);
                    } else {
                        RedisFailure why = RedisFailure.of(read.cause());
                        w.forEach(p -> unsent(p, why));
                    }
                }
            }));
        }

        private void route(SlotTable slots, List<Pending> batch) {
            if (slots != current) {
                switchTo(slots);
            } else if (previous != null && drains.values().stream().noneMatch(Drain::owing)) {
                previous = null;
                drains.clear();
            }
            Map<String, List<Pending>> byMaster = new LinkedHashMap<>();
            for (Pending p : batch) {
                byte[] key = p.request.routingKey();
                if (key == null) {
                    byMaster.computeIfAbsent(slots.anyMaster(), m -> new ArrayList<>()).add(p);
                    continue;
                }
                int slot = HashSlot.of(key);
                String master = slots.masterOf(slot);
                String before = previous == null ? master : previous.masterOf(slot);
                if (!before.equals(master) && owing(before)) {
                    held.add(new Held(p, master, before));
                } else {
                    byMaster.computeIfAbsent(master, m -> new ArrayList<>()).add(p);
                }
            }
            byMaster.forEach((endpoint, share) -> write(endpoint, share, false));
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
                    NodePipeline pipeline = master.pipeline();
                    if (pipeline != null) {
                        drains.put(endpoint, new Drain(pipeline, pipeline.written()));
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
                } else {
                    // One whose deadline passed while it was held is not written (see write).
                    write(h.master, List.of(h.p), false);
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
        private record Held(Pending p, String master, String oldMaster) {
        }

        private void write(String endpoint, List<Pending> share, boolean asking) {
            write(masters.computeIfAbsent(endpoint, e -> new Master(e, () -> cluster.open(e))), share, asking);
        }

        /** Follows a redirection, else decides the request as any lane does. */
        @Override
        void replied(Pending p, Response reply) {
            if (!redirected(p, reply)) {
                super.replied(p, reply);
            }
            release();
        }

        @Override
        void failed(Pending p, RedisFailure why) {
            super.failed(p, why);
            release();
        }

        private boolean redirected(Pending p, Response reply) {
            if (reply == null || reply.type() != ResponseType.ERROR || p.redirects >= MAX_REDIRECTS) {
                return false;
            }
            String error = reply.toString();
            boolean moved = error.startsWith("MOVED ");
            if (!moved && !error.startsWith("ASK ")) {
                return false;
            }
            String[] fields = error.split(" ");
            if (fields.length != 3) {
                return false;
            }
            String endpoint = p.master.endpoint;
            String target = fields[2].startsWith(":")
                    ? endpoint.substring(0, endpoint.lastIndexOf(':')) + fields[2] : fields[2];
            if (moved) {
                cluster.stale();
            }
            p.redirects++;
            // The WAIT after its first write counts nothing of its execution on the new master.
            p.decidedBy = null;
            write(target, List.of(p), !moved);
            return true;
        }
    }

    /**
     * Settles one request with its own outcome: a reply (an error reply fails this request only; after a READONLY
     * one its connection is given up), or a failure without reply.
     *
     * @param acked replicas that acknowledged the request's writes (-1: not asked)
     */
    private void decide(Pending p, Response reply, RedisFailure failure, long acked) {
        if (failure != null) {
            settle(p, null, failure);
            return;
        }
        int wanted = p.acks.replicas();
        boolean error = reply != null && reply.type() == ResponseType.ERROR;
        if (wanted > 0 && wanted > acked && !error) {
            settle(p, null, new RedisFailure(RedisFailure.Kind.NOT_REPLICATED,
                    acked + " of " + wanted + " replicas (redis.min_replicas_acked) acknowledged a write "
                            + "within " + p.acks.timeout().toMillis() + " ms"));
        } else if (error) {
            RedisFailure refused = new RedisFailure(RedisFailure.Kind.ERROR_REPLY, reply.toString());
            if (refused.isReadOnly()) {
                // The server was demoted (a Sentinel failover): nothing written to it ran, this request included, and
                // what it still owes is owed by an unavailable master, not refused by Redis.
                RedisFailure demoted = new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                        "the Redis master was demoted: " + reply);
                giveUp(p, demoted);
                settle(p, null, demoted);
                return;
            }
            settle(p, null, refused);
        } else {
            settle(p, reply, null);
        }
    }

    /** Gives up the connection {@code p} was written to, if it was and that is still its lane's connection. */
    private static void giveUp(Pending p, RedisFailure why) {
        if (p.master != null) {
            p.master.drop(p.pipeline, why);
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

    /**
     * Gives a request its outcome, a reply or a failure, on the context it was sent from; the first outcome counts.
     * That context is another one of the lane's event loop, or the same: it runs on this thread, now.
     */
    private void settle(Pending p, Response reply, RedisFailure failure) {
        if (p.settled) {
            return;
        }
        p.settled = true;
        p.reply = reply;
        p.failure = failure;
        if (Vertx.currentContext() == p.context) {
            complete(p);
        } else {
            ((ContextInternal) p.context).dispatch(p, complete);
        }
    }

    /**
     * Completes {@code p}'s promise. Completed on its own context's thread, the promise runs its listeners at once, and
     * it has no context of its own, so Vert.x rethrows a listener's exception: that goes to the context's exception
     * handler here, and never up into the connection's reply reader, which hands the next replies on as usual.
     */
    private void complete(Pending p) {
        metrics.record(p.group, p.sentNanos, p.failure);
        try {
            if (p.failure == null) {
                p.promise.complete(p.reply);
            } else {
                p.promise.fail(p.failure);
            }
        } catch (Throwable e) {
            // Errors too (an assert under -ea): whatever a listener throws stays here.
            ((ContextInternal) p.context).reportException(e);
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

    /** Closes the pool and the lanes' connections (their requests fail). */
    @Override
    public Future<Void> close() {
        return Future.join(pooled.close(), client.close()).mapEmpty();
    }
}
