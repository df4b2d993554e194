package net.lorawanns.core.seal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import net.lorawanns.core.redis.RedisKeys;

/**
 * Makes sure this server's master key is the one the stored secrets were sealed with: the first server to start
 * with a master key ID stores a check record under it; every later one must be able to open it. The record keeps
 * the shape of a root-key record of device FFFFFFFFFFFFFFFF (no NwkKey, LoRaWAN 1.0.4, NetID 000000), as the
 * internal join server wrote it before every secret was sealed, so that the checks already in Redis still open.
 */
public final class MasterKeyCheck {
    private static final String OWNER = "FFFFFFFFFFFFFFFF";
    private static final String MAC_VERSION = "1.0.4";
    private static final String NET_ID = "000000";

    private MasterKeyCheck() {
    }

    /**
     * Fails with a {@link SealedRecordException} naming the problem when the current master key cannot open the
     * check record of its ID.
     */
    public static Future<Void> verify(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        String key = keys.masterKeyCheck(cipher.currentId());
        JsonObject record = cipher.seal(new JsonObject().put("join_eui", OWNER).put("mac_version", MAC_VERSION)
                .put("home_net_id", NET_ID).put("home_ns_id", "").put("has_nwk_key", false), new byte[32],
                MasterKeyCheck::associatedData);
        return redis.send(Request.cmd(Command.SET).arg(key).arg(record.encode()).arg("NX"))
                .compose(ignored -> redis.send(Request.cmd(Command.GET).arg(key)))
                .map(stored -> {
                    JsonObject check = new JsonObject(stored.toBuffer());
                    cipher.open(check, associatedData(check.getString("kid")), "the stored secrets");
                    return null;
                });
    }

    private static byte[] associatedData(String kid) {
        return String.join("|", "lorawan-root-keys", OWNER, kid, OWNER, MAC_VERSION, NET_ID, "", "false")
                .getBytes(StandardCharsets.UTF_8);
    }
}
