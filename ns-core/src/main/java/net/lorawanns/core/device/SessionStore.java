package net.lorawanns.core.device;

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
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;

/**
 * Device sessions in Redis. One hash per device holds the active session ({@code a}, id {@code aid}), a pending
 * one from a join ({@code p}, {@code pid}), the last accepted uplink counter ({@code f}) and the next downlink
 * counters ({@code nd} NFCntDown, {@code ad} AFCntDown). A set per DevAddr lists the devices that may use it.
 * OTAA sessions expire after {@link #OTAA_SESSION_TTL} without uplinks; ABP sessions, given by the operator, do not.
 */
public final class SessionStore {
    public static final Duration OTAA_SESSION_TTL = Duration.ofDays(31);

    /**
     * The accept-and-advance step: reads the device record (KEYS[2]), promotes a pending session on its first
     * uplink, then compares the counter with the last accepted one and moves it forward, all at once, so that two
     * instances cannot both accept one FCnt and a change to the device (its relax option) applies from the next
     * frame. Returns {decision, last, device record} with 0 NEW, 1 RETRANSMISSION, 2 REPLAY, 3 RESET, 4 STALE;
     * {4, -1} without a record when the device is gone. OTAA sessions (the record has a join_eui) are kept for
     * ARGV[3] ms more.
     */
    private static final LuaScript ACCEPT = new LuaScript("""
            local raw = redis.call('GET', KEYS[2])
            if not raw then return {4, -1} end
            local device = cjson.decode(raw)
            local state = redis.call('HMGET', KEYS[1], 'pid', 'aid', 'f')
            if state[1] == ARGV[1] then
              local pending = redis.call('HGET', KEYS[1], 'p')
              redis.call('HSET', KEYS[1], 'a', pending, 'aid', ARGV[1], 'f', -1, 'nd', 0, 'ad', 0)
              redis.call('HDEL', KEYS[1], 'p', 'pid')
              state[2] = ARGV[1]
              state[3] = '-1'
            end
            if state[2] ~= ARGV[1] then return {4, -1, raw} end
            local last = tonumber(state[3])
            local fcnt = tonumber(ARGV[2])
            if device.join_eui then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
            if fcnt > last then
              redis.call('HSET', KEYS[1], 'f', ARGV[2])
              return {0, last, raw}
            elseif fcnt == last then
              return {1, last, raw}
            elseif device.relax_fcnt == true then
              redis.call('HSET', KEYS[1], 'f', ARGV[2])
              return {3, last, raw}
            end
            return {2, last, raw}
            """);
    private static final FCntDecision[] DECISIONS = {FCntDecision.NEW, FCntDecision.RETRANSMISSION,
            FCntDecision.REPLAY, FCntDecision.RESET, FCntDecision.STALE};
    /** A join's session waits as pending, beside the active one, until the device's first uplink. */
    private static final LuaScript SET_PENDING = new LuaScript("""
            redis.call('HSET', KEYS[1], 'p', ARGV[1], 'pid', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);
    private static final LuaScript SET_ACTIVE = new LuaScript("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'a', ARGV[1], 'aid', ARGV[2], 'f', ARGV[3], 'nd', ARGV[4], 'ad', ARGV[4])
            return 1
            """);

    /**
     * Adds a device to a DevAddr's index. The index lives as long as its longest-lived session: an ABP session
     * (ARGV[2] = 0) makes it persistent; an OTAA session only ever lengthens its expiry.
     */
    private static final LuaScript INDEX = new LuaScript("""
            redis.call('SADD', KEYS[1], ARGV[1])
            local ttl = tonumber(ARGV[2])
            local current = redis.call('PTTL', KEYS[1])
            if ttl == 0 then redis.call('PERSIST', KEYS[1])
            elseif current ~= -1 and current < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
            return 1
            """);

    private final Redis redis;
    private final RedisKeys keys;
    private final ReplicaAcks acks;

    public SessionStore(Redis redis, RedisKeys keys) {
        this(redis, keys, ReplicaAcks.NONE);
    }

    /** @param acks how many replicas must have a counter step before {@link #accept} reports it */
    public SessionStore(Redis redis, RedisKeys keys, ReplicaAcks acks) {
        this.redis = redis;
        this.keys = keys;
        this.acks = acks;
    }

    /** Stores a join's session as pending and indexes its DevAddr. */
    public Future<Void> setPending(Eui64 devEui, DeviceSession session) {
        long ttl = OTAA_SESSION_TTL.toMillis();
        return SET_PENDING.run(redis, new String[] {keys.session(devEui)}, session.toJson().encode(), session.id(), ttl)
                .compose(ignored -> index(devEui, session.devAddr(), ttl));
    }

    /**
     * Replaces the device's sessions by an active one given by the operator (ABP).
     *
     * @param lastFCntUp the last uplink counter the device used, -1 for a fresh device
     * @param nextFCntDown the downlink counter to use next
     */
    public Future<Void> setActive(Eui64 devEui, DeviceSession session, long lastFCntUp, long nextFCntDown) {
        return SET_ACTIVE.run(redis, new String[] {keys.session(devEui)}, session.toJson().encode(), session.id(),
                lastFCntUp, nextFCntDown).compose(ignored -> index(devEui, session.devAddr(), 0));
    }

    private Future<Void> index(Eui64 devEui, DevAddr devAddr, long ttlMillis) {
        return INDEX.run(redis, new String[] {keys.devAddr(devAddr)}, devEui.toString(), ttlMillis).mapEmpty();
    }

    /** The active and pending sessions that use {@code devAddr}. */
    public Future<List<SessionCandidate>> candidates(DevAddr devAddr) {
        String indexKey = keys.devAddr(devAddr);
        return redis.send(Request.cmd(Command.SMEMBERS).arg(indexKey)).compose(members -> {
            List<Future<List<SessionCandidate>>> lookups = new ArrayList<>(members.size());
            for (Response member : members) {
                Eui64 devEui = Eui64.parse(member.toString());
                lookups.add(sessionsOf(devEui).map(found -> {
                    List<SessionCandidate> matching = found.stream()
                            .filter(c -> c.session().devAddr().equals(devAddr)).toList();
                    if (matching.isEmpty()) {
                        // The device has moved on to another DevAddr (or was deleted): drop the stale entry.
                        redis.send(Request.cmd(Command.SREM).arg(indexKey).arg(devEui.toString()));
                    }
                    return matching;
                }));
            }
            return Future.all(lookups).map(all -> {
                List<SessionCandidate> candidates = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    candidates.addAll(all.resultAt(i));
                }
                return candidates;
            });
        });
    }

    /** The device's sessions, active first. */
    public Future<List<SessionCandidate>> sessionsOf(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.session(devEui))).map(hash -> {
            List<SessionCandidate> found = new ArrayList<>(2);
            if (hash == null || hash.size() == 0) {
                return found;
            }
            if (hash.containsKey("a")) {
                found.add(new SessionCandidate(devEui, parse(hash.get("a")), false, hash.get("f").toLong()));
            }
            if (hash.containsKey("p")) {
                found.add(new SessionCandidate(devEui, parse(hash.get("p")), true, -1));
            }
            return found;
        });
    }

    /**
     * Checks a verified uplink's 32-bit counter against the last accepted one and advances it, atomically, reading
     * the device record in the same step: its relax option decides whether a lower counter is a reset.
     */
    public Future<CounterStep> accept(Eui64 devEui, String sessionId, long fCnt) {
        return acks.send(redis, ACCEPT.request(new String[] {keys.session(devEui), keys.device(devEui)}, sessionId,
                fCnt, OTAA_SESSION_TTL.toMillis())).map(result -> new CounterStep(DECISIONS[result.get(0).toInteger()],
                        result.size() > 2 ? Optional.of(Device.fromJson(new JsonObject(result.get(2).toBuffer())))
                                : Optional.empty()));
    }

    /**
     * Takes the next downlink counter: AFCntDown for application frames of LoRaWAN 1.1 sessions, else NFCntDown
     * (which is the single FCntDown of LoRaWAN 1.0).
     */
    public Future<Long> nextFCntDown(Eui64 devEui, boolean applicationCounter) {
        return redis.send(Request.cmd(Command.HINCRBY).arg(keys.session(devEui)).arg(applicationCounter ? "ad" : "nd")
                .arg(1)).map(response -> response.toLong() - 1);
    }

    private static DeviceSession parse(Response blob) {
        return DeviceSession.fromJson(new JsonObject(blob.toBuffer()));
    }
}
