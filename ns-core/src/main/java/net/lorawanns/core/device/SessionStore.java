package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedHashFields;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import org.slf4j.LoggerFactory;

/**
 * Device sessions in Redis. One hash per device holds the active session ({@code a}, id {@code aid}), a pending
 * one from a join or rejoin ({@code p}, {@code pid}), the last accepted uplink counter ({@code f}), the next downlink
 * counters ({@code nd} NFCntDown, {@code ad} AFCntDown), the last RJcount0 of the active session's rejoin-requests
 * ({@code r0}), the rejoin type of a ForceRejoinReq to send ({@code fr}), the session's MAC state ({@code m}), the
 * gateways that heard its last uplink ({@code gw}), and the confirmed downlink waiting for an ACK ({@code cd}) with
 * the FCnt of the last one sent ({@code cf}). An index per DevAddr lists the devices
 * that may use it. OTAA sessions expire after {@link #OTAA_SESSION_TTL} without uplinks; ABP sessions, given by the
 * operator, do not (they are configuration-grade data), and neither does an index while it holds an ABP device.
 */
public final class SessionStore {
    public static final Duration OTAA_SESSION_TTL = Duration.ofDays(31);
    private static final byte[] OTAA_SESSION_TTL_MS = Long.toString(OTAA_SESSION_TTL.toMillis())
            .getBytes(StandardCharsets.US_ASCII);
    private static final ThrottledLog UNREADABLE = new ThrottledLog(LoggerFactory.getLogger(SessionStore.class),
            10_000);

    /**
     * The accept-and-advance step: reads the device record (KEYS[2]), promotes a pending session on its first
     * uplink, then compares the counter with the last accepted one and moves it forward, all at once, so that two
     * instances cannot both accept one FCnt and a change to the device (its relax option) applies from the next
     * frame. Returns one string, read by {@link CounterStepReply}: a line "decision ForceRejoinReq-type queue-length
     * path-busy NFCntDown, and the lengths of the pending session id, the pending ACK and the MAC state", then those
     * three and the device record, with decision 0 NEW, 1 RETRANSMISSION, 2 REPLAY, 3 RESET, 4 STALE; the line alone
     * when the device is gone, and a record with nothing else when the session is no longer active; a record that is
     * not a JSON object is refused before anything is written. One string, not an array:
     * Redis 6 writes each array a script returns with a write(2) of its own, a system call per frame. OTAA sessions
     * (the record has a join_eui) are kept for ARGV[3] ms more. The record's join_eui and relax_fcnt are found by
     * their text, not by decoding it (about a sixth of the step's time in Redis): {@link Device} writes it as compact
     * JSON with its own fixed keys, and a quotation mark inside a JSON string is escaped (RFC 8259 section 7), so
     * {@code "join_eui":} can only be that key. A NEW frame also takes the rejoin type of a ForceRejoinReq the operator
     * asked for ({@code fr}; -1 for none), which goes out with the answer to this frame. The session's MAC state
     * ({@code m}, '' before the first) comes with the decision, and a pending session that becomes active starts
     * without one (nor its span of receive windows, {@code rw}), without a confirmed downlink waiting for its ACK
     * ({@code cd}, on air from {@code cdt} ms) and without its ConfFCnt ({@code cf}). A NEW frame (or RESET) received
     * at ARGV[7] ms takes {@code cd} once that downlink was on air: the frame is the device's ACK or its absence. It
     * records the gateways that heard it, best first ({@code gw}, ARGV[6]: where Class B and C downlinks go). Each
     * frame that is answered (not a replay) records when it came ({@code lu}) and the span of its receive windows
     * ({@code lw}: the span the MAC state asks for, {@code rw}, once one was stored, else ARGV[5] ms, from the
     * session's RX settings), during which no Class B or C downlink goes
     * ({@link net.lorawanns.core.queue.DownlinkQueue#reserve}), and reads the length of the downlink queue (KEYS[3]);
     * with items queued, a Class B or C sender's hold on the downlink path (KEYS[4], 'BC') makes the path busy: that
     * sender may be sending the head, and the answer carries none. A step that moves the counter (NEW, RESET) leaves
     * what {@link #UNDO_ACCEPT} needs to take it back: its token ARGV[4] ({@code ut}), the counter before it
     * ({@code uf}), the ForceRejoinReq it took ({@code ur}, empty for none) and the pending ACK it took ({@code uc}),
     * in the one HSET that moves it. With ARGV[8] '1' (a confirmed frame, whose answer carries its ACK), no application
     * downlink queued and no confirmed downlink taken back by this step (one the frame does not acknowledge goes back
     * to the queue, and the answer carries it with its own counter), a frame that is answered (NEW, RESET,
     * RETRANSMISSION) also takes the next NFCntDown ({@code nd}, FCntDown in 1.0) for that answer (-1 in the reply when
     * none was taken): the answer then needs no other round trip to Redis for its counter. TR007 section 4.12 has
     * counters taken only for a downlink about to be sent: this one is, unless the frame stops after this step (its
     * region not served, its reply lost to a timeout: the undo does not give the counter back, as another may have been
     * taken since), which leaves a gap the device accepts.
     */
    private static final LuaScript ACCEPT = new LuaScript("session_accept", """
            local raw = redis.call('GET', KEYS[2])
            if not raw then return '4 -1 0 0 -1 0 0 0' end
            if string.byte(raw, 1) ~= 123 then
              return redis.error_reply('device record ' .. KEYS[2] .. ' unreadable')
            end
            local otaa = string.find(raw, '"join_eui":', 1, true)
            local relax = string.find(raw, '"relax_fcnt":true', 1, true)
            local state = redis.call('HMGET', KEYS[1], 'pid', 'aid', 'f', 'fr', 'm', 'cd', 'cdt', 'rw')
            if state[1] == ARGV[1] then
              local pending = redis.call('HGET', KEYS[1], 'p')
              redis.call('HSET', KEYS[1], 'a', pending, 'aid', ARGV[1], 'f', -1, 'nd', 0, 'ad', 0)
              redis.call('HDEL', KEYS[1], 'p', 'pid', 'r0', 'fr', 'm', 'rw', 'cd', 'cdt', 'cf', 'gw')
              state[1] = false
              state[2] = ARGV[1]
              state[3] = '-1'
              state[4] = false
              state[5] = false
              state[6] = false
              state[8] = false
            end
            if state[2] ~= ARGV[1] then return '4 -1 0 0 -1 0 0 0\\n' .. raw end
            local last = tonumber(state[3])
            local fcnt = tonumber(ARGV[2])
            local mac = state[5] or ''
            local pid = state[1] or ''
            local windows = state[8] or ARGV[5]
            if otaa then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
            local function reply(decision, rejoin, queued, held, down, acked)
              return decision .. ' ' .. rejoin .. ' ' .. queued .. ' ' .. held .. ' ' .. down .. ' ' .. #pid .. ' '
                .. #acked .. ' ' .. #mac .. '\\n' .. pid .. acked .. mac .. raw
            end
            local function busy(queued)
              if queued > 0 and redis.call('GET', KEYS[4]) == 'BC' then return '1' end
              return '0'
            end
            local function fcntDown(queued, acked)
              if ARGV[8] == '1' and queued == 0 and acked == '' then
                return redis.call('HINCRBY', KEYS[1], 'nd', 1) - 1
              end
              return '-1'
            end
            if fcnt > last or (fcnt < last and relax) then
              local took = ''
              if fcnt > last and state[4] then took = state[4] end
              local acked = state[6] or ''
              if acked ~= '' and tonumber(state[7] or '0') > tonumber(ARGV[7]) then acked = '' end
              redis.call('HSET', KEYS[1], 'f', ARGV[2], 'ut', ARGV[4], 'uf', state[3], 'ur', took, 'uc', acked,
                'gw', ARGV[6], 'lu', ARGV[7], 'lw', windows)
              if acked ~= '' then redis.call('HDEL', KEYS[1], 'cd', 'cdt') end
              local queued = redis.call('LLEN', KEYS[3])
              local held = busy(queued)
              local down = fcntDown(queued, acked)
              if fcnt < last then return reply('3', '-1', queued, held, down, acked) end
              if took ~= '' then
                redis.call('HDEL', KEYS[1], 'fr')
                return reply('0', took, queued, held, down, acked)
              end
              return reply('0', '-1', queued, held, down, acked)
            elseif fcnt == last then
              redis.call('HSET', KEYS[1], 'lu', ARGV[7], 'lw', windows)
              local queued = redis.call('LLEN', KEYS[3])
              return reply('1', '-1', queued, busy(queued), fcntDown(queued, ''), '')
            end
            return reply('2', '-1', '0', '0', '-1', '')
            """);
    /**
     * Takes back the counter step ARGV[1] (its token) if it is still the last one: the step's answer was lost (no
     * answer in time, or too few replicas), so its frame was dropped, and the device's retransmission of that FCnt
     * must be a new frame, delivered, not a retransmission of one nobody got. A later step has its own token, so an
     * undo never reverts the counter past another frame's.
     */
    private static final LuaScript UNDO_ACCEPT = new LuaScript("session_undo_accept", """
            if redis.call('HGET', KEYS[1], 'ut') ~= ARGV[1] then return 0 end
            local before = redis.call('HMGET', KEYS[1], 'uf', 'ur', 'uc')
            redis.call('HSET', KEYS[1], 'f', before[1])
            if before[2] and before[2] ~= '' then redis.call('HSET', KEYS[1], 'fr', before[2]) end
            if before[3] and before[3] ~= '' then redis.call('HSET', KEYS[1], 'cd', before[3]) end
            redis.call('HDEL', KEYS[1], 'ut', 'uf', 'ur', 'uc')
            return 1
            """);
    private static final FCntDecision[] DECISIONS = {FCntDecision.NEW, FCntDecision.RETRANSMISSION,
            FCntDecision.REPLAY, FCntDecision.RESET, FCntDecision.STALE};
    /**
     * RJcount0 of rejoin-requests of types 0 and 2 (LoRaWAN 1.1 section 6.2.4.1): the device counts from 0 again
     * after each join-accept it processes, so the last value belongs to the active session (ARGV[1]) and is dropped
     * when a pending session takes its place. Returns -1 when ARGV[2] is greater than the last value and now is the
     * last, -2 when the session is no longer active, else the last value, which refuses it.
     */
    private static final LuaScript REJOIN_COUNT0 = new LuaScript("session_rejoin_count0", """
            if redis.call('HGET', KEYS[1], 'aid') ~= ARGV[1] then return -2 end
            local last = tonumber(redis.call('HGET', KEYS[1], 'r0') or '-1')
            if tonumber(ARGV[2]) <= last then return last end
            redis.call('HSET', KEYS[1], 'r0', ARGV[2])
            return -1
            """);
    /** Asks for a ForceRejoinReq with the next answer to the active session (ARGV[1]: the rejoin type); 0 when none. */
    private static final LuaScript FORCE_REJOIN = new LuaScript("session_force_rejoin", """
            if redis.call('HEXISTS', KEYS[1], 'a') == 0 then return 0 end
            redis.call('HSET', KEYS[1], 'fr', ARGV[1])
            return 1
            """);
    /**
     * Stores what the frame ARGV[2] of the session ARGV[1] left in the session's fields, each field followed by its
     * value from ARGV[3] on (its MAC state, the gateways that heard it), if that session is still the active one and
     * that frame its last (a later frame, decided meanwhile, has the newer values); 0 when not.
     */
    private static final LuaScript SAVE_FOR_FRAME = new LuaScript("session_save_for_frame", """
            local now = redis.call('HMGET', KEYS[1], 'aid', 'f')
            if now[1] ~= ARGV[1] or now[2] ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            return 1
            """);
    /** A join's session waits as pending, beside the active one, until the device's first uplink. */
    private static final LuaScript SET_PENDING = new LuaScript("session_set_pending", """
            redis.call('HSET', KEYS[1], 'p', ARGV[1], 'pid', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);
    private static final LuaScript SET_ACTIVE = new LuaScript("session_set_active", """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'a', ARGV[1], 'aid', ARGV[2], 'f', ARGV[3], 'nd', ARGV[4], 'ad', ARGV[4])
            return 1
            """);

    /**
     * Sets, replaces or removes one device's entry in a DevAddr's index (KEYS[1]: DevEUI ARGV[1] -> "session-id
     * expiry", the expiry in Unix ms, 0 for never), only if the entry is ARGV[2] ('' = whatever it is); ARGV[3] is the
     * new entry ('' = remove). The index then expires with its latest entry, or never while one never does: it
     * lives exactly as long as the sessions it points to. Returns 1 when the entry was changed.
     */
    private static final LuaScript INDEX = new LuaScript("devaddr_index", """
            if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
            else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
            local latest = 0
            for _, entry in ipairs(redis.call('HVALS', KEYS[1])) do
              local at = tonumber(string.match(entry, '%d+$'))
              if at == 0 then
                redis.call('PERSIST', KEYS[1])
                return 1
              end
              if at > latest then latest = at end
            end
            if latest > 0 then redis.call('PEXPIREAT', KEYS[1], latest) end
            return 1
            """);
    /** Takes the next downlink counter ARGV[1] of a session that still exists; -1 when it is gone. */
    private static final LuaScript NEXT_FCNT_DOWN = new LuaScript("session_next_fcnt_down", """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            return redis.call('HINCRBY', KEYS[1], ARGV[1], 1) - 1
            """);
    /** Takes the downlink counter ARGV[2] exactly if the counter ARGV[1] has not passed it; 0 when it has. */
    private static final LuaScript USE_FCNT_DOWN = new LuaScript("session_use_fcnt_down", """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local next = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            if tonumber(ARGV[2]) < next then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1)
            return 1
            """);
    /** An OTAA device's index entry is renewed on a lookup once it expires sooner than this before its session. */
    private static final long INDEX_RENEWAL_MARGIN_MS = Duration.ofDays(1).toMillis();

    /** The hash fields that hold a session record: the active and the pending session. */
    private static final List<String> SESSION_FIELDS = List.of("a", "p");

    private final Redis redis;
    private final RedisKeys keys;
    private final SessionRecord records;
    private final ReplicaAcks acks;
    /**
     * The device record and MAC state each counter step reads, parsed only when their stored bytes changed, for the
     * devices that hold a slot of it (from their second step in a row there).
     */
    private final CounterStepReads reads;

    /**
     * @param cipher seals the keys in the session fields ({@link SessionRecord}): reading a session costs one AES-GCM
     *     decryption, on the thread that completes the Redis reply (the pipeline's event loop for uplinks)
     */
    public SessionStore(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this(redis, keys, cipher, ReplicaAcks.NONE);
    }

    /** @param acks how many replicas must have a counter step before {@link #accept} reports it */
    public SessionStore(Redis redis, RedisKeys keys, AtRestCipher cipher, ReplicaAcks acks) {
        this.redis = redis;
        this.keys = keys;
        this.records = new SessionRecord(cipher);
        this.acks = acks;
        this.reads = new CounterStepReads(keys);
    }

    /** Stores a join's session as pending and indexes its DevAddr. */
    public Future<Void> setPending(Eui64 devEui, DeviceSession session) {
        long ttl = OTAA_SESSION_TTL.toMillis();
        return SET_PENDING.run(redis, new String[] {keys.session(devEui)}, records.encode(devEui, session),
                session.id(), ttl)
                .compose(ignored -> index(devEui, session.devAddr(), "", entry(session.id(), expiry())))
                .mapEmpty();
    }

    /**
     * Replaces the device's sessions by an active one given by the operator (ABP).
     *
     * @param lastFCntUp the last uplink counter the device used, -1 for a fresh device
     * @param nextFCntDown the downlink counter to use next
     */
    public Future<Void> setActive(Eui64 devEui, DeviceSession session, long lastFCntUp, long nextFCntDown) {
        return SET_ACTIVE.run(redis, new String[] {keys.session(devEui)}, records.encode(devEui, session),
                session.id(), lastFCntUp, nextFCntDown)
                .compose(ignored -> index(devEui, session.devAddr(), "", entry(session.id(), 0))).mapEmpty();
    }

    /**
     * Deletes the device's sessions and its entries in the index of each DevAddr they use. Their keys are not
     * opened, so that a session sealed under a master key no longer configured can still be deleted.
     */
    public Future<Void> delete(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HMGET).arg(keys.session(devEui)).arg("a").arg("p")).compose(stored -> {
            List<Future<Boolean>> removals = new ArrayList<>();
            for (Response record : stored) {
                if (record != null) {
                    removals.add(index(devEui, SessionRecord.devAddr(record.toBytes()), "", ""));
                }
            }
            return Future.all(removals);
        }).compose(removed -> redis.send(Request.cmd(Command.DEL).arg(keys.session(devEui)))).mapEmpty();
    }

    private Future<Boolean> index(Eui64 devEui, DevAddr devAddr, String expected, String replacement) {
        return INDEX.run(redis, new String[] {keys.devAddr(devAddr)}, devEui.toString(), expected, replacement)
                .map(changed -> changed.toInteger() == 1);
    }

    private static String entry(String sessionId, long expiryMillis) {
        return sessionId + " " + expiryMillis;
    }

    private static long expiry() {
        return System.currentTimeMillis() + OTAA_SESSION_TTL.toMillis();
    }

    /**
     * The active and pending sessions that use {@code devAddr}. Entries of devices that moved to another DevAddr (or
     * were deleted) are removed from the index, each only if unchanged since read, so that a concurrent join's entry
     * stays; an OTAA device's entry whose expiry comes near is renewed, as its session's is on every uplink.
     */
    public Future<List<SessionCandidate>> candidates(DevAddr devAddr) {
        String indexKey = keys.devAddr(devAddr);
        return redis.send(Request.cmd(Command.HGETALL).arg(indexKey)).compose(index -> {
            List<Future<List<SessionCandidate>>> lookups = new ArrayList<>(index.size());
            for (String member : index.getKeys()) {
                Eui64 devEui = Eui64.parse(member);
                String entry = index.get(member).toString();
                lookups.add(sessionsOf(devEui).compose(found -> {
                    List<SessionCandidate> matching = new ArrayList<>(found.size());
                    for (SessionCandidate candidate : found) {
                        if (candidate.session().devAddr().equals(devAddr)) {
                            matching.add(candidate);
                        }
                    }
                    Future<Boolean> upkeep = matching.isEmpty() ? forgetIfUnchanged(devEui, devAddr, entry)
                            : renewIfDue(devEui, devAddr, entry);
                    // The index's upkeep may fail (it is done again by the next lookup); the lookup stands.
                    return upkeep.otherwise(false).map(matching);
                }, unreadable -> {
                    if (!(unreadable instanceof SealedRecordException)) {
                        return Future.failedFuture(unreadable);
                    }
                    // One device whose session cannot be opened (its master key is gone) must not keep the others
                    // of its DevAddr from their uplinks; its index entry stays for when the key is configured again.
                    UNREADABLE.warn("unreadable", "Session of a device skipped", devEui + ": "
                            + unreadable.getMessage());
                    return Future.succeededFuture(List.<SessionCandidate>of());
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

    /** Removes a device's entry from a DevAddr's index if it still is {@code entry} (a join may have replaced it). */
    Future<Boolean> forgetIfUnchanged(Eui64 devEui, DevAddr devAddr, String entry) {
        return index(devEui, devAddr, entry, "");
    }

    private Future<Boolean> renewIfDue(Eui64 devEui, DevAddr devAddr, String entry) {
        int space = entry.lastIndexOf(' ');
        long expiry = Long.parseLong(entry.substring(space + 1));
        if (expiry != 0 && expiry < expiry() - INDEX_RENEWAL_MARGIN_MS) {
            return index(devEui, devAddr, entry, entry(entry.substring(0, space), expiry()));
        }
        return Future.succeededFuture(false);
    }

    /**
     * The device's sessions, active first. Only the fields a candidate needs are read, by position: the hash's other
     * fields (heard-by gateways, MAC state, downlink counters) stay in Redis.
     */
    public Future<List<SessionCandidate>> sessionsOf(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HMGET).arg(keys.session(devEui)).arg("a").arg("p").arg("f").arg("cf"))
                .map(fields -> {
                    List<SessionCandidate> found = new ArrayList<>(2);
                    Response active = fields.get(0);
                    if (active != null) {
                        found.add(new SessionCandidate(devEui, parse(devEui, active), false,
                                fields.get(2) == null ? -1 : fields.get(2).toLong(),
                                fields.get(3) == null ? 0 : fields.get(3).toLong()));
                    }
                    Response pending = fields.get(1);
                    if (pending != null) {
                        found.add(new SessionCandidate(devEui, parse(devEui, pending), true, -1));
                    }
                    return found;
                });
    }

    /**
     * The device's sessions, active first, without opening their keys (the DevAddr is readable beside them): what a
     * device's description shows, for a page of a thousand devices too. A record whose DevAddr cannot be read is left
     * out (a throttled warning): the device is shown without it.
     */
    public Future<List<SessionAddress>> addresses(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HMGET).arg(keys.session(devEui)).arg("a").arg("p").arg("f"))
                .map(fields -> {
                    List<SessionAddress> found = new ArrayList<>(2);
                    address(devEui, fields.get(0), false, fields.get(2) == null ? -1 : fields.get(2).toLong())
                            .ifPresent(found::add);
                    address(devEui, fields.get(1), true, -1).ifPresent(found::add);
                    return found;
                });
    }

    private static Optional<SessionAddress> address(Eui64 devEui, Response stored, boolean pending, long lastFCntUp) {
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SessionAddress(SessionRecord.devAddr(stored.toBytes()), pending, lastFCntUp));
        } catch (RuntimeException e) {
            UNREADABLE.warn("unreadable_session_address", "A session record's DevAddr is unreadable; the device is "
                    + "shown without the session", devEui + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The device's session state without opening its keys (the DevAddr is readable beside them): from the active
     * session, or the pending one before the first uplink after a join.
     */
    public Future<SessionState> state(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HMGET).arg(keys.session(devEui)).arg("a").arg("p").arg("f").arg("nd")
                .arg("ad").arg("lu").arg("gw")).map(fields -> {
                    Response active = fields.get(0);
                    Response session = active != null ? active : fields.get(1);
                    boolean counted = active != null && fields.get(2) != null && fields.get(2).toLong() >= 0;
                    return new SessionState(
                            session == null ? Optional.empty() : Optional.of(SessionRecord.devAddr(session.toBytes())),
                            counted ? OptionalLong.of(fields.get(2).toLong()) : OptionalLong.empty(),
                            active != null && fields.get(3) != null ? fields.get(3).toLong() : 0,
                            active != null && fields.get(4) != null ? fields.get(4).toLong() : 0,
                            fields.get(5) == null ? Optional.empty()
                                    : Optional.of(Instant.ofEpochMilli(fields.get(5).toLong())),
                            fields.get(6) == null ? List.of() : HeardBy.decode(fields.get(6).toString()));
                });
    }

    /**
     * Re-seals every session record not under the current master key, or not in the compact form (those stored as
     * JSON before, and before sessions were sealed); the count re-sealed. Safe while servers run: a field is
     * replaced only if unchanged since read, and the counters and the TTL beside it are left alone.
     */
    public Future<Integer> rotate() {
        return SealedHashFields.rotate(redis, keys.sessionPattern(), SESSION_FIELDS, records::current,
                (redisKey, record) -> {
                    int tag = redisKey.lastIndexOf('{');
                    return records.reseal(Eui64.parse(redisKey.substring(tag + 1, redisKey.indexOf('}', tag))),
                            record);
                });
    }

    /**
     * Checks a verified uplink's 32-bit counter against the last accepted one and advances it, atomically, reading
     * the device record in the same step: its relax option decides whether a lower counter is a reset.
     *
     * @param takeFCntDown the frame's answer will carry an ACK (a confirmed frame): take its NFCntDown in the same step
     *                     when no application downlink is queued ({@link CounterStep#fCntDown()})
     */
    public Future<CounterStep> accept(Eui64 devEui, String sessionId, long fCnt, Duration receiveWindows,
                                      List<HeardBy> gateways, boolean takeFCntDown) {
        CounterStepReads.Entry known = reads.of(devEui);
        byte[] token = token();
        return ACCEPT.run(redis, acks, known.keys(), sessionId, fCnt, OTAA_SESSION_TTL_MS, token,
                Math.max(1, receiveWindows.toMillis()), HeardBy.encode(gateways), System.currentTimeMillis(),
                takeFCntDown ? 1 : 0)
                .transform(reply -> {
                    if (reply.succeeded()) {
                        return Future.succeededFuture(counterStep(known, reply.result()));
                    }
                    if (reply.cause() instanceof RedisFailure lost && (lost.kind() == RedisFailure.Kind.TIMEOUT
                            || lost.kind() == RedisFailure.Kind.NOT_REPLICATED)) {
                        // Redis may have made (or will make) the step whose answer we did not get. Sent on the same
                        // event loop, the undo travels on the step's connection and is executed after it.
                        UNDO_ACCEPT.run(redis, ReplicaAcks.NONE, known.sessionKey(), token);
                    }
                    return Future.failedFuture(reply.cause());
                });
    }

    /**
     * {@link #ACCEPT}'s reply read; the device record and MAC state are parsed only when not as last read. The record
     * is read first: the step that gives the device its slot of {@link #reads} keeps the MAC state there too.
     */
    private CounterStep counterStep(CounterStepReads.Entry known, Response result) {
        CounterStepReply reply = CounterStepReply.read(result.toBytes());
        String pendingAck = reply.pendingAck();
        String pendingSession = reply.pendingSessionId();
        return new CounterStep(DECISIONS[reply.decision()],
                reply.hasDevice() ? Optional.of(reads.device(known, reply)) : Optional.empty(),
                reply.rejoinType() >= 0 ? OptionalInt.of(reply.rejoinType()) : OptionalInt.empty(),
                macState(known.devEui(), reply),
                reply.queueLength(),
                pendingAck.isEmpty() ? Optional.empty() : pendingAck(known.devEui(), pendingAck),
                reply.pathBusy(),
                pendingSession.isEmpty() ? Optional.empty() : Optional.of(pendingSession),
                reply.fCntDown() >= 0 ? OptionalLong.of(reply.fCntDown()) : OptionalLong.empty());
    }

    /** A counter step's token: 16 random hex digits, which only that step's {@link #UNDO_ACCEPT} names. */
    private static byte[] token() {
        long random = ThreadLocalRandom.current().nextLong();
        byte[] token = new byte[16];
        for (int i = 0; i < token.length; i++) {
            token[i] = (byte) Character.forDigit((int) (random >>> (60 - 4 * i)) & 0xF, 16);
        }
        return token;
    }

    /**
     * Stores the MAC state that the frame {@code fCnt} of the session {@code sessionId} left, unless another session
     * replaced it (a new session starts from its own initial state) or a later frame was accepted meanwhile (its
     * own step works from the state before, and saves what it made of it). The state lives in the session's hash
     * and expires with it, beside the span of receive windows its RX settings ask for ({@code rw}): every instance's
     * counter step holds the downlink path that long after an uplink ({@link #accept}).
     */
    public Future<Boolean> saveMacState(Eui64 devEui, String sessionId, long fCnt, MacState state,
                                        Duration receiveWindows) {
        byte[] stored = state.toJsonBytes();
        return SAVE_FOR_FRAME.run(redis, ReplicaAcks.NONE, reads.of(devEui).sessionKey(), sessionId, fCnt, "m", stored,
                "rw", Math.max(1, receiveWindows.toMillis())).map(reply -> {
                    boolean saved = reply.toInteger() == 1;
                    if (saved) {
                        // The next counter step reads these bytes back, unless another frame's state replaced them:
                        // kept (for a device that holds its slot of the reads), they need no parse then. A state
                        // Redis refused is not kept.
                        reads.keepMac(devEui, stored, state);
                    }
                    return saved;
                });
    }

    /**
     * Stores the gateways that heard the frame {@code fCnt} of the session {@code sessionId}, best first, in place of
     * those its counter step stored, on the same terms as {@link #saveMacState}.
     */
    public Future<Boolean> saveHeardBy(Eui64 devEui, String sessionId, long fCnt, List<HeardBy> gateways) {
        return SAVE_FOR_FRAME.run(redis, new String[] {keys.session(devEui)}, sessionId, fCnt, "gw",
                HeardBy.encode(gateways)).map(saved -> saved.toInteger() == 1);
    }

    /** The active session as a Class B or C downlink needs it; empty when the device has none. */
    public Future<Optional<DownlinkTarget>> downlinkTarget(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HMGET).arg(keys.session(devEui)).arg("a").arg("m").arg("gw").arg("cd")
                        .arg("pid"))
                .map(fields -> {
                    if (fields == null || fields.get(0) == null) {
                        return Optional.empty();
                    }
                    return Optional.of(new DownlinkTarget(parse(devEui, fields.get(0)),
                            fields.get(1) == null ? Optional.empty() : macState(devEui, fields.get(1)),
                            fields.get(2) == null ? List.of() : HeardBy.decode(fields.get(2).toString()),
                            fields.get(3) == null ? Optional.empty() : pendingAck(devEui, fields.get(3).toString()),
                            Optional.ofNullable(fields.get(4)).map(Response::toString)));
                });
    }

    /** The active session's MAC state, as the last frame left it; empty before its first frame. */
    public Future<Optional<MacState>> macState(Eui64 devEui) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.session(devEui)).arg("m"))
                .map(stored -> stored == null ? Optional.empty() : macState(devEui, stored));
    }

    private Optional<MacState> macState(Eui64 devEui, Response stored) {
        // The reply's own bytes (a copy out of the socket's buffer), kept as they are.
        byte[] bytes = stored.toBytes();
        if (bytes.length == 0) {
            return Optional.empty();
        }
        Optional<MacState> known = reads.macIfSame(devEui, bytes);
        return known.isPresent() ? known : parseMacState(devEui, bytes);
    }

    /** The counter step's MAC state: the one kept when its bytes are the same, else parsed from a copy of them. */
    private Optional<MacState> macState(Eui64 devEui, CounterStepReply reply) {
        if (reply.macEmpty()) {
            return Optional.empty();
        }
        Optional<MacState> known = reads.macIfSame(devEui, reply);
        return known.isPresent() ? known : parseMacState(devEui, reply.mac());
    }

    private Optional<MacState> parseMacState(Eui64 devEui, byte[] bytes) {
        try {
            MacState state = MacState.fromJson(new JsonObject(Buffer.buffer(bytes)));
            reads.keepMac(devEui, bytes, state);
            return Optional.of(state);
        } catch (IllegalArgumentException | io.vertx.core.json.DecodeException e) {
            UNREADABLE.warn("unreadable_mac_state", "MAC state of a session unreadable, started afresh",
                    devEui + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<PendingAck> pendingAck(Eui64 devEui, String stored) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PendingAck.fromJson(new JsonObject(stored)));
        } catch (RuntimeException e) {
            UNREADABLE.warn("unreadable_pending_ack", "Confirmed downlink awaiting an ACK unreadable, forgotten",
                    devEui + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Asks the device's active session for a ForceRejoinReq (LoRaWAN 1.1 section 5.13): it goes out, once, in the
     * answer to the device's next new uplink. False when the device has no active session.
     */
    public Future<Boolean> forceRejoin(Eui64 devEui, int rejoinType) {
        return FORCE_REJOIN.run(redis, new String[] {keys.session(devEui)}, rejoinType)
                .map(done -> done.toInteger() == 1);
    }

    /**
     * Takes the next downlink counter: AFCntDown for application frames of LoRaWAN 1.1 sessions, else NFCntDown
     * (which is the single FCntDown of LoRaWAN 1.0).
     */
    public Future<Long> nextFCntDown(Eui64 devEui, boolean applicationCounter) {
        return NEXT_FCNT_DOWN.run(redis, new String[] {keys.session(devEui)}, applicationCounter ? "ad" : "nd")
                .compose(next -> next.toLong() < 0
                        ? Future.failedFuture(new IllegalStateException("the session of " + devEui + " is gone"))
                        : Future.succeededFuture(next.toLong()));
    }

    /**
     * The downlink counter the active session's next frame would take (AFCntDown or NFCntDown), without taking it; 0
     * before the first.
     */
    public Future<Long> peekFCntDown(Eui64 devEui, boolean applicationCounter) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.session(devEui)).arg(applicationCounter ? "ad" : "nd"))
                .map(next -> next == null ? 0L : next.toLong());
    }

    /**
     * Takes the downlink counter {@code fCnt} that an application used to encrypt a payload itself, if the counter has
     * not passed it: the next one is then {@code fCnt + 1}. False when it has (or the session is gone).
     */
    public Future<Boolean> useFCntDown(Eui64 devEui, boolean applicationCounter, long fCnt) {
        return USE_FCNT_DOWN.run(redis, new String[] {keys.session(devEui)}, applicationCounter ? "ad" : "nd", fCnt)
                .map(used -> used.toInteger() == 1);
    }

    /**
     * Records RJcount0 of a verified rejoin-request of type 0 or 2 if it is greater than the last one of the active
     * session {@code sessionId}, in one Redis step so that two instances cannot both accept one value.
     *
     * @return empty when accepted, else why not
     */
    public Future<Optional<String>> useRejoinCount0(Eui64 devEui, String sessionId, int rjCount0) {
        return REJOIN_COUNT0.run(redis, new String[] {keys.session(devEui)}, sessionId, rjCount0).map(response -> {
            long last = response.toLong();
            if (last == -1) {
                return Optional.empty();
            }
            return Optional.of(last == -2 ? "the session the rejoin-request was signed with is no longer active"
                    : "RJcount0 " + rjCount0 + " is not greater than the last one, " + last);
        });
    }

    private DeviceSession parse(Eui64 devEui, Response blob) {
        return records.decode(devEui, blob.toBytes());
    }
}
