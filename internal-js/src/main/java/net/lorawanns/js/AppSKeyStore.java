package net.lorawanns.js;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecords;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;

/**
 * The AppSKey of each session the join server issued, sealed under the master key and kept by SessionKeyID so that
 * an application server can fetch it with an AppSKeyReq (TS002-1.1 section 6.3).
 */
public final class AppSKeyStore {
    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;

    public AppSKeyStore(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    public Future<Void> put(Eui64 devEui, String sessionKeyId, AesKey appSKey, Duration keepFor) {
        JsonObject sealed = cipher.seal(new JsonObject(), appSKey.bytes(),
                kid -> associatedData(devEui, sessionKeyId, kid));
        return redis.send(Request.cmd(Command.SET).arg(keys.appSKey(devEui, sessionKeyId)).arg(sealed.encode())
                .arg("PX").arg(keepFor.toMillis())).mapEmpty();
    }

    public Future<Optional<AesKey>> get(Eui64 devEui, String sessionKeyId) {
        return redis.send(Request.cmd(Command.GET).arg(keys.appSKey(devEui, sessionKeyId))).map(stored -> {
            if (stored == null) {
                return Optional.empty();
            }
            JsonObject record = new JsonObject(stored.toBuffer());
            return Optional.of(AesKey.of(cipher.open(record, associatedData(devEui, sessionKeyId,
                    record.getString("kid")), "the AppSKey of " + devEui)));
        });
    }

    /** Re-seals every stored AppSKey not under the current master key; the count re-sealed. */
    public Future<Integer> rotate() {
        return SealedRecords.rotate(redis, keys.appSKeyPattern(), cipher, (redisKey, record) -> {
                    Eui64 devEui = Eui64.parse(redisKey.substring(redisKey.indexOf('{') + 1, redisKey.indexOf('}')));
                    String sessionKeyId = redisKey.substring(redisKey.lastIndexOf(':') + 1);
                    byte[] plain = cipher.open(record, associatedData(devEui, sessionKeyId, record.getString("kid")),
                            "the AppSKey of " + devEui);
                    return cipher.seal(new JsonObject(), plain, kid -> associatedData(devEui, sessionKeyId, kid));
                });
    }

    private static byte[] associatedData(Eui64 devEui, String sessionKeyId, String kid) {
        return String.join("|", "lorawan-appskey", devEui.toString(), sessionKeyId, kid)
                .getBytes(StandardCharsets.UTF_8);
    }
}
