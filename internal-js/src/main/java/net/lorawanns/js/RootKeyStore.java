package net.lorawanns.js;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.join.RootKeysOwnedException;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecords;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * Root keys in Redis, sealed by the {@link AtRestCipher}: a record holds the ciphertext of AppKey | NwkKey; the
 * JoinEUI, version, home network and application server stay readable but are bound to the ciphertext as
 * associated data, so a record cannot be moved to another device or have its home network or AS-ID changed.
 *
 * <p>Root keys set through {@link RootKeyProvisioning} ({@code PUT /api/v1/devices}) belong to this network's own
 * devices. A device provisioned with an owner token ({@link net.lorawanns.js.claim.ClaimStore}, claimed or not) or
 * locked after an export ({@link RedisKeys#rootKeysLock}) is its owner's: the API's PUT does not replace its keys
 * ({@link RootKeysOwnedException}) and its DELETE leaves them, so that no API key unlocks, takes or destroys a device
 * without its owner token; nor is the DevNonce history of a device with a claim record reset through the API (join
 * requests it sent before would be answered again). The check and the write are one step.
 */
public final class RootKeyStore implements RootKeyProvisioning {
    /** KEYS: root keys, claim, lock. ARGV: the sealed record. 0 when the device is its owner's. */
    private static final LuaScript SET_OWN = new LuaScript("root_keys_set", """
            if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            return 1
            """);
    /** KEYS: root keys, claim, lock. 1 when deleted, 0 when there were none, -1 when the device is its owner's. */
    private static final LuaScript DELETE_OWN = new LuaScript("root_keys_delete", """
            if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return -1 end
            return redis.call('DEL', KEYS[1])
            """);
    /** KEYS: claim, DevNonce history. 1 when reset, 0 when the device has a claim record (nothing done). */
    private static final LuaScript RESET_DEV_NONCES = new LuaScript("dev_nonces_reset", """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('DEL', KEYS[2])
            return 1
            """);

    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;

    public RootKeyStore(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    @Override
    public Future<Void> setRootKeys(Eui64 devEui, RootKeys rootKeys) {
        return SET_OWN.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui),
                keys.rootKeysLock(devEui)}, seal(devEui, rootKeys).encode()).compose(set -> set.toInteger() == 1
                        ? Future.succeededFuture() : Future.failedFuture(new RootKeysOwnedException(devEui)));
    }

    @Override
    public Future<Boolean> hasRootKeys(Eui64 devEui) {
        return redis.send(Request.cmd(Command.EXISTS).arg(keys.rootKeys(devEui))).map(r -> r.toInteger() > 0);
    }

    @Override
    public Future<Boolean> deleteRootKeys(Eui64 devEui) {
        return DELETE_OWN.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui),
                keys.rootKeysLock(devEui)}).map(r -> r.toInteger() > 0);
    }

    @Override
    public Future<Boolean> resetDevNonces(Eui64 devEui, Eui64 joinEui) {
        return RESET_DEV_NONCES.run(redis, new String[] {keys.claim(devEui), keys.devNonces(devEui, joinEui)})
                .map(r -> r.toInteger() == 1);
    }

    @Override
    public Future<Optional<JoinNonce>> lastJoinNonce(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.joinNonce(devEui))).map(stored -> stored == null
                ? Optional.empty() : Optional.of(new JoinNonce(stored.toInteger())));
    }

    /** The device's root keys, decrypted; empty when none are stored. */
    public Future<Optional<RootKeys>> rootKeys(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(devEui))).map(stored -> stored == null
                ? Optional.empty() : Optional.of(open(devEui, new JsonObject(stored.toBuffer()))));
    }

    /** Re-seals every root-key record not under the current master key; the count of records re-sealed. */
    public Future<Integer> rotate() {
        return SealedRecords.rotate(redis, keys.rootKeysPattern(), cipher, (redisKey, record) -> {
            String devEui = redisKey.substring(redisKey.indexOf('{') + 1, redisKey.indexOf('}'));
            Eui64 eui = Eui64.parse(devEui);
            return seal(eui, open(eui, record));
        });
    }

    /** The record stored for {@code devEui}'s root keys, sealed; for callers that write it in a script of their own. */
    public JsonObject seal(Eui64 devEui, RootKeys rootKeys) {
        byte[] plain = new byte[32];
        System.arraycopy(rootKeys.appKey().bytes(), 0, plain, 0, 16);
        rootKeys.nwkKey().ifPresent(nwkKey -> System.arraycopy(nwkKey.bytes(), 0, plain, 16, 16));
        JsonObject record = new JsonObject().put("join_eui", rootKeys.joinEui().toString())
                .put("mac_version", rootKeys.macVersion().toString())
                .put("home_net_id", rootKeys.homeNetId().toString()).put("home_ns_id", rootKeys.homeNsId().orElse(""))
                .put("has_nwk_key", rootKeys.nwkKey().isPresent());
        rootKeys.asId().ifPresent(asId -> record.put("as_id", asId));
        JsonObject sealed = cipher.seal(record, plain, kid -> associatedData(devEui, kid, record));
        Arrays.fill(plain, (byte) 0);
        return sealed;
    }

    /** The root keys in a stored record of {@code devEui}. */
    public RootKeys open(Eui64 devEui, JsonObject record) {
        byte[] plain = cipher.open(record, associatedData(devEui, record.getString("kid"), record),
                "the root keys of " + devEui);
        Optional<AesKey> nwkKey = record.getBoolean("has_nwk_key") ? Optional.of(AesKey.of(plain, 16)) : Optional.empty();
        String homeNsId = record.getString("home_ns_id", "");
        String asId = record.getString("as_id", "");
        RootKeys rootKeys = new RootKeys(Eui64.parse(record.getString("join_eui")),
                MacVersion.parse(record.getString("mac_version")), AesKey.of(plain, 0), nwkKey,
                NetId.parse(record.getString("home_net_id")),
                homeNsId.isEmpty() ? Optional.empty() : Optional.of(homeNsId),
                asId.isEmpty() ? Optional.empty() : Optional.of(asId));
        Arrays.fill(plain, (byte) 0);
        return rootKeys;
    }

    /** The readable fields bound to the ciphertext; a record without an AS-ID has the data of the earlier format. */
    private static byte[] associatedData(Eui64 devEui, String kid, JsonObject record) {
        String asId = record.getString("as_id", "");
        return (String.join("|", "lorawan-root-keys", devEui.toString(), kid,
                record.getString("join_eui"), record.getString("mac_version"), record.getString("home_net_id"),
                record.getString("home_ns_id", ""), String.valueOf(record.getBoolean("has_nwk_key")))
                + (asId.isEmpty() ? "" : "|as_id=" + asId)).getBytes(StandardCharsets.UTF_8);
    }
}
