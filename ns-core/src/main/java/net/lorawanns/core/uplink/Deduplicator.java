package net.lorawanns.core.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;

/**
 * Cluster-wide deduplication of gateway copies (ARCHITECTURE.md, uplink step 2). The set of a frame is keyed by
 * a hash of its PHYPayload and its frequency. The first copy anywhere wins the lock and its instance waits the
 * window, then closes the set and takes all copies; copies that come after the set closed are dropped and counted.
 */
public final class Deduplicator {
    /** 0: this copy opened the set; 1: added to an open set; 2: the set is closed (late copy). */
    private static final LuaScript ADD = new LuaScript("""
            local state = redis.call('GET', KEYS[1])
            if state == 'closed' then return 2 end
            redis.call('RPUSH', KEYS[2], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            if state then return 1 end
            redis.call('SET', KEYS[1], 'open', 'PX', ARGV[2])
            return 0
            """);
    /** Closes the set (remembering that for ARGV[1] ms, to recognise late copies) and returns its copies. */
    private static final LuaScript CLOSE = new LuaScript("""
            redis.call('SET', KEYS[1], 'closed', 'PX', ARGV[1])
            local copies = redis.call('LRANGE', KEYS[2], 0, -1)
            redis.call('DEL', KEYS[2])
            return copies
            """);
    private static final long LATE_MEMORY_MS = 10_000;
    private static final long OPEN_GRACE_MS = 5_000;
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
    }

    /**
     * Adds one gateway's copy. Completes, after the window, with the whole set on the instance whose copy opened
     * it, and at once with empty for every other copy.
     */
    public Future<Optional<DeduplicatedUplink>> add(UplinkFrame frame) {
        String id = frameId(frame);
        long windowEnd = System.nanoTime() + windowMillis * 1_000_000;
        String[] setKeys = {keys.dedupLock(id), keys.dedupCopies(id)};
        List<byte[]> encoded = new ArrayList<>(frame.rxInfo().size());
        for (RxInfo rx : frame.rxInfo()) {
            encoded.add(CopyCodec.encode(new Copy(instanceId, rx)));
        }
        Future<Response> added = ADD.run(redis, setKeys, encoded.get(0), windowMillis + OPEN_GRACE_MS);
        for (int i = 1; i < encoded.size(); i++) {
            // Further antennas of one gateway: the first RPUSH decided who opened the set.
            byte[] antenna = encoded.get(i);
            added = added.compose(first -> ADD.run(redis, setKeys, antenna, windowMillis + OPEN_GRACE_MS)
                    .map(ignored -> first));
        }
        return added.compose(outcome -> {
            switch (outcome.toInteger()) {
                case 0 -> {
                    opened.increment();
                    Promise<Optional<DeduplicatedUplink>> whole = Promise.promise();
                    vertx.setTimer(windowMillis, t -> close(setKeys, frame, windowEnd).onComplete(whole));
                    return whole.future();
                }
                case 1 -> joined.increment();
                default -> late.increment();
            }
            return Future.succeededFuture(Optional.empty());
        });
    }

    private Future<Optional<DeduplicatedUplink>> close(String[] setKeys, UplinkFrame frame, long windowEnd) {
        return CLOSE.run(redis, setKeys, LATE_MEMORY_MS).map(response -> {
            List<Copy> copies = new ArrayList<>(response.size());
            for (Response copy : response) {
                copies.add(CopyCodec.decode(copy.toBuffer()));
            }
            return Optional.of(new DeduplicatedUplink(frame, copies, windowEnd));
        });
    }

    /** Hash of the PHYPayload plus the frequency: one frame on two frequencies is two transmissions. */
    static String frameId(UplinkFrame frame) {
        MessageDigest digest = SHA256.get();
        byte[] hash = digest.digest(frame.phyPayload());
        return HexFormat.of().formatHex(hash, 0, 16) + ":" + frame.frequencyHz();
    }
}
