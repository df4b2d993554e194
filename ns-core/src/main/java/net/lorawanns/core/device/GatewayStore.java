package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Set;
import java.util.TreeSet;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/** Gateways registered through the API, shared by all instances through Redis. */
public final class GatewayStore {
    private final Redis redis;
    private final RedisKeys keys;

    public GatewayStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Future<Void> add(Eui64 gateway) {
        return redis.send(Request.cmd(Command.SADD).arg(keys.gateways()).arg(gateway.toString())).mapEmpty();
    }

    public Future<Boolean> remove(Eui64 gateway) {
        return redis.send(Request.cmd(Command.SREM).arg(keys.gateways()).arg(gateway.toString()))
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
