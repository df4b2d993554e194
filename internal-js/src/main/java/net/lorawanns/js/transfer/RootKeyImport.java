package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.claim.ClaimStore;

/**
 * Stores an imported device in one Redis step: its sealed root keys (only if it has none here), its claim (the
 * importer's home network and owner token, so the device arrives claimed), its DevNonce history
 * (so that join-requests it sent before stay refused) and its JoinNonce counter (so that the next JoinNonce is
 * greater than any the exporting join server gave), and a LoRaWAN 1.1 device's last RJcount1 (so that its type 1
 * rejoin-requests sent before stay refused). A counter or history already here, left by an earlier life of
 * the device on this server, is kept where it is further on. A lock left by an earlier export from here is lifted:
 * the keys are here again. The Redis call runs on the caller's context.
 */
public final class RootKeyImport {
    /**
     * KEYS: root keys, claim, DevNonce history, JoinNonce, lock, last RJcount1. ARGV: sealed root keys, sealed claim,
     * last JoinNonce, last DevNonce ('' for none), last RJcount1 ('' for none), then each used random DevNonce.
     */
    private static final LuaScript IMPORT = new LuaScript("root_keys_import", """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            if tonumber(ARGV[3]) > tonumber(redis.call('GET', KEYS[4]) or '0') then
              redis.call('SET', KEYS[4], ARGV[3])
            end
            if ARGV[4] ~= '' then
              local last = redis.call('HGET', KEYS[3], 'last')
              if not last or tonumber(last) < tonumber(ARGV[4]) then redis.call('HSET', KEYS[3], 'last', ARGV[4]) end
            end
            if ARGV[5] ~= '' and tonumber(ARGV[5]) > tonumber(redis.call('GET', KEYS[6]) or '-1') then
              redis.call('SET', KEYS[6], ARGV[5])
            end
            for i = 6, #ARGV do redis.call('HSET', KEYS[3], 'n' .. ARGV[i], 1) end
            redis.call('DEL', KEYS[5])
            return 1
            """);

    private final Redis redis;
    private final RedisKeys keys;
    private final RootKeyStore rootKeys;

    public RootKeyImport(Redis redis, RedisKeys keys, RootKeyStore rootKeys) {
        this.redis = redis;
        this.keys = keys;
        this.rootKeys = rootKeys;
    }

    /**
     * Stores the device with its home network, claimed.
     *
     * @param home the device's root keys as they are to be stored here (the exported keys, this network's home)
     * @param claim the claim record ({@link ClaimStore#seal}) under which it arrives
     * @return false, and nothing stored, when the device already has root keys here
     */
    public Future<Boolean> store(ExportedRootKeys exported, RootKeys home, JsonObject claim) {
        List<Object> args = new ArrayList<>();
        args.add(rootKeys.seal(exported.devEui(), home).encode());
        args.add(claim.encode());
        args.add(exported.lastJoinNonce().value());
        args.add(exported.lastDevNonce().map(nonce -> String.valueOf(nonce.value())).orElse(""));
        args.add(exported.lastRjCount1().map(String::valueOf).orElse(""));
        exported.usedDevNonces().stream().map(DevNonce::value).forEach(args::add);
        return IMPORT.run(redis, new String[] {keys.rootKeys(exported.devEui()), keys.claim(exported.devEui()),
                keys.devNonces(exported.devEui(), exported.joinEui()), keys.joinNonce(exported.devEui()),
                keys.rootKeysLock(exported.devEui()), keys.rejoinCount1(exported.devEui(), exported.joinEui())},
                args.toArray()).map(r -> r.toInteger() == 1);
    }
}
