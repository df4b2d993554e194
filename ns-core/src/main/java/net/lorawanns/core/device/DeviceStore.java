package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Optional;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/** Device records in Redis, by DevEUI. */
public final class DeviceStore {
    private final Redis redis;
    private final RedisKeys keys;

    public DeviceStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Future<Void> put(Device device) {
        return redis.send(Request.cmd(Command.SET).arg(keys.device(device.devEui())).arg(device.toJson().encode()))
                .mapEmpty();
    }

    public Future<Optional<Device>> get(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.device(devEui))).map(response -> response == null
                ? Optional.empty() : Optional.of(Device.fromJson(new JsonObject(response.toBuffer()))));
    }

    /**
     * Deletes the device record; returns whether the device existed. Its sessions go with
     * {@link SessionStore#delete}, which also clears their DevAddr index entries.
     */
    public Future<Boolean> delete(Eui64 devEui) {
        return redis.send(Request.cmd(Command.DEL).arg(keys.device(devEui)))
                .map(response -> response.toInteger() > 0);
    }
}
