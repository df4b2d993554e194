package net.lorawanns.core.queue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Each device's application downlink queue, in Redis so that any instance can send it: a list of
 * {@link QueuedDownlink} JSON, oldest first, under the device's hash tag. Items leave the queue only by an atomic
 * step that checks which item is at its head, so that two instances never send one item twice. The queue expires
 * {@code ttl} after its last enqueue.
 */
public final class DownlinkQueue {
    /**
     * KEYS[1] the queue; ARGV[1] the item, ARGV[2] the limit, ARGV[3] the TTL in ms, ARGV[4] the channel that wakes
     * the instances' Class B and C senders, ARGV[5] the DevEUI. Returns the length, -1 when full.
     */
    private static final LuaScript ENQUEUE = new LuaScript("queue_enqueue", """
            if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
            local length = redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PUBLISH', ARGV[4], ARGV[5])
            return length""");
    /** KEYS[1] the queue. Removes and returns every item. */
    private static final LuaScript FLUSH = new LuaScript("queue_flush", """
            local items = redis.call('LRANGE', KEYS[1], 0, -1)
            redis.call('DEL', KEYS[1])
            return items""");
    /**
     * KEYS[1] the queue, KEYS[2] the session hash; ARGV[1] the id of the item that went out (or was dropped), ARGV[2]
     * the pending ACK to keep ('' for none), ARGV[3] its FCnt and ARGV[4] when it goes on air, in ms. Removes
     * the item if it still heads the queue, and records the pending ACK if the session still exists. Returns the queue's remaining length, or -1 when the item
     * no longer headed it (another instance took it, or the queue was flushed).
     */
    private static final LuaScript TAKE = new LuaScript("queue_take", """
            local head = redis.call('LINDEX', KEYS[1], 0)
            if not head or cjson.decode(head).id ~= ARGV[1] then return -1 end
            redis.call('LPOP', KEYS[1])
            if ARGV[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then
              redis.call('HSET', KEYS[2], 'cd', ARGV[2], 'cf', ARGV[3], 'cdt', ARGV[4])
            end
            return redis.call('LLEN', KEYS[1])""");
    /** KEYS[1] the queue; ARGV[1] the item, ARGV[2] the TTL in ms: back to the head, for another attempt. */
    private static final LuaScript REQUEUE = new LuaScript("queue_requeue", """
            redis.call('LPUSH', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1""");
    /**
     * KEYS[1] the session hash; ARGV[1] an item id. Takes the pending ACK if it is that item's (its deadline passed
     * without an uplink taking it first); returns it, or nil.
     */
    private static final LuaScript TAKE_PENDING = new LuaScript("queue_take_pending", """
            local pending = redis.call('HGET', KEYS[1], 'cd')
            if not pending or cjson.decode(pending).item.id ~= ARGV[1] then return false end
            redis.call('HDEL', KEYS[1], 'cd', 'cdt')
            return pending""");

    /**
     * KEYS[1] the downlink path, KEYS[2] the session hash; ARGV[1] the hold in ms, ARGV[2] now in ms. Refused while
     * the receive windows of the device's last uplink are open (the counter step records when it came, {@code lu},
     * and for how long, {@code lw}) or another sender holds the path. Returns 0 when reserved, else the ms left.
     */
    private static final LuaScript RESERVE = new LuaScript("queue_reserve_path", """
            local windows = redis.call('HMGET', KEYS[2], 'lu', 'lw')
            if windows[1] and windows[2] then
              local left = tonumber(windows[1]) + tonumber(windows[2]) - tonumber(ARGV[2])
              if left > 0 then return left end
            end
            if redis.call('SET', KEYS[1], 'BC', 'NX', 'PX', ARGV[1]) then return 0 end
            return math.max(1, redis.call('PTTL', KEYS[1]))""");
    /** KEYS[1] the downlink path; ARGV[1] ms. A Class B/C reservation ('BC') is held that much longer only. */
    private static final LuaScript HOLD_FOR = new LuaScript("queue_hold_path", """
            if redis.call('GET', KEYS[1]) ~= 'BC' then return 0 end
            return redis.call('PEXPIRE', KEYS[1], ARGV[1])""");

    private final Redis redis;
    private final RedisKeys keys;
    private final int maxItems;
    private final Duration ttl;

    /**
     * @param maxItems the most items one device's queue holds
     * @param ttl how long a queue lives after its last enqueue (or requeue)
     */
    public DownlinkQueue(Redis redis, RedisKeys keys, int maxItems, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.maxItems = maxItems;
        this.ttl = ttl;
    }

    /**
     * Appends an item and announces it on {@link RedisKeys#downlinkWake()}; fails with {@link QueueFullException}
     * when the queue is full. Returns the queue's length.
     */
    public Future<Integer> enqueue(Eui64 devEui, QueuedDownlink item) {
        return ENQUEUE.run(redis, new String[] {keys.downlinkQueue(devEui)}, item.toJson().encode(), maxItems,
                ttl.toMillis(), keys.downlinkWake(), devEui).compose(length -> length.toInteger() < 0
                        ? Future.failedFuture(new QueueFullException(maxItems))
                        : Future.succeededFuture(length.toInteger()));
    }

    /** The queue, oldest first. */
    public Future<List<QueuedDownlink>> list(Eui64 devEui) {
        return redis.send(Request.cmd(Command.LRANGE).arg(keys.downlinkQueue(devEui)).arg(0).arg(-1))
                .map(DownlinkQueue::items);
    }

    /** Empties the queue; returns what it held. */
    public Future<List<QueuedDownlink>> flush(Eui64 devEui) {
        return FLUSH.run(redis, new String[] {keys.downlinkQueue(devEui)}).map(DownlinkQueue::items);
    }

    /**
     * Deletes the device's queue, without events, and the hold on its downlink path: the device itself is being
     * deleted. Both keys share the device's hash tag, so one DEL removes them on a Redis Cluster too.
     */
    public Future<Void> delete(Eui64 devEui) {
        return redis.send(Request.cmd(Command.DEL).arg(keys.downlinkQueue(devEui)).arg(keys.downlinkPath(devEui)))
                .mapEmpty();
    }

    /** The oldest item, the next to go out. */
    public Future<Optional<QueuedDownlink>> head(Eui64 devEui) {
        return redis.send(Request.cmd(Command.LINDEX).arg(keys.downlinkQueue(devEui)).arg(0))
                .map(head -> head == null ? Optional.empty()
                        : Optional.of(QueuedDownlink.fromJson(new JsonObject(head.toBuffer()))));
    }

    /**
     * Removes {@code id} from the head of the queue once it went out, keeping {@code pending} for its ACK when it was
     * confirmed; or once it was dropped. Returns the items left, or empty when the item no longer headed the queue.
     */
    public Future<Optional<Integer>> take(Eui64 devEui, DownlinkId id, Optional<PendingAck> pending) {
        return TAKE.run(redis, new String[] {keys.downlinkQueue(devEui), keys.session(devEui)}, id.toString(),
                pending.map(p -> p.toJson().encode()).orElse(""), pending.map(PendingAck::fCnt).orElse(0L),
                pending.map(p -> p.onAirAt().toEpochMilli()).orElse(0L))
                .map(left -> left.toInteger() < 0 ? Optional.empty() : Optional.of(left.toInteger()));
    }

    /** Puts an unacknowledged confirmed item back at the head of the queue, for its next attempt. */
    public Future<Void> requeue(Eui64 devEui, QueuedDownlink item) {
        return REQUEUE.run(redis, new String[] {keys.downlinkQueue(devEui)}, item.toJson().encode(), ttl.toMillis())
                .mapEmpty();
    }

    /** Takes the pending ACK of item {@code id} whose deadline passed, unless an uplink took it first. */
    public Future<Optional<PendingAck>> takeExpiredAck(Eui64 devEui, DownlinkId id) {
        return TAKE_PENDING.run(redis, new String[] {keys.session(devEui)}, id.toString())
                .map(pending -> pending == null ? Optional.empty()
                        : Optional.of(PendingAck.fromJson(new JsonObject(pending.toBuffer()))));
    }

    /** The confirmed downlink that went out and waits for the device's ACK, if any. */
    public Future<Optional<PendingAck>> pendingAck(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.session(devEui)).arg("cd"))
                .map(pending -> pending == null ? Optional.empty()
                        : Optional.of(PendingAck.fromJson(new JsonObject(pending.toBuffer()))));
    }

    /**
     * Reserves the device's downlink path for {@code hold} (Class B and C). Refused while a Class A window of the
     * device is pending (the counter step records each uplink and the span of its receive windows) or another
     * instance is sending to it: then the time the path stays held.
     *
     * @return {@link Duration#ZERO} when reserved, else how long the path is held still
     */
    public Future<Duration> reserve(Eui64 devEui, Duration hold) {
        return RESERVE.run(redis, new String[] {keys.downlinkPath(devEui), keys.session(devEui)}, hold.toMillis(),
                System.currentTimeMillis()).map(held -> Duration.ofMillis(Math.max(0, held.toLong())));
    }

    /** Shortens the Class B or C reservation to {@code rest}: the frame went out and is on air that long still. */
    public Future<Void> holdFor(Eui64 devEui, Duration rest) {
        return HOLD_FOR.run(redis, new String[] {keys.downlinkPath(devEui)}, Math.max(1, rest.toMillis())).mapEmpty();
    }

    private static List<QueuedDownlink> items(Response list) {
        List<QueuedDownlink> items = new ArrayList<>(list == null ? 0 : list.size());
        if (list != null) {
            for (Response item : list) {
                items.add(QueuedDownlink.fromJson(new JsonObject(item.toBuffer())));
            }
        }
        return items;
    }
}
