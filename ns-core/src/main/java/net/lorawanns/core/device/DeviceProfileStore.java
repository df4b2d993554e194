package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;

/**
 * Device profiles in Redis: configuration-grade, in one hash beside the count of devices that hold each one
 * ({@link ProfileReferences}), so that a change the devices forbid is refused in the same atomic step that makes it.
 * Called on an event loop (the API's); its futures complete there.
 */
public final class DeviceProfileStore {
    /**
     * KEYS[1] the profiles, KEYS[2] their users; ARGV[1] the ID, ARGV[2] the JSON, ARGV[3] its MAC version, ARGV[4]
     * its region, ARGV[5] its Regional Parameters revision. A profile that devices hold keeps these three: the MAC
     * version decides their keys and sessions, the region and revision their channels and MAC state. Returns 1 when
     * created, 0 when replaced, minus the number of devices when refused.
     */
    private static final LuaScript PUT = new LuaScript("device_profile_put", """
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            local was = current and cjson.decode(current)
            if was and (was.mac_version ~= ARGV[3] or was.region ~= ARGV[4]
                or was.reg_params_revision ~= ARGV[5]) then
              local users = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
              if users > 0 then return -users end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if current then return 0 end
            return 1""");
    /**
     * KEYS as {@link #PUT}; ARGV[1] the ID. Deletes a profile no device holds. Returns 1 when deleted, 0 when there
     * was none, minus the number of devices when refused.
     */
    private static final LuaScript DELETE = new LuaScript("device_profile_delete", """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
            local users = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
            if users > 0 then return -users end
            redis.call('HDEL', KEYS[1], ARGV[1])
            return 1""");

    private final Redis redis;
    private final RedisKeys keys;

    public DeviceProfileStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Creates or replaces a profile; true when created. Fails with a {@link DeviceProfileInUseException} when devices
     * hold it and its MAC version would change.
     */
    public Future<Boolean> put(DeviceProfile profile) {
        return PUT.run(redis, profileKeys(), profile.id(), profile.toJson().encode(), profile.macVersion().toString(),
                        profile.regionId(), profile.regParamsRevision().toString())
                .map(reply -> {
                    int outcome = reply.toInteger();
                    if (outcome < 0) {
                        throw new DeviceProfileInUseException("mac_version: device profile '" + profile.id()
                                + "' is used by " + -outcome + " device(s), whose keys, sessions, channels and MAC "
                                + "state follow its LoRaWAN version, region and Regional Parameters revision, which "
                                + "therefore stay; create a new profile and move them to it");
                    }
                    return outcome == 1;
                });
    }

    public Future<Optional<DeviceProfile>> get(String id) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.deviceProfiles()).arg(id)).map(reply -> reply == null
                ? Optional.empty() : Optional.of(DeviceProfile.fromJson(id, new JsonObject(reply.toBuffer()))));
    }

    /** Every profile, by ID. */
    public Future<List<DeviceProfile>> all() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.deviceProfiles())).map(reply -> {
            List<DeviceProfile> profiles = new ArrayList<>();
            for (String id : reply.getKeys()) {
                Response json = reply.get(id);
                profiles.add(DeviceProfile.fromJson(id, new JsonObject(json.toBuffer())));
            }
            profiles.sort(Comparator.comparing(DeviceProfile::id));
            return profiles;
        });
    }

    /**
     * Deletes a profile; false when there was none. Fails with a {@link DeviceProfileInUseException} while a device
     * holds it.
     */
    public Future<Boolean> delete(String id) {
        return DELETE.run(redis, profileKeys(), id).map(reply -> {
            int outcome = reply.toInteger();
            if (outcome < 0) {
                throw new DeviceProfileInUseException("device profile '" + id + "' is used by " + -outcome
                        + " device(s); give them another profile (or none) or delete them first");
            }
            return outcome == 1;
        });
    }

    private String[] profileKeys() {
        return new String[] {keys.deviceProfiles(), keys.deviceProfileUsers()};
    }
}
