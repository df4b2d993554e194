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
 * <p>A device with root keys here is imported only if it is locked here by an export and the JWE holds the same root
 * keys and JoinEUI: it is coming back (exported from here, then exported back to here by the join server it went
 * to). Its keys and claim are then replaced, its counters and DevNonce history take the greater value or the union of
 * what is here and what the JWE holds (so that join-requests it sent to the other join server stay refused here, and
 * the next JoinNonce is greater than the other's last), and the lock is lifted. Requiring the same root keys means
 * that a JWE made by anyone with an API key (the transfer key's public half is public) cannot take a locked device
 * without knowing its keys. The Redis calls run on the caller's context.
 */
public final class RootKeyImport {
    /**
     * KEYS: root keys, claim, DevNonce history, JoinNonce, lock, last RJcount1. ARGV: the root-key record here as read
     * before ('' for none), sealed root keys, sealed claim, last JoinNonce, last DevNonce ('' for none), last RJcount1
     * ('' for none), then each used random DevNonce. Reply: 1 imported, 2 came back, 0 exists, -1 changed since read.
     */
    private static final LuaScript IMPORT = new LuaScript("root_keys_import", """
            local here = redis.call('GET', KEYS[1]) or ''
            if here ~= ARGV[1] then return -1 end
            local outcome = 1
            if here ~= '' then
              if redis.call('EXISTS', KEYS[5]) == 0 then return 0 end
              outcome = 2
            end
            redis.call('SET', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], ARGV[3])
            if tonumber(ARGV[4]) > tonumber(redis.call('GET', KEYS[4]) or '0') then
              redis.call('SET', KEYS[4], ARGV[4])
            end
            if ARGV[5] ~= '' then
              local last = redis.call('HGET', KEYS[3], 'last')
              if not last or tonumber(last) < tonumber(ARGV[5]) then redis.call('HSET', KEYS[3], 'last', ARGV[5]) end
            end
            if ARGV[6] ~= '' and tonumber(ARGV[6]) > tonumber(redis.call('GET', KEYS[6]) or '-1') then
              redis.call('SET', KEYS[6], ARGV[6])
            end
            for i = 7, #ARGV do redis.call('HSET', KEYS[3], 'n' .. ARGV[i], 1) end
            redis.call('DEL', KEYS[5])
            return outcome
            """);

    /** What an import found. */
    public enum Outcome {
        /** A device new here, stored. */
        IMPORTED,
        /** A device locked here by an export, coming back with the same root keys: replaced and unlocked. */
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
     * Stores the device with its home network, claimed.
     *
     * @param home the device's root keys as they are to be stored here (the exported keys, this network's home)
     * @param claim the claim record ({@link ClaimStore#seal}) under which it arrives
     */
    public Future<Outcome> store(ExportedRootKeys exported, RootKeys home, JsonObject claim) {
        Eui64 devEui = exported.devEui();
        return redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(devEui))).compose(stored -> {
            String here = stored == null ? "" : stored.toString();
            if (!here.isEmpty() && !sameKeys(rootKeys.open(devEui, new JsonObject(here)), exported)) {
                return Future.succeededFuture(Outcome.OTHER_KEYS);
            }
            List<Object> args = new ArrayList<>();
            args.add(here);
            args.add(rootKeys.seal(devEui, home).encode());
            args.add(claim.encode());
            args.add(exported.lastJoinNonce().value());
            args.add(exported.lastDevNonce().map(nonce -> String.valueOf(nonce.value())).orElse(""));
            args.add(exported.lastRjCount1().map(String::valueOf).orElse(""));
            exported.usedDevNonces().stream().map(DevNonce::value).forEach(args::add);
            return IMPORT.run(redis, new String[] {keys.rootKeys(devEui), keys.claim(devEui),
                    keys.devNonces(devEui, exported.joinEui()), keys.joinNonce(devEui), keys.rootKeysLock(devEui),
                    keys.rejoinCount1(devEui, exported.joinEui())}, args.toArray()).map(r -> switch (r.toInteger()) {
                        case 1 -> Outcome.IMPORTED;
                        case 2 -> Outcome.RETURNED;
                        case 0 -> Outcome.EXISTS;
                        default -> Outcome.CHANGED;
                    });
        });
    }

    /** Whether the keys here are the JWE's: the same JoinEUI, LoRaWAN version, AppKey and NwkKey. */
    private static boolean sameKeys(RootKeys here, ExportedRootKeys exported) {
        return here.joinEui().equals(exported.joinEui()) && here.macVersion() == exported.macVersion()
                && here.appKey().equals(exported.appKey()) && here.nwkKey().equals(exported.nwkKey());
    }
}
