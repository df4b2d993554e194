package net.lorawanns.js.audit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * The built-in join server's audit log: three Redis streams that survive restarts, one for the steps of devices' life
 * cycles ({@link RedisKeys#audit()}: claim, unclaim, transfer, export, unlock, import), one for provisioning from
 * manifests ({@link RedisKeys#auditProvisioning()}) and one for refused attempts ({@link RedisKeys#auditRefused()}:
 * wrong owner tokens, rate limited, steps a device's state does not allow, refused imports and manifest rows).
 * Provisioning and refused attempts are apart, each with a smaller bound and a shorter retention of their own, because
 * anyone with an API key can make them by the thousand (cycling DevEUIs, which the per-DevEUI attempt limit does not
 * slow; re-provisioning stock never owned as often as wished): in the same stream they would push the life cycle's
 * entries out. Each entry is added with its stream trimmed to the retention by age
 * (MINID, exact, by Redis's clock: entries are few, so exact trimming costs little) and to a bound on its length
 * (MAXLEN ~, in whole nodes), and the stream expires a retention after its last entry, so every part of it has a
 * bound.
 *
 * <p>An entry is written after the action it records has taken effect, not in the same script: the log is one key
 * for every device, in its own Redis Cluster slot, and a script can only touch keys of one slot. If Redis fails
 * between the two, the action stands without its entry and the API answers with the error, so the caller knows the
 * outcome was not confirmed.
 *
 * <p>Futures complete on the Redis client's event loop.
 */
public final class AuditLog {
    /** Most entries a listing reads from the stream while filtering by DevEUI, to bound one request's work. */
    static final int MAX_SCANNED = 10_000;
    public static final int MAX_LIMIT = 1000;
    /** The bound on the refused attempts' stream, and on the provisioning stream. */
    static final long MAX_REFUSED_ENTRIES = 100_000;
    /** The longest retention of refused attempts and of provisioning (the log's own retention when shorter). */
    static final Duration MAX_REFUSED_RETENTION = Duration.ofDays(30);

    /** Which of the three streams. */
    public enum Stream {
        /** The steps of devices' life cycles. */
        LIFECYCLE,
        /** Devices stored from provisioning manifests. */
        PROVISIONING,
        /** Refused attempts. */
        REFUSED;

        /** The stream an action's entries go to. */
        static Stream of(AuditAction action) {
            if (action.refused()) {
                return REFUSED;
            }
            return action == AuditAction.PROVISION ? PROVISIONING : LIFECYCLE;
        }
    }
    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    /**
     * KEYS: the stream. ARGV: MAXLEN bound, retention in ms, action, DevEUI, who, at (ms), detail.
     * TIME in a script needs effects replication, the default since Redis 5.
     */
    private static final LuaScript RECORD = new LuaScript("audit_record", """
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'action', ARGV[3], 'dev_eui', ARGV[4],
                'who', ARGV[5], 'at', ARGV[6], 'detail', ARGV[7])
            local now = redis.call('TIME')
            local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[2])
            if oldest > 0 then
              redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d', oldest))
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    private final Redis redis;
    private final RedisKeys keys;
    private final Duration retention;
    private final long maxEntries;
    private final Duration refusedRetention;

    /**
     * @param retention how long entries are kept ({@code internal_js.audit_retention}); refused attempts and
     *     provisioning at most {@link #MAX_REFUSED_RETENTION}
     * @param maxEntries the bound on the life-cycle stream's length, whatever the age of its entries
     */
    public AuditLog(Redis redis, RedisKeys keys, Duration retention, long maxEntries) {
        if (retention.toMillis() < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("the audit log needs a positive retention and length");
        }
        this.redis = redis;
        this.keys = keys;
        this.retention = retention;
        this.maxEntries = maxEntries;
        this.refusedRetention = retention.compareTo(MAX_REFUSED_RETENTION) < 0 ? retention : MAX_REFUSED_RETENTION;
    }

    /**
     * Adds the entry to its stream ({@link Stream#of}): the life cycle's with the log's bound and retention, the
     * others with their own.
     */
    public Future<Void> record(AuditEntry entry) {
        Stream stream = Stream.of(entry.action());
        boolean lifeCycle = stream == Stream.LIFECYCLE;
        return RECORD.run(redis, new String[] {key(stream)}, lifeCycle ? maxEntries : MAX_REFUSED_ENTRIES,
                (lifeCycle ? retention : refusedRetention).toMillis(), entry.action().wireName(),
                entry.devEui().map(Eui64::toString).orElse(""), entry.who(), entry.at().toEpochMilli(),
                entry.detail().orElse("")).mapEmpty();
    }

    private String key(Stream stream) {
        return switch (stream) {
            case LIFECYCLE -> keys.audit();
            case PROVISIONING -> keys.auditProvisioning();
            case REFUSED -> keys.auditRefused();
        };
    }

    /** The life cycle's entries ({@link #list(Stream, Optional, int, Optional)}). */
    public Future<AuditPage> list(Optional<Eui64> devEui, int limit, Optional<String> after) {
        return list(Stream.LIFECYCLE, devEui, limit, after);
    }

    /**
     * Entries of {@code stream} newest first, at most {@code limit}, only those of {@code devEui} when given, starting
     * after (older than) the entry {@code after} when given. A page may hold fewer than {@code limit} entries and
     * still have a next one when the filter had to read far.
     */
    public Future<AuditPage> list(Stream stream, Optional<Eui64> devEui, int limit, Optional<String> after) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", got " + limit);
        }
        if (after.isPresent() && !validId(after.get())) {
            throw new IllegalArgumentException("after must be an entry ID like 1700000000000-0");
        }
        if (after.isPresent() && after.get().equals("0-0")) {
            // Nothing is older than the first possible ID (and Redis refuses the empty interval before it).
            return Future.succeededFuture(new AuditPage(List.of(), Optional.empty()));
        }
        return page(key(stream), devEui, limit, after.map(id -> "(" + id).orElse("+"), new ArrayList<>(), 0);
    }

    /** A stream ID: two unsigned 64-bit numbers, as Redis reads them ({@code <ms>-<seq>}). */
    private static boolean validId(String id) {
        if (!STREAM_ID.matcher(id).matches()) {
            return false;
        }
        int dash = id.indexOf('-');
        try {
            Long.parseUnsignedLong(id.substring(0, dash));
            Long.parseUnsignedLong(id.substring(dash + 1));
            return true;
        } catch (NumberFormatException overflow) {
            return false;
        }
    }

    private Future<AuditPage> page(String key, Optional<Eui64> devEui, int limit, String end,
                                   List<AuditPage.Listed> found, int scanned) {
        int batch = devEui.isPresent() ? Math.max(limit, 100) : limit - found.size();
        return redis.send(Request.cmd(Command.XREVRANGE).arg(key).arg(end).arg("-").arg("COUNT").arg(batch))
                .compose(reply -> {
                    String last = null;
                    for (Response item : reply) {
                        last = item.get(0).toString();
                        AuditEntry entry = entry(item.get(1));
                        if (devEui.isEmpty() || devEui.equals(entry.devEui())) {
                            found.add(new AuditPage.Listed(last, entry));
                            if (found.size() == limit) {
                                return Future.succeededFuture(new AuditPage(found, Optional.of(last)));
                            }
                        }
                    }
                    int read = scanned + reply.size();
                    if (reply.size() < batch) {
                        return Future.succeededFuture(new AuditPage(found, Optional.empty()));
                    }
                    if (read >= MAX_SCANNED) {
                        return Future.succeededFuture(new AuditPage(found, Optional.of(last)));
                    }
                    return page(key, devEui, limit, "(" + last, found, read);
                });
    }

    private static AuditEntry entry(Response fields) {
        String action = null;
        String devEui = null;
        String who = null;
        long at = 0;
        String detail = "";
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String value = fields.get(i + 1).toString();
            switch (fields.get(i).toString()) {
                case "action" -> action = value;
                case "dev_eui" -> devEui = value;
                case "who" -> who = value;
                case "at" -> at = Long.parseLong(value);
                case "detail" -> detail = value;
                default -> {
                }
            }
        }
        return new AuditEntry(AuditAction.fromWireName(action), devEui == null || devEui.isEmpty() ? Optional.empty()
                : Optional.of(Eui64.parse(devEui)), who, Instant.ofEpochMilli(at),
                detail.isEmpty() ? Optional.empty() : Optional.of(detail));
    }
}
