package net.lorawanns.core.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.BatchingRedis;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.ReplicaAcks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide deduplication of gateway copies (ARCHITECTURE.md, uplink step 2). The set of a frame is keyed by
 * a hash of its PHYPayload and its frequency. The first copy anywhere wins the lock and its instance waits the
 * window, then closes the set and takes all copies; copies that come after the set closed are dropped and counted.
 * Copies that reach the instance owning the set stay in memory there: Redis carries only the lock, one string, with
 * the copies of other instances appended to it.
 *
 * <p>An instance that is behind takes on no new frame: a copy that would open a set is refused ({@link Overloaded})
 * when it waited longer than {@code max_queue_delay} for the caller's event loop, or when the oldest Redis request of
 * that event loop has waited longer than that for its answer; copies that join a set already open here are taken.
 * Past what the machine or Redis holds, the frames taken on are so decided in time, rather than every frame late (past
 * its receive windows or the Redis request timeout, dropped after costing Redis as much as a decided one), and the
 * backlog drains by refusals, which cost Redis nothing.
 */
public final class Deduplicator {
    private static final Logger LOG = LoggerFactory.getLogger(Deduplicator.class);
    /**
     * 0: this copy opened the set (its instance keeps the copy itself); 1: added to a set another instance opened
     * (ARGV[1], a {@link #framed} copy, appended to the lock, which keeps its TTL); 2: the set is closed (late copy).
     * Sent only when {@link #lock}'s SET NX found the lock taken: its first step then finds it too, unless the lock
     * expired meanwhile.
     */
    private static final LuaScript ADD = new LuaScript("dedup_add", """
            if redis.call('SET', KEYS[1], 'open', 'NX', 'PX', ARGV[2]) then return 0 end
            if redis.call('GET', KEYS[1]) == 'closed' then return 2 end
            redis.call('APPEND', KEYS[1], ARGV[1])
            return 1
            """);
    /**
     * The native commands' words, written once as the bytes Redis reads: an array of bytes goes out as it is, where a
     * string or a number is encoded anew for every request. Shared and never changed.
     */
    private static final byte[] OPEN = ascii("open");
    private static final byte[] CLOSED = ascii("closed");
    private static final byte[] NX = ascii("NX");
    private static final byte[] PX = ascii("PX");
    private static final byte[] GET = ascii("GET");
    /** How long a closed set is remembered, to recognise late copies: ms, as decimal digits. */
    private static final byte[] CLOSED_MILLIS = ascii("10000");
    private static final long OPEN_GRACE_MS = 5_000;
    /** What every copy but a set's first gets: one future for all, as it holds nothing of the copy. */
    private static final Future<Optional<OwnedSet>> NOT_OWNED = Future.succeededFuture(Optional.empty());
    /** {@link #ADD}'s outcome when SET NX took the lock. */
    private static final Future<Integer> OPENED_HERE = Future.succeededFuture(0);

    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final long windowMillis;
    private final long maxQueueDelayNanos;
    /** The two refusals ({@link #refusal}), made once: each serves every copy refused for its reason. */
    private final Future<Optional<OwnedSet>> queueDelayed;
    private final Future<Optional<OwnedSet>> redisBehind;
    /**
     * How long a set's lock lives, in ms: the window and {@link #OPEN_GRACE_MS}; as decimal digits, like
     * {@link #CLOSED_MILLIS}.
     */
    private final byte[] lockMillis;
    private final String instanceId;
    /** {@link #instanceId} as {@link CopyCodec} writes it. */
    private final byte[] instanceBytes;
    private final Counter opened;
    private final Counter joined;
    private final Counter late;
    private final Counter unclosed;
    private final ThrottledLog failures = new ThrottledLog(LOG, 10_000);
    /** The key of this deduplicator's {@link WindowEnds} in the data of each event-loop context it closes sets on. */
    private final Object windowEndsKey = new Object();

    /**
     * @param maxQueueDelay how far behind the instance may fall before it refuses new frames
     */
    public Deduplicator(Vertx vertx, Redis redis, RedisKeys keys, Duration window, Duration maxQueueDelay,
                        String instanceId, MeterRegistry registry) {
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.windowMillis = Math.max(1, window.toMillis());
        this.maxQueueDelayNanos = maxQueueDelay.toNanos();
        String bound = " longer than " + maxQueueDelay.toMillis() + " ms (network.max_queue_delay)";
        this.queueDelayed = Future.failedFuture(new Overloaded(Overloaded.Reason.QUEUE_DELAY,
                "its first copy waited for the pipeline" + bound));
        this.redisBehind = Future.failedFuture(new Overloaded(Overloaded.Reason.REDIS_BACKLOG,
                "a Redis request of the pipeline has waited for its answer" + bound));
        this.lockMillis = decimal(windowMillis + OPEN_GRACE_MS);
        this.instanceId = instanceId;
        this.instanceBytes = instanceId.getBytes(StandardCharsets.UTF_8);
        String name = "lorawan.uplink.copies";
        String help = "Gateway copies of uplinks by deduplication outcome";
        this.opened = Counter.builder(name).description(help).tag("outcome", "first").register(registry);
        this.joined = Counter.builder(name).description(help).tag("outcome", "duplicate").register(registry);
        this.late = Counter.builder(name).description(help).tag("outcome", "late").register(registry);
        this.unclosed = Counter.builder("lorawan.uplink.dedup.unclosed")
                .description("Deduplication sets whose closing request to Redis failed (their frames go on with this "
                        + "instance's copies, unless they stop for another reason)")
                .register(registry);
    }

    /**
     * The sets this instance opened (or is opening) and still has open: further copies that reach this instance
     * join them here, without a Redis round trip. A set is removed from this map before it is closed.
     */
    private final Map<FrameId, OwnSet> ownSets = new ConcurrentHashMap<>();

    /** What became of a copy that reached one of {@link #ownSets}. */
    private enum Joined {
        /** The set's first copy: it opens the set in Redis. */
        OPENED,
        /** Added to the set. */
        JOINED,
        /** The set closed between its look-up and the copy's joining. */
        TOO_LATE
    }

    /** A set this instance is opening or has opened, with the copies it received itself. */
    private static final class OwnSet {
        /** Guarded by this set's monitor; final once {@link #closed}. */
        private final List<Copy> copies = new ArrayList<>(4);
        private boolean closed;
        final Promise<Optional<OwnedSet>> owned = Promise.promise();

        /** Adds a copy's receptions, unless the set is closed. */
        synchronized Joined join(String instanceId, UplinkFrame frame) {
            if (closed) {
                return Joined.TOO_LATE;
            }
            Joined joined = copies.isEmpty() ? Joined.OPENED : Joined.JOINED;
            for (int i = 0; i < frame.rxInfoCount(); i++) {
                copies.add(new Copy(instanceId, frame.rxInfo(i)));
            }
            return joined;
        }

        /** Closes the set (no copy joins it from now on) and returns its copies. */
        synchronized List<Copy> close() {
            closed = true;
            return List.copyOf(copies);
        }
    }

    /**
     * Adds one gateway's copy. Completes, as the window ends, with the set on the instance whose copy opened it, and
     * at once with empty for every other copy; fails at once with {@link Overloaded} when the copy would open a set
     * while the instance is behind. Safe to call from any thread; the set's request to Redis goes out on the thread of
     * the first copy's caller, as its window ends.
     */
    public Future<Optional<OwnedSet>> add(UplinkFrame frame) {
        FrameId id = FrameId.of(frame);
        while (true) {
            OwnSet set = ownSets.get(id);
            if (set == null) {
                // Not computeIfAbsent: that makes a reservation node for every set besides the set's own node.
                OwnSet fresh = new OwnSet();
                OwnSet raced = ownSets.putIfAbsent(id, fresh);
                set = raced == null ? fresh : raced;
            }
            switch (set.join(instanceId, frame)) {
                case OPENED -> {
                    Future<Optional<OwnedSet>> refused = refusal(frame);
                    if (refused != null) {
                        ownSets.remove(id, set);
                        set.close();
                        return refused;
                    }
                    return open(id, frame, set);
                }
                case JOINED -> {
                    joined.increment();
                    return NOT_OWNED;
                }
                // Its window ended meanwhile: the copy opens a set anew, which Redis then finds closed (late).
                case TOO_LATE -> { }
            }
        }
    }

    /** Why a new frame is not taken on now ({@link Overloaded}, as a failed future); null when it is. */
    private Future<Optional<OwnedSet>> refusal(UplinkFrame first) {
        long now = System.nanoTime();
        if (now - first.receivedNanos() > maxQueueDelayNanos) {
            return queueDelayed;
        }
        if (redis instanceof BatchingRedis batching && batching.backlogNanos(now) > maxQueueDelayNanos) {
            return redisBehind;
        }
        return null;
    }

    /** Takes the set's lock in Redis, or hands the copies over to the instance that holds it. */
    private Future<Optional<OwnedSet>> open(FrameId id, UplinkFrame frame, OwnSet opening) {
        // From the copy's arrival at the gateway bridge, not from now: the time it waited for this event loop counts.
        long windowEnd = frame.receivedNanos() + windowMillis * 1_000_000;
        byte[] lock = keys.dedupLock(id);
        return lock(lock, frame)
                .compose(outcome -> {
                    if (outcome == 0) {
                        opened.increment();
                        // The window counts from the first copy's arrival, not from Redis's answer: when that came
                        // after the window, the set closes now, without a timer.
                        long leftNanos = windowEnd - System.nanoTime();
                        if (leftNanos > 0) {
                            closeAt(windowEnd, () -> close(id, lock, frame, opening, windowEnd));
                        } else {
                            close(id, lock, frame, opening, windowEnd);
                        }
                        return opening.owned.future();
                    }
                    // Another instance owns the set (or it closed): hand it what gathered here meanwhile.
                    ownSets.remove(id, opening);
                    List<Copy> gathered = opening.close();
                    if (outcome == 2) {
                        late.increment(gathered.size());
                        return NOT_OWNED;
                    }
                    joined.increment(gathered.size());
                    return forward(lock, gathered.subList(1, gathered.size())).map(Optional.<OwnedSet>empty());
                }, error -> {
                    ownSets.remove(id, opening);
                    opening.close();
                    return Future.failedFuture(error);
                });
    }

    /**
     * Runs {@code close} once {@code windowEnd} has passed, on the current context: on an event loop, with the other
     * windows of that context ({@link WindowEnds}, kept in the context's data); elsewhere (a worker's context, or
     * none), on a timer of its own.
     */
    private void closeAt(long windowEnd, Runnable close) {
        if (!(Vertx.currentContext() instanceof ContextInternal current) || !current.isEventLoopContext()
                || !current.nettyEventLoop().inEventLoop()) {
            long leftMillis = (windowEnd - System.nanoTime() + 999_999) / 1_000_000;
            vertx.setTimer(Math.max(1, leftMillis), t -> close.run());
            return;
        }
        // A duplicated context shares its root's data: the windows close on the root.
        ContextInternal context = current.unwrap();
        WindowEnds ends = context.get(windowEndsKey);
        if (ends == null) {
            ends = new WindowEnds(context);
            context.put(windowEndsKey, ends);
        }
        ends.add(windowEnd, close);
    }

    /**
     * {@link #ADD}'s outcome for the set's first copy here. Its first step, SET NX, goes alone: on a frame no other
     * instance heard (the usual case) a command costs Redis less than half a script ({@code redis-benchmark -P 64} on
     * Redis 6.2.6: 428,000 SET NX a second, 208,000 {@code dedup_add}). Only a lock already taken needs the script,
     * which decides atomically whether the set is still open. A copy that reached another instance first so takes two
     * round trips to Redis in a row rather than one: on a Redis slower than the window, more such copies are late.
     */
    private Future<Integer> lock(byte[] lock, UplinkFrame frame) {
        Request take = Request.cmd(Command.SET).arg(lock).arg(OPEN).arg(NX).arg(PX).arg(lockMillis);
        return BatchingRedis.send(redis, take, "dedup_open").compose(reply -> reply != null ? OPENED_HERE
                : ADD.run(redis, ReplicaAcks.NONE, new byte[][] {lock},
                        framed(CopyCodec.encode(instanceBytes, frame.rxInfo(0))), lockMillis).map(Response::toInteger));
    }

    private Future<Void> forward(byte[] lock, List<Copy> copies) {
        Future<Void> done = Future.succeededFuture();
        for (Copy copy : copies) {
            byte[] encoded = framed(CopyCodec.encode(copy));
            done = done.compose(v -> ADD.run(redis, ReplicaAcks.NONE, new byte[][] {lock}, encoded, lockMillis))
                    .mapEmpty();
        }
        return done;
    }

    /** A copy as {@link #ADD} appends it to the lock: its length in two bytes, big-endian, then the copy. */
    private static byte[] framed(byte[] copy) {
        byte[] framed = new byte[2 + copy.length];
        framed[0] = (byte) (copy.length >>> 8);
        framed[1] = (byte) copy.length;
        System.arraycopy(copy, 0, framed, 2, copy.length);
        return framed;
    }

    /**
     * Ends the window: the set's own copies are final once it has left {@link #ownSets}; the others' come with the
     * request that closes the set in Redis. Without its answer (Redis failed) the frame goes on with this instance's
     * copies. While the lock lives (the window and {@link #OPEN_GRACE_MS} more) no other instance takes the frame; a
     * lock that Redis lost (a failover to a replica that had not received it) may let another instance take it again:
     * the counter step then makes it a retransmission, delivered once, though a confirmed uplink may be answered twice.
     */
    private void close(FrameId id, byte[] lock, UplinkFrame frame, OwnSet own, long windowEnd) {
        ownSets.remove(id, own);
        DeduplicatedUplink local = new DeduplicatedUplink(frame, own.close(), windowEnd);
        Future<DeduplicatedUplink> whole = closeInRedis(lock)
                .transform(closed -> Future.succeededFuture(whole(closed, local)));
        own.owned.complete(Optional.of(new OwnedSet(local, whole)));
    }

    /**
     * Marks the set closed and takes what it held, in one command (SET with GET, Redis 6.2): "open" and the copies
     * other instances appended; nil once the lock expired. From then on {@link #ADD} finds it closed and adds nothing,
     * so what it takes is final. It replaced a SET and an LPOP of a list of copies, one request fewer per frame
     * (BENCHMARKS.md, session 30: {@code INFO commandstats} under load, a SET 3.3 us, an LPOP 1.6 us).
     */
    private Future<Response> closeInRedis(byte[] lock) {
        Request close = Request.cmd(Command.SET).arg(lock).arg(CLOSED).arg(PX).arg(CLOSED_MILLIS).arg(GET);
        return BatchingRedis.send(redis, close, "dedup_close");
    }

    /** The set with the copies other instances handed over, from the closing request's answer; without it, local. */
    private DeduplicatedUplink whole(AsyncResult<Response> closed, DeduplicatedUplink local) {
        Throwable failure;
        try {
            if (closed.succeeded()) {
                Response response = closed.result();
                if (response == null) {
                    return local;
                }
                Buffer held = response.toBuffer();
                // Only "open" heads a value with copies; "closed" would be a set closed twice.
                if (held.length() <= OPEN.length || !held.getBuffer(0, OPEN.length).equals(Buffer.buffer(OPEN))) {
                    return local;
                }
                List<Copy> copies = new ArrayList<>(local.copies());
                for (int at = OPEN.length; at < held.length(); ) {
                    int length = held.getUnsignedShort(at);
                    copies.add(CopyCodec.decode(held.slice(at + 2, at + 2 + length)));
                    at += 2 + length;
                }
                return new DeduplicatedUplink(local.first(), copies, local.windowEndNanos());
            }
            failure = closed.cause();
        } catch (RuntimeException e) {
            failure = e;
        }
        unclosed.increment();
        failures.warn("close", "Deduplication set not closed in Redis; its frame goes on with this instance's copies",
                failure.toString());
        return local;
    }

    private static byte[] decimal(long value) {
        return ascii(Long.toString(value));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The set's id as it appears in its Redis keys: see {@link FrameId}. */
    static String frameId(UplinkFrame frame) {
        return FrameId.of(frame).text();
    }
}
