package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.claim.ClaimStore;

/**
 * Stores an imported device in one Redis step: its sealed root keys, its claim (the importer's home network and owner
 * token, so the device arrives claimed), its DevNonce history (so that join-requests it sent before stay refused) and
 * its JoinNonce counter (so that the next JoinNonce is greater than any the exporting join server gave), and a
 * LoRaWAN 1.1 device's last RJcount1 (so that its type 1 rejoin-requests sent before stay refused).
 *
 * <p>A device with root keys here that is not locked by an export is refused ({@link Outcome#EXISTS}) without its
 * keys being opened: whether a JWE holds the device's keys is not told to anyone with an API key. A device locked
 * here by an export whose JWE holds the same root keys and JoinEUI is coming back (exported from here, then exported
 * back to here by the join server it went to): only its nonce state is merged (the greater JoinNonce and RJcount1,
 * the union of DevNonces, so that join-requests it sent to the other join server stay refused here and the next
 * JoinNonce is greater than the other's last). Its claim and lock stay: makers, earlier owners and the other join
 * server's operator know its keys, so a JWE of them proves nothing about its owner, who lifts the lock with the owner
 * token ({@link ExportLock#unlock}). The Redis calls run on the caller's context.
 */
public final class RootKeyImport {
    /**
     * Stores a device new here. KEYS: root keys, claim, DevNonce history, JoinNonce, last RJcount1. ARGV: sealed root
     * keys, sealed claim, then the nonce state ({@link #nonceArgs}). Reply: 1 imported, -1 root keys arrived since
     * they were read.
     */
    private static final LuaScript IMPORT = new LuaScript("root_keys_import", """
            if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            """ + mergeNonces(3) + """
            return 1
            """);

    /**
     * Merges the nonce state of a device coming back, keeping its keys, claim and lock. KEYS: root keys, lock,
     * DevNonce history, JoinNonce, last RJcount1. ARGV: the root-key record as read before, then the nonce state
     * ({@link #nonceArgs}). Reply: 2 merged, 0 not locked any more, -1 the root keys changed since they were read.
     */
    private static final LuaScript MERGE = new LuaScript("root_keys_import_merge", """
            if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return -1 end
            if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
            """ + mergeNonces(2) + """
            return 2
            """);

    /** What an import found. */
    public enum Outcome {
        /** A device new here, stored. */
        IMPORTED,
        /**
         * A device locked here by an export, coming back with the same root keys: its nonce state merged, its claim
         * and lock kept until its owner unlocks it.
         */
        RETURNED,
        /** Refused: the device has root keys here and is not locked by an export. */
        EXISTS,
        /** Refused: the device is locked here by an export, but the JWE holds other root keys or another JoinEUI. */
        OTHER_KEYS,
        /** Refused: the device's root keys here changed while it was imported; try again. */
        CHANGED
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final RootKeyStore rootKeys;

    public RootKeyImport(Redis redis, RedisKeys keys, RootKeyStore rootKeys) {
        this.redis = redis;
        this.keys = keys;
        this.rootKeys = rootKeys;
    }

    /**
     * Stores the device with its home network, claimed, or merges the nonce state of a device coming back.
     *
     * @param home the device's root keys as they are to be stored here (the exported keys, this network's home)
     * @param claim the claim record ({@link ClaimStore#seal}) under which a device new here arrives
     */
    public Future<Outcome> store(ExportedRootKeys exported, RootKeys home, JsonObject claim) {
        Eui64 devEui = exported.devEui();
        // The record and the lock in one read (one hash slot): the keys are opened only for a device locked here.
        return redis.send(Request.cmd(Command.MGET).arg(keys.rootKeys(devEui)).arg(keys.rootKeysLock(devEui)))
                .compose(stored -> {
                    if (stored.get(0) == null) {
                        List<Object> args = new ArrayList<>();
                        args.add(rootKeys.seal(devEui, home).encode());
                        args.add(claim.encode());
                        args.addAll(nonceArgs(exported));
                        return IMPORT.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui),
                                keys.devNonces(devEui, exported.joinEui()), keys.joinNonce(devEui),
                                keys.rejoinCount1(devEui, exported.joinEui())}, args.toArray())
                                .map(r -> r.toInteger() == 1 ? Outcome.IMPORTED : Outcome.CHANGED);
                    }
                    if (stored.get(1) == null) {
                        return Future.succeededFuture(Outcome.EXISTS);
                    }
                    String here = stored.get(0).toString();
                    if (!sameKeys(rootKeys.open(devEui, new JsonObject(here)), exported)) {
                        return Future.succeededFuture(Outcome.OTHER_KEYS);
                    }
                    List<Object> args = new ArrayList<>();
                    args.add(here);
                    args.addAll(nonceArgs(exported));
                    return MERGE.run(redis, new String[] {keys.rootKeys(devEui), keys.rootKeysLock(devEui),
                            keys.devNonces(devEui, exported.joinEui()), keys.joinNonce(devEui),
                            keys.rejoinCount1(devEui, exported.joinEui())}, args.toArray())
                            .map(r -> switch (r.toInteger()) {
                                case 2 -> Outcome.RETURNED;
                                case 0 -> Outcome.EXISTS;
                                default -> Outcome.CHANGED;
                            });
                });
    }

    /** The JWE's nonce state as script arguments: last JoinNonce, last DevNonce, last RJcount1, used DevNonces. */
    private static List<Object> nonceArgs(ExportedRootKeys exported) {
        List<Object> args = new ArrayList<>();
        args.add(exported.lastJoinNonce().value());
        args.add(exported.lastDevNonce().map(nonce -> String.valueOf(nonce.value())).orElse(""));
        args.add(exported.lastRjCount1().map(String::valueOf).orElse(""));
        exported.usedDevNonces().stream().map(DevNonce::value).forEach(args::add);
        return args;
    }

    /**
     * Lua that merges the nonce state in ARGV from {@code first} on into KEYS[3] (DevNonce history), KEYS[4]
     * (JoinNonce) and KEYS[5] (last RJcount1): the greater counters and the union of the used DevNonces.
     */
    private static String mergeNonces(int first) {
        return """
                local a = %d
                if tonumber(ARGV[a]) > tonumber(redis.call('GET', KEYS[4]) or '0') then
                  redis.call('SET', KEYS[4], ARGV[a])
                end
                if ARGV[a + 1] ~= '' then
                  local last = redis.call('HGET', KEYS[3], 'last')
                  if not last or tonumber(last) < tonumber(ARGV[a + 1]) then
                    redis.call('HSET', KEYS[3], 'last', ARGV[a + 1])
                  end
                end
                if ARGV[a + 2] ~= '' and tonumber(ARGV[a + 2]) > tonumber(redis.call('GET', KEYS[5]) or '-1') then
                  redis.call('SET', KEYS[5], ARGV[a + 2])
                end
                for i = a + 3, #ARGV do redis.call('HSET', KEYS[3], 'n' .. ARGV[i], 1) end
                """.formatted(first);
    }

    /** Whether the keys here are the JWE's: the same JoinEUI, LoRaWAN version, AppKey and NwkKey. */
    private static boolean sameKeys(RootKeys here, ExportedRootKeys exported) {
        return here.joinEui().equals(exported.joinEui()) && here.macVersion() == exported.macVersion()
                && here.appKey().equals(exported.appKey()) && here.nwkKey().equals(exported.nwkKey());
    }
}
