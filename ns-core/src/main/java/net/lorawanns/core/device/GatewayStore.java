package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Set;
import java.util.TreeSet;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Gateways registered through the API, shared by all instances through Redis. Every change is announced on
 * {@link RedisKeys#gatewayChanges()} in the same atomic step, so that an instance that hears it and reads the set
 * again sees the change.
 */
public final class GatewayStore {
    /** KEYS[1] the set; ARGV[1] the EUI, ARGV[2] the channel. Announces only a real change; returns 1 then. */
    private static final LuaScript ADD = new LuaScript("gateway_add", """
            local added = redis.call('SADD', KEYS[1], ARGV[1])
            if added == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return added""");
    private static final LuaScript REMOVE = new LuaScript("gateway_remove", """
            local removed = redis.call('SREM', KEYS[1], ARGV[1])
            if removed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return removed""");

    private final Redis redis;
    private final RedisKeys keys;

    public GatewayStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Future<Void> add(Eui64 gateway) {
        return ADD.run(redis, new String[] {keys.gateways()}, gateway.toString(), keys.gatewayChanges()).mapEmpty();
    }

    /** Removes a gateway; false when it was not registered. */
    public Future<Boolean> remove(Eui64 gateway) {
        return REMOVE.run(redis, new String[] {keys.gateways()}, gateway.toString(), keys.gatewayChanges())
                .map(r -> r.toInteger() > 0);
    }

    public Future<Set<Eui64>> all() {
        return redis.send(Request.cmd(Command.SMEMBERS).arg(keys.gateways())).map(members -> {
            Set<Eui64> gateways = new TreeSet<>();
            for (Response member : members) {
                gateways.add(Eui64.parse(member.toString()));
            }
            return gateways;
        });
    }
}
