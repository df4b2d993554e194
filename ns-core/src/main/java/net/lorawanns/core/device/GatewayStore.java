package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Gateways registered through the API, shared by all instances through Redis. Every change is announced on
 * {@link RedisKeys#gatewayChanges()} in the same atomic step, so that an instance that hears it and reads the set
 * again sees the change.
 */
public final class GatewayStore {
    /**
     * KEYS[1] the set, KEYS[2] the regions; ARGV[1] the EUI, ARGV[2] the channel, ARGV[3] the region ('' for the
     * default). Announces only a real change; returns 1 then.
     */
    private static final LuaScript ADD = new LuaScript("gateway_add", """
            local changed = redis.call('SADD', KEYS[1], ARGV[1])
            local before = redis.call('HGET', KEYS[2], ARGV[1]) or ''
            if before ~= ARGV[3] then
              if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
              changed = 1
            end
            if changed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return changed""");
    private static final LuaScript REMOVE = new LuaScript("gateway_remove", """
            local removed = redis.call('SREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            if removed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return removed""");

    private final Redis redis;
    private final RedisKeys keys;

    public GatewayStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Registers a gateway, or changes its region; {@code region} empty for the network's default region. */
    public Future<Void> add(Eui64 gateway, Optional<String> region) {
        return ADD.run(redis, new String[] {keys.gateways(), keys.gatewayRegions()}, gateway.toString(),
                keys.gatewayChanges(), region.orElse("")).mapEmpty();
    }

    /** Removes a gateway; false when it was not registered. */
    public Future<Boolean> remove(Eui64 gateway) {
        return REMOVE.run(redis, new String[] {keys.gateways(), keys.gatewayRegions()}, gateway.toString(),
                keys.gatewayChanges())
                .map(r -> r.toInteger() > 0);
    }

    /** The registered gateways, each with its region id, or empty for the default region. */
    public Future<Map<Eui64, Optional<String>>> all() {
        Future<Response> members = redis.send(Request.cmd(Command.SMEMBERS).arg(keys.gateways()));
        Future<Response> regions = redis.send(Request.cmd(Command.HGETALL).arg(keys.gatewayRegions()));
        return Future.all(members, regions).map(both -> {
            Map<Eui64, Optional<String>> gateways = new TreeMap<>();
            for (Response member : members.result()) {
                gateways.put(Eui64.parse(member.toString()), Optional.empty());
            }
            Response byGateway = regions.result();
            for (String eui : byGateway.getKeys()) {
                Eui64 gateway = Eui64.parse(eui);
                if (gateways.containsKey(gateway)) {
                    gateways.put(gateway, Optional.of(byGateway.get(eui).toString()));
                }
            }
            return gateways;
        });
    }
}
