package net.lorawanns.js.claim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecords;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;

/**
 * The claim of each device provisioned with an owner token, in Redis beside its root keys ({@code js:{DevEUI}:claim},
 * configuration-grade, no TTL): the state, the owner's home network and the owner token's digest.
 *
 * <p>The owner token is kept as a salted SHA-256 digest (16 random bytes of salt, then SHA-256 of salt and token),
 * and the salt and digest are sealed under the master key like every secret at rest. The digest means the token
 * itself is never stored; the seal means that a copy of Redis alone does not allow guessing short tokens offline
 * (a digest in clear would), and {@code keys rotate} re-seals it like any other record. A keyed hash (HMAC under a
 * key derived from the master key) would protect as well, but could not be carried over to a new master key without
 * the token. Tokens are compared in constant time ({@link MessageDigest#isEqual}).
 *
 * <p>Attempts are limited per DevEUI ({@link AttemptLimit}): a Lua script counts the attempt and reads the record in
 * one step, so that concurrent attempts from any number of server instances compare at most the allowed number of
 * tokens per window; a right token gives its count back. Past the limit an attempt is refused without comparing
 * ({@link OwnerTokenAttemptsLimited}). An unknown DevEUI and a device without an owner token answer exactly as a
 * wrong token does, and count alike, so that trying tokens tells nobody which DevEUIs exist.
 *
 * <p>Futures complete on the Redis client's event loop; the hashing runs there (microseconds).
 */
public final class ClaimStore {
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Compared against when no record exists, so that an unknown DevEUI is hashed and compared as a known one is; it
     * skips opening a sealed record, a few microseconds that network jitter hides, and counts against the limit alike.
     */
    private static final byte[] NO_RECORD = new byte[SALT_BYTES + 32];

    /**
     * Counts an attempt unless the DevEUI's failures reached the limit, and reads the claim record with it.
     * KEYS: failures, claim. ARGV: the limit, the window in ms. Reply: {0, ms to wait} or {1, record or nil}.
     */
    private static final LuaScript ATTEMPT = new LuaScript("claim_attempt", """
            local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
            if failures >= tonumber(ARGV[1]) then
              local wait = redis.call('PTTL', KEYS[1])
              if wait < 0 then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                wait = tonumber(ARGV[2])
              end
              return {0, wait}
            end
            if redis.call('INCR', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return {1, redis.call('GET', KEYS[2])}
            """);

    /** Gives back the count of an attempt that presented the right token. KEYS: failures. */
    private static final LuaScript REFUND = new LuaScript("claim_refund", """
            if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
              redis.call('DECR', KEYS[1])
            end
            return 1
            """);

    /**
     * Stores a device's root keys and unclaimed claim, unless it has root keys and is this network's own, locked after
     * an export, claimed, or was ever claimed: only a maker's stock that never had an owner is replaced (its claim
     * record carries {@code "never_claimed": true}, which no claim, unclaim, transfer or import writes; a record
     * without it, including every record of earlier versions, counts as owned).
     * KEYS: root keys, claim, lock. ARGV: the sealed root keys, the claim record. Reply: the outcome's wire name.
     */
    private static final LuaScript PROVISION = new LuaScript("claim_provision", """
            local outcome = 'provisioned'
            if redis.call('EXISTS', KEYS[1]) == 1 then
              if redis.call('EXISTS', KEYS[3]) == 1 then
                return 'locked'
              end
              local claim = redis.call('GET', KEYS[2])
              if not claim then
                return 'own_device'
              end
              local record = cjson.decode(claim)
              if record['state'] ~= 'unclaimed' then
                return 'claimed'
              end
              if record['never_claimed'] ~= true then
                return 'was_claimed'
              end
              outcome = 'reprovisioned'
            end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            return outcome
            """);

    /**
     * Replaces a device's root keys and claim together if neither changed since they were read.
     * KEYS: root keys, claim. ARGV: the root keys read, the claim read, the new root keys, the new claim.
     */
    private static final LuaScript REPLACE = new LuaScript("claim_replace", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[2], ARGV[4])
            return 1
            """);

    /** What provisioning a device found. */
    public enum ProvisionOutcome {
        /** A new device, stored unclaimed. */
        PROVISIONED,
        /** An unclaimed device, stored again with the new keys and owner token. */
        REPROVISIONED,
        /** Refused: this network's own device (root keys without a claim). */
        OWN_DEVICE,
        /** Refused: a device that is claimed (or otherwise not unclaimed). */
        CLAIMED,
        /** Refused: an unclaimed device that had an owner (unclaimed or handed on by a transfer since). */
        WAS_CLAIMED,
        /** Refused: a device locked after an export, until its owner unlocks it. */
        LOCKED;

        /** The name used in the API, e.g. {@code was_claimed}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A device's root-key record and claim record as stored, for a compare-and-set ({@link #replace}). */
    public record Stored(String rootKeys, String claim) {
        public JsonObject rootKeysRecord() {
            return new JsonObject(rootKeys);
        }

        public Claim decodedClaim() {
            return decode(new JsonObject(claim));
        }
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;
    private final AttemptLimit limit;

    public ClaimStore(Redis redis, RedisKeys keys, AtRestCipher cipher, AttemptLimit limit) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
        this.limit = limit;
    }

    /**
     * The device's claim record as stored when {@code token} proved to be its owner token, read in the step that
     * counted the attempt; empty when the token is wrong (or the device has none). A caller that acts on the proof
     * compares this record in the script that acts ({@link #replace}, an export or unlock), so that a transfer or
     * unclaim landing in between refuses the step. Fails with {@link OwnerTokenAttemptsLimited} while the DevEUI's
     * attempts are limited.
     */
    public Future<Optional<String>> authenticate(Eui64 devEui, OwnerToken token) {
        String failures = keys.claimFailures(devEui);
        return ATTEMPT.run(redis, new String[] {failures, keys.claim(devEui)}, limit.failures(),
                limit.window().toMillis()).compose(reply -> {
                    if (reply.get(0).toInteger() == 0) {
                        return Future.failedFuture(new OwnerTokenAttemptsLimited(devEui,
                                Duration.ofMillis(reply.get(1).toLong())));
                    }
                    Response stored = reply.get(1);
                    return matches(devEui, stored, token)
                            ? REFUND.run(redis, new String[] {failures}).map(Optional.of(stored.toString()))
                            : Future.succeededFuture(Optional.empty());
                });
    }

    /** The claim in a stored claim record (as {@link #authenticate} gives it). */
    public static Claim claimOf(String record) {
        return decode(new JsonObject(record));
    }

    /** The device's claim; empty when it has none (unknown, or this network's own device). */
    public Future<Optional<Claim>> claim(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.claim(devEui))).map(stored -> stored == null
                ? Optional.empty() : Optional.of(decode(new JsonObject(stored.toBuffer()))));
    }

    /**
     * Stores a device unclaimed with its sealed root keys and owner token, unless it already has root keys and is not
     * a maker's stock that never had an owner (re-provisioning such a device replaces its keys and token).
     */
    public Future<ProvisionOutcome> provision(Eui64 devEui, JsonObject sealedRootKeys, OwnerToken token) {
        return PROVISION.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui),
                keys.rootKeysLock(devEui)}, sealedRootKeys.encode(),
                encode(devEui, Claim.unclaimed(), token).put("never_claimed", true).encode())
                .map(reply -> ProvisionOutcome.valueOf(reply.toString().toUpperCase(java.util.Locale.ROOT)));
    }

    /**
     * A device's root-key record and its claim (empty for this network's own devices), read in one step: a join
     * never sees the keys of one moment with the claim of another.
     */
    public record Held(JsonObject rootKeysRecord, Optional<Claim> claim) {
    }

    /** The device's root-key record and claim as they are now; empty when it has no root keys. */
    public Future<Optional<Held>> held(Eui64 devEui) {
        return redis.send(Request.cmd(Command.MGET).arg(keys.rootKeys(devEui)).arg(keys.claim(devEui)))
                .map(reply -> reply.get(0) == null ? Optional.empty()
                        : Optional.of(new Held(new JsonObject(reply.get(0).toBuffer()), reply.get(1) == null
                                ? Optional.empty() : Optional.of(decode(new JsonObject(reply.get(1).toBuffer()))))));
    }

    /** The device's root keys and claim as stored; empty unless it has both. */
    public Future<Optional<Stored>> stored(Eui64 devEui) {
        return redis.send(Request.cmd(Command.MGET).arg(keys.rootKeys(devEui)).arg(keys.claim(devEui)))
                .map(reply -> reply.get(0) == null || reply.get(1) == null ? Optional.empty()
                        : Optional.of(new Stored(reply.get(0).toString(), reply.get(1).toString())));
    }

    /**
     * Replaces the device's root keys and claim (with {@code token}'s digest, freshly salted) if both are still as
     * {@code expected}; false when another request changed either first.
     */
    public Future<Boolean> replace(Eui64 devEui, Stored expected, JsonObject sealedRootKeys, Claim claim,
                                   OwnerToken token) {
        return REPLACE.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui)}, expected.rootKeys(),
                expected.claim(), sealedRootKeys.encode(), encode(devEui, claim, token).encode())
                .map(reply -> reply.toInteger() == 1);
    }

    /** Re-seals every owner-token digest not under the current master key; the count re-sealed. */
    public Future<Integer> rotate() {
        return SealedRecords.rotate(redis, keys.claimPattern(), cipher, (redisKey, record) -> {
            Eui64 devEui = Eui64.parse(redisKey.substring(redisKey.indexOf('{') + 1, redisKey.indexOf('}')));
            byte[] plain = open(devEui, record);
            JsonObject fresh = cipher.seal(record.copy(), plain, kid -> associatedData(devEui, kid));
            Arrays.fill(plain, (byte) 0);
            return fresh;
        });
    }

    /**
     * The record of a claim with {@code token}'s digest (freshly salted), sealed for {@code devEui}, for a caller that
     * stores it in a script of its own together with the device's root keys (an import).
     */
    public JsonObject seal(Eui64 devEui, Claim claim, OwnerToken token) {
        return encode(devEui, claim, token);
    }

    /** The stored record of a claim with a freshly salted digest of {@code token}, sealed for {@code devEui}. */
    JsonObject encode(Eui64 devEui, Claim claim, OwnerToken token) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] plain = new byte[SALT_BYTES + 32];
        System.arraycopy(salt, 0, plain, 0, SALT_BYTES);
        System.arraycopy(digest(salt, token), 0, plain, SALT_BYTES, 32);
        JsonObject record = new JsonObject().put("state", claim.state().wireName());
        claim.homeNetId().ifPresent(netId -> record.put("home_net_id", netId.toString()));
        claim.homeNsId().ifPresent(nsId -> record.put("home_ns_id", nsId));
        if (!claim.asKekLabel().isEmpty()) {
            record.put("as_kek_label", claim.asKekLabel());
        }
        claim.claimedAt().ifPresent(at -> record.put("claimed_at", at.toEpochMilli()));
        JsonObject sealed = cipher.seal(record, plain, kid -> associatedData(devEui, kid));
        Arrays.fill(plain, (byte) 0);
        return sealed;
    }

    static Claim decode(JsonObject record) {
        Claim.State state = Claim.State.fromWireName(record.getString("state"));
        if (state == Claim.State.UNCLAIMED) {
            return Claim.unclaimed();
        }
        return Claim.claimed(NetId.parse(record.getString("home_net_id")),
                Optional.ofNullable(record.getString("home_ns_id")), record.getString("as_kek_label", ""),
                Instant.ofEpochMilli(record.getLong("claimed_at")));
    }

    private boolean matches(Eui64 devEui, Response stored, OwnerToken token) {
        byte[] plain = stored == null ? NO_RECORD : open(devEui, new JsonObject(stored.toBuffer()));
        byte[] expected = Arrays.copyOfRange(plain, SALT_BYTES, plain.length);
        byte[] given = digest(Arrays.copyOf(plain, SALT_BYTES), token);
        boolean equal = MessageDigest.isEqual(expected, given);
        if (plain != NO_RECORD) {
            Arrays.fill(plain, (byte) 0);
        }
        return equal && stored != null;
    }

    private byte[] open(Eui64 devEui, JsonObject record) {
        return cipher.open(record, associatedData(devEui, record.getString("kid")), "the owner token of " + devEui);
    }

    private static byte[] digest(byte[] salt, OwnerToken token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            byte[] bytes = token.bytes();
            sha256.update(bytes);
            Arrays.fill(bytes, (byte) 0);
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's required algorithms)", e);
        }
    }

    /** The digest is bound to its device and master key ID. */
    private static byte[] associatedData(Eui64 devEui, String kid) {
        return String.join("|", "lorawan-owner-token", devEui.toString(), kid).getBytes(StandardCharsets.UTF_8);
    }
}
