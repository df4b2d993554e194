package net.lorawanns.core.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide deduplication of gateway copies (ARCHITECTURE.md, uplink step 2). The set of a frame is keyed by
 * a hash of its PHYPayload and its frequency. The first copy anywhere wins the lock and its instance waits the
 * window, then closes the set and takes all copies; copies that come after the set closed are dropped and counted.
 * Copies that reach the instance owning the set stay in memory there: Redis carries only the lock and the copies
 * of other instances.
 */
public final class Deduplicator {
    private static final Logger LOG = LoggerFactory.getLogger(Deduplicator.class);
    /**
     * 0: this copy opened the set (its instance keeps the copy itself); 1: added to a set another instance opened;
     * 2: the set is closed (late copy).
     */
    private static final LuaScript ADD = new LuaScript("dedup_add", """
            if redis.call('SET', KEYS[1], 'open', 'NX', 'PX', ARGV[2]) then return 0 end
            if redis.call('GET', KEYS[1]) == 'closed' then return 2 end
            redis.call('RPUSH', KEYS[2], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            return 1
            """);
    /** Closes the set (remembering that for ARGV[1] ms, to recognise late copies) and returns its copies. */
    private static final LuaScript CLOSE = new LuaScript("dedup_close", """
            redis.call('SET', KEYS[1], 'closed', 'PX', ARGV[1])
            local copies = redis.call('LRANGE', KEYS[2], 0, -1)
            if #copies > 0 then redis.call('DEL', KEYS[2]) end
            return copies
            """);
    private static final long LATE_MEMORY_MS = 10_000;
    private static final long OPEN_GRACE_MS = 5_000;
    /** Where {@link #frameId} puts the digest, per thread: the id keeps only its hex form. */
    private static final ThreadLocal<byte[]> HASH = ThreadLocal.withInitial(() -> new byte[32]);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final long windowMillis;
    private final String instanceId;
    private final Counter opened;
    private final Counter joined;
    private final Counter late;
    private final Counter unclosed;
    private final ThrottledLog failures = new ThrottledLog(LOG, 10_000);

    public Deduplicator(Vertx vertx, Redis redis, RedisKeys keys, Duration window, String instanceId,
                        MeterRegistry registry) {
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.windowMillis = Math.max(1, window.toMillis());
        this.instanceId = instanceId;
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
     * join them here, without a Redis round trip. Once a set is removed from this map its copy list is final.
     */
    private final Map<String, OwnSet> ownSets = new ConcurrentHashMap<>();

    /** A set this instance is opening or has opened, with the copies it received itself. */
    private static final class OwnSet {
        final List<Copy> copies = Collections.synchronizedList(new ArrayList<>());
        final Promise<Optional<OwnedSet>> owned = Promise.promise();
    }

    /**
     * Adds one gateway's copy. Completes, as the window ends, with the set on the instance whose copy opened it, and
     * at once with empty for every other copy. Safe to call from any thread; the set's request to Redis goes out on
     * the thread of the first copy's caller, as its window ends.
     */
    public Future<Optional<OwnedSet>> add(UplinkFrame frame) {
        String id = frameId(frame);
        List<Copy> arriving = new ArrayList<>(frame.rxInfo().size());
        for (RxInfo rx : frame.rxInfo()) {
            arriving.add(new Copy(instanceId, rx));
        }
        OwnSet[] created = new OwnSet[1];
        ownSets.compute(id, (key, existing) -> {
            if (existing != null) {
                existing.copies.addAll(arriving);
                return existing;
            }
            created[0] = new OwnSet();
            created[0].copies.addAll(arriving);
            return created[0];
        });
        if (created[0] == null) {
            joined.increment();
            return Future.succeededFuture(Optional.empty());
        }
        OwnSet opening = created[0];
        long windowEnd = System.nanoTime() + windowMillis * 1_000_000;
        String[] setKeys = {keys.dedupLock(id), keys.dedupCopies(id)};
        return ADD.run(redis, setKeys, CopyCodec.encode(arriving.get(0)), windowMillis + OPEN_GRACE_MS)
                .compose(outcome -> {
                    if (outcome.toInteger() == 0) {
                        opened.increment();
                        // The window counts from the first copy's arrival, not from Redis's answer.
                        long left = Math.max(1, (windowEnd - System.nanoTime()) / 1_000_000);
                        vertx.setTimer(left, t -> close(id, setKeys, frame, opening, windowEnd));
                        return opening.owned.future();
                    }
                    // Another instance owns the set (or it closed): hand it what gathered here meanwhile.
                    ownSets.remove(id);
                    List<Copy> gathered = List.copyOf(opening.copies);
                    if (outcome.toInteger() == 2) {
                        late.increment(gathered.size());
                        return Future.succeededFuture(Optional.empty());
                    }
                    joined.increment(gathered.size());
                    return forward(setKeys, gathered.subList(1, gathered.size()))
                            .map(Optional.<OwnedSet>empty());
                }, error -> {
                    ownSets.remove(id);
                    return Future.failedFuture(error);
                });
    }

    private Future<Void> forward(String[] setKeys, List<Copy> copies) {
        Future<Void> done = Future.succeededFuture();
        for (Copy copy : copies) {
            byte[] encoded = CopyCodec.encode(copy);
            done = done.compose(v -> ADD.run(redis, setKeys, encoded, windowMillis + OPEN_GRACE_MS)).mapEmpty();
        }
        return done;
    }

    /**
     * Ends the window: the set's own copies are final once it has left {@link #ownSets}; the others' come with the
     * request that closes the set in Redis. Without that answer (Redis failed) the frame goes on with this instance's
     * copies. While the lock lives (the window and {@link #OPEN_GRACE_MS} more) no other instance takes the frame; a
     * lock that Redis lost (a failover to a replica that had not received it) may let another instance take it again:
     * the counter step then makes it a retransmission, delivered once, though a confirmed uplink may be answered twice.
     */
    private void close(String id, String[] setKeys, UplinkFrame frame, OwnSet own, long windowEnd) {
        ownSets.remove(id);
        DeduplicatedUplink local = new DeduplicatedUplink(frame, own.copies, windowEnd);
        Future<DeduplicatedUplink> whole = CLOSE.run(redis, setKeys, LATE_MEMORY_MS).map(response -> {
            if (response.size() == 0) {
                return local;
            }
            List<Copy> copies = new ArrayList<>(local.copies().size() + response.size());
            copies.addAll(local.copies());
            for (Response copy : response) {
                copies.add(CopyCodec.decode(copy.toBuffer()));
            }
            return new DeduplicatedUplink(frame, copies, windowEnd);
        }).recover(failure -> {
            unclosed.increment();
            failures.warn("close", "Deduplication set not closed in Redis; its frame goes on with this instance's "
                    + "copies", failure.toString());
            return Future.succeededFuture(local);
        });
        own.owned.complete(Optional.of(new OwnedSet(local, whole)));
    }

    /** Hash of the PHYPayload plus the frequency: one frame on two frequencies is two transmissions. */
    static String frameId(UplinkFrame frame) {
        MessageDigest digest = SHA256.get();
        digest.update(frame.phyPayload());
        byte[] hash = HASH.get();
        try {
            digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        // The first 16 bytes in hex, ':' and the frequency in Hz: at most 32 + 1 + 20 characters.
        StringBuilder id = new StringBuilder(53);
        HexFormat.of().formatHex(id, hash, 0, 16);
        return id.append(':').append(frame.frequencyHz()).toString();
    }
}
