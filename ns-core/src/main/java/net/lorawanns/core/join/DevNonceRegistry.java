package net.lorawanns.core.join;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * The DevNonces a device has used, per DevEUI and JoinEUI. LoRaWAN 1.0.0-1.0.3 devices send random nonces, so a
 * value may never come back; 1.0.4 and 1.1 devices count, so a value must exceed the last (LoRaWAN 1.0.4 section
 * 6.2.5, 1.1 section 6.2.2). Check and record are one Redis step.
 */
public final class DevNonceRegistry {
    /** A hash per device: field {@code last} for counting devices, one field per used value for random ones. */
    private static final LuaScript USE = new LuaScript("dev_nonce_use", """
            if ARGV[2] == '1' then
              local last = redis.call('HGET', KEYS[1], 'last')
              if last and tonumber(ARGV[1]) <= tonumber(last) then return tonumber(last) end
              redis.call('HSET', KEYS[1], 'last', ARGV[1])
              return -1
            end
            if redis.call('HSETNX', KEYS[1], 'n' .. ARGV[1], 1) == 1 then return -1 end
            return tonumber(ARGV[1])
            """);

    private final Redis redis;
    private final RedisKeys keys;

    public DevNonceRegistry(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Records a DevNonce if the device's rules allow it.
     *
     * @return empty when accepted, else why not
     */
    public Future<Optional<String>> use(Eui64 devEui, Eui64 joinEui, DevNonce devNonce, MacVersion version) {
        boolean counter = version.devNonceIsCounter();
        return USE.run(redis, new String[] {keys.devNonces(devEui, joinEui)}, devNonce.value(), counter ? 1 : 0)
                .map(response -> {
                    long refused = response.toLong();
                    if (refused < 0) {
                        return Optional.empty();
                    }
                    return Optional.of(counter
                            ? "DevNonce " + devNonce + " is not greater than the last one, " + new DevNonce((int) refused)
                            : "DevNonce " + devNonce + " was used before");
                });
    }

    /**
     * The last DevNonce of a device that counts them (LoRaWAN 1.0.4, 1.1); empty for one that sends random nonces,
     * whose used values have no order, or before its first join.
     */
    public Future<Optional<DevNonce>> last(Eui64 devEui, Eui64 joinEui) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.devNonces(devEui, joinEui)).arg("last"))
                .map(last -> last == null ? Optional.empty() : Optional.of(new DevNonce(last.toInteger())));
    }

    /** Forgets the device's nonce history, e.g. after its counter was reset by a firmware update. */
    public Future<Void> reset(Eui64 devEui, Eui64 joinEui) {
        return redis.send(Request.cmd(Command.DEL).arg(keys.devNonces(devEui, joinEui))).mapEmpty();
    }
}
