package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Device records in Redis, by DevEUI. Each write and deletion has a generation and holds the device's profile (see
 * {@link ProfileReferences}); the record keeps its generation as {@code profile_ref}, and a deleted record leaves
 * its deletion's generation for {@link #DELETION_MARK_TTL}. Called on an event loop (the API's); a write's or
 * deletion's steps follow one another there.
 */
public final class DeviceStore {
    /**
     * Longer than any write may still be on its way to Redis (every request has a deadline of seconds), so that no
     * write ordered before a deletion lands after it.
     */
    static final Duration DELETION_MARK_TTL = Duration.ofDays(1);
    private static final String NEWEST = """
            local newest = tonumber(redis.call('GET', KEYS[2]) or '0')
            local raw = redis.call('GET', KEYS[1])
            if raw then
              local written = cjson.decode(raw).profile_ref
              if written and written > newest then newest = written end
            end
            """;
    /**
     * KEYS[1] the record, KEYS[2] its deletion mark; ARGV[1] the record, ARGV[2] its generation. Writes it unless a
     * later generation wrote or deleted the record; 1 when written.
     */
    private static final LuaScript WRITE = new LuaScript("device_write", NEWEST + """
            if newest >= tonumber(ARGV[2]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[2])
            return 1""");
    /**
     * KEYS as {@link #WRITE}; ARGV[1] the deletion's generation, ARGV[2] how long its mark stays (ms). Returns 1
     * when the record was deleted, 0 when there was none, -1 when a later generation's write stands.
     */
    private static final LuaScript ERASE = new LuaScript("device_erase", NEWEST + """
            if newest >= tonumber(ARGV[1]) then return -1 end
            local existed = redis.call('DEL', KEYS[1])
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            return existed""");

    private final Redis redis;
    private final RedisKeys keys;
    private final ProfileReferences references;

    public DeviceStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.references = new ProfileReferences(redis, keys);
    }

    /**
     * Creates or replaces the record, moving the device's hold from its former profile to its new one. Fails with a
     * {@link ProfileReferenceException}, writing nothing, when the profile does not exist or is for another MAC
     * version.
     */
    public Future<Void> put(Device device) {
        Eui64 devEui = device.devEui();
        Future<Long> generation = device.deviceProfileId().isPresent()
                ? references.hold(devEui, device.deviceProfileId().get(), device.macVersion())
                : references.generation();
        return generation.compose(g -> WRITE.run(redis, recordKeys(devEui),
                device.toJson().put("profile_ref", g).encode(), g).compose(written -> written.toInteger() == 1
                        ? references.releaseBefore(devEui, g) : references.releaseOnly(devEui, g)));
    }

    public Future<Optional<Device>> get(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.device(devEui))).map(response -> response == null
                ? Optional.empty() : Optional.of(Device.fromJson(new JsonObject(response.toBuffer()))));
    }

    /**
     * Deletes the device record and releases its hold on a profile; returns whether the device existed. Its
     * sessions go with {@link SessionStore#delete}, which also clears their DevAddr index entries.
     */
    public Future<Boolean> delete(Eui64 devEui) {
        return references.generation().compose(g -> ERASE.run(redis, recordKeys(devEui), g,
                DELETION_MARK_TTL.toMillis()).compose(erased -> references.releaseBefore(devEui, g)
                        .map(v -> erased.toInteger() != 0)));
    }

    private String[] recordKeys(Eui64 devEui) {
        return new String[] {keys.device(devEui), keys.deviceDeleted(devEui)};
    }
}
