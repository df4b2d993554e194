package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * Which devices hold which device profile, counted where the profiles are, so that a profile's deletion and a
 * device's reference to it are decided in one atomic step ({@link DeviceProfileStore#delete}).
 *
 * <p>A device record lives in another hash slot than the profiles, so a write of it cannot be atomic with its
 * reference. Instead every write or deletion of a device record takes a generation from one counter, a write that
 * names a profile takes a hold on it under that generation first, a record is only ever replaced by a later
 * generation ({@link DeviceStore}), and once it is, the holds of earlier generations are released. A record that
 * names a profile therefore always has its hold: a failure between the steps leaves a hold too many (the profile
 * cannot be deleted until the device is written or deleted again), never one too few.
 */
final class ProfileReferences {
    /**
     * KEYS[1] the profiles, KEYS[2] their users, KEYS[3] the generation, KEYS[4] the device's holds; ARGV[1] the
     * profile ID, ARGV[2] the device's MAC version. Returns the new generation, -1 when there is no such profile,
     * -2 when the profile is for another MAC version.
     */
    private static final LuaScript HOLD = new LuaScript("device_profile_hold", """
            local profile = redis.call('HGET', KEYS[1], ARGV[1])
            if not profile then return -1 end
            if cjson.decode(profile).mac_version ~= ARGV[2] then return -2 end
            local generation = redis.call('INCR', KEYS[3])
            redis.call('HSET', KEYS[4], generation, ARGV[1])
            redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            return generation""");
    /**
     * KEYS[1] the users, KEYS[2] the device's holds; ARGV[1] a generation, ARGV[2] {@code below} to release every
     * hold of an earlier generation, {@code only} to release that generation's hold.
     */
    private static final LuaScript RELEASE = new LuaScript("device_profile_release", """
            local holds = redis.call('HGETALL', KEYS[2])
            local bound = tonumber(ARGV[1])
            for i = 1, #holds, 2 do
              local generation = tonumber(holds[i])
              if (ARGV[2] == 'below' and generation < bound) or (ARGV[2] == 'only' and generation == bound) then
                redis.call('HDEL', KEYS[2], holds[i])
                if redis.call('HINCRBY', KEYS[1], holds[i + 1], -1) <= 0 then
                  redis.call('HDEL', KEYS[1], holds[i + 1])
                end
              end
            end
            return 0""");

    private final Redis redis;
    private final RedisKeys keys;

    ProfileReferences(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** A generation for a device write that names no profile, or for a deletion. */
    Future<Long> generation() {
        return redis.send(Request.cmd(Command.INCR).arg(keys.deviceProfileGeneration())).map(r -> r.toLong());
    }

    /**
     * A generation with a hold on {@code profileId}; fails with a {@link ProfileReferenceException} when there is no
     * such profile or it is for another MAC version than the device's.
     */
    Future<Long> hold(Eui64 devEui, String profileId, MacVersion macVersion) {
        return HOLD.run(redis, new String[] {keys.deviceProfiles(), keys.deviceProfileUsers(),
                keys.deviceProfileGeneration(), keys.deviceProfileHolds(devEui)}, profileId, macVersion.toString())
                .map(reply -> {
                    long generation = reply.toLong();
                    if (generation == -1) {
                        throw new ProfileReferenceException("device_profile_id: no device profile '" + profileId
                                + "'; create it first");
                    }
                    if (generation == -2) {
                        throw new ProfileReferenceException("mac_version: device profile '" + profileId
                                + "' is for another LoRaWAN version than " + macVersion);
                    }
                    return generation;
                });
    }

    /** Releases the device's holds of generations before {@code generation}: a record of that generation stands. */
    Future<Void> releaseBefore(Eui64 devEui, long generation) {
        return release(devEui, generation, "below");
    }

    /** Releases the hold of {@code generation}, whose record write lost to a later one. */
    Future<Void> releaseOnly(Eui64 devEui, long generation) {
        return release(devEui, generation, "only");
    }

    private Future<Void> release(Eui64 devEui, long generation, String which) {
        return RELEASE.run(redis, new String[] {keys.deviceProfileUsers(), keys.deviceProfileHolds(devEui)},
                generation, which).mapEmpty();
    }
}
