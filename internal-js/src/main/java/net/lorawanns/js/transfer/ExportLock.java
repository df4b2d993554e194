package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.js.RootKeyStore;

/**
 * Export and lock as one Redis step: the device's root keys, DevNonce history, last JoinNonce and last RJcount1 are
 * read and the
 * lock is set by one script, so that two instances cannot both export a device and leave it unlocked, and a join
 * is ordered either before the export (its DevNonce and JoinNonce are in the export) or after it (refused, since
 * {@link net.lorawanns.core.join.JoinNonceCounter} checks the lock in the step that commits a join-accept). The
 * Redis calls run on the caller's context.
 */
public final class ExportLock {
    /**
     * KEYS: root keys, lock, DevNonce history and last RJcount1 (of the JoinEUI in the record read before), JoinNonce,
     * claim. ARGV: the record as read before (if it changed, the JoinEUI may have too), the lock's value, the claim
     * record the owner token was proven against ('' for a device without a claim).
     */
    private static final LuaScript EXPORT = new LuaScript("root_keys_export", """
            local record = redis.call('GET', KEYS[1])
            if not record then return {'unknown'} end
            if record ~= ARGV[1] or (redis.call('GET', KEYS[6]) or '') ~= ARGV[3] then return {'changed'} end
            if redis.call('EXISTS', KEYS[2]) == 1 then return {'locked'} end
            redis.call('SET', KEYS[2], ARGV[2])
            return {'exported', redis.call('GET', KEYS[4]) or '0', redis.call('HGETALL', KEYS[3]),
              redis.call('GET', KEYS[5]) or ''}
            """);

    /**
     * Lifts the lock if the claim is still the one the owner token was proven against. KEYS: lock, claim. ARGV: that
     * claim record. Reply: 1 unlocked, 0 not locked, -1 the claim changed (nothing done).
     */
    private static final LuaScript UNLOCK = new LuaScript("root_keys_unlock", """
            if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return -1 end
            return redis.call('DEL', KEYS[1])
            """);

    /** Lifts the lock an export took if it is still that lock. KEYS: lock. ARGV: its value. Reply: 1 when lifted. */
    private static final LuaScript RELEASE = new LuaScript("root_keys_release", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])
            """);

    /** What an unlock found. */
    public enum Unlocked {
        /** It was locked and is not any more. */
        UNLOCKED,
        /** It was not locked. */
        NOT_LOCKED,
        /** The claim changed since the owner token was proven (a transfer or unclaim landed): nothing done. */
        CHANGED
    }

    /** What an export gave. */
    public sealed interface Outcome {
        /** Exported and now locked, with {@code lock} as the lock's value (for {@link #release}). */
        record Exported(ExportedRootKeys keys, String lock) implements Outcome {
        }

        /** No root keys here. */
        record Unknown() implements Outcome {
        }

        /** Locked by an earlier export, until its owner unlocks it. */
        record Locked() implements Outcome {
        }

        /**
         * The root-key record or the claim changed between their read and the export step (a claim, unclaim or
         * transfer landed in between).
         */
        record Changed() implements Outcome {
        }
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final RootKeyStore rootKeys;

    public ExportLock(Redis redis, RedisKeys keys, RootKeyStore rootKeys) {
        this.redis = redis;
        this.keys = keys;
        this.rootKeys = rootKeys;
    }

    /**
     * Exports the device's root keys and locks it, if its claim is still {@code claimRecord}.
     *
     * @param claimRecord the claim record the owner token was proven against ('' for a device without a claim)
     * @param lockedBy who exported it (the API caller's identity), kept with the lock
     */
    public Future<Outcome> exportAndLock(Eui64 devEui, String claimRecord, String lockedBy) {
        return redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(devEui))).compose(stored -> {
            if (stored == null) {
                return Future.succeededFuture(new Outcome.Unknown());
            }
            String record = stored.toString();
            RootKeys device = rootKeys.open(devEui, new JsonObject(record));
            // The random ID makes the value this export's own, for release.
            String lock = new JsonObject().put("locked_at", Instant.now().toString()).put("by", lockedBy)
                    .put("id", UUID.randomUUID().toString()).encode();
            return EXPORT.run(redis, new String[] {keys.rootKeys(devEui), keys.rootKeysLock(devEui),
                    keys.devNonces(devEui, device.joinEui()), keys.joinNonce(devEui),
                    keys.rejoinCount1(devEui, device.joinEui()), keys.claim(devEui)}, record, lock, claimRecord)
                    .map(response -> outcome(devEui, device, lock, response));
        });
    }

    /** Lifts the lock if the device's claim is still {@code claimRecord}, the one the owner token matched. */
    public Future<Unlocked> unlock(Eui64 devEui, String claimRecord) {
        return UNLOCK.run(redis, new String[] {keys.rootKeysLock(devEui), keys.claim(devEui)}, claimRecord)
                .map(r -> switch (r.toInteger()) {
                    case 1 -> Unlocked.UNLOCKED;
                    case 0 -> Unlocked.NOT_LOCKED;
                    default -> Unlocked.CHANGED;
                });
    }

    /** Takes back the lock of an export whose JWE is not given out (its audit entry could not be written). */
    public Future<Boolean> release(Eui64 devEui, String lock) {
        return RELEASE.run(redis, new String[] {keys.rootKeysLock(devEui)}, lock).map(r -> r.toInteger() == 1);
    }

    /** Whether the device is locked after an export. */
    public Future<Boolean> locked(Eui64 devEui) {
        return redis.send(Request.cmd(Command.EXISTS).arg(keys.rootKeysLock(devEui))).map(r -> r.toInteger() > 0);
    }

    private static Outcome outcome(Eui64 devEui, RootKeys device, String lock, Response response) {
        String status = response.get(0).toString();
        switch (status) {
            case "unknown":
                return new Outcome.Unknown();
            case "changed":
                return new Outcome.Changed();
            case "locked":
                return new Outcome.Locked();
            default:
                break;
        }
        JoinNonce lastJoinNonce = new JoinNonce(Integer.parseInt(response.get(1).toString()));
        Response history = response.get(2);
        Optional<DevNonce> last = Optional.empty();
        List<DevNonce> used = new ArrayList<>();
        // The history hash (DevNonceRegistry): field "last" for counting devices, "n<value>" per random nonce used.
        for (int i = 0; i + 1 < history.size(); i += 2) {
            String field = history.get(i).toString();
            if (field.equals("last")) {
                last = Optional.of(new DevNonce(Integer.parseInt(history.get(i + 1).toString())));
            } else if (field.startsWith("n")) {
                used.add(new DevNonce(Integer.parseInt(field.substring(1))));
            }
        }
        used.sort((a, b) -> Integer.compare(a.value(), b.value()));
        boolean counting = device.macVersion().devNonceIsCounter();
        String rjCount1 = response.get(3).toString();
        return new Outcome.Exported(new ExportedRootKeys(devEui, device.joinEui(), device.macVersion(),
                device.appKey(), device.nwkKey(), counting ? last : Optional.empty(), counting ? List.of() : used,
                lastJoinNonce, rjCount1.isEmpty() || device.macVersion() != MacVersion.LORAWAN_1_1_0
                        ? Optional.empty() : Optional.of(Integer.parseInt(rjCount1))), lock);
    }
}
