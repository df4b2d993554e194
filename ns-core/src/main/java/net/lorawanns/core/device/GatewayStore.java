package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.lorawanns.core.gateway.GatewayLocation;
import net.lorawanns.core.gateway.GatewayStatus;
import net.lorawanns.core.gateway.GatewayStatusStore;
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
     * KEYS[1] the set, KEYS[2] the regions, KEYS[3] the locations; ARGV[1] the EUI, ARGV[2] the channel, ARGV[3] the
     * region ('' for the default), ARGV[4] the location ('' for none). Announces only a real change of the set or a
     * region (what the bridges follow); returns 1 then.
     */
    private static final LuaScript ADD = new LuaScript("gateway_add", """
            local changed = redis.call('SADD', KEYS[1], ARGV[1])
            local before = redis.call('HGET', KEYS[2], ARGV[1]) or ''
            if before ~= ARGV[3] then
              if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
              changed = 1
            end
            if ARGV[4] == '' then redis.call('HDEL', KEYS[3], ARGV[1]) else redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
            if changed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return changed""");
    private static final LuaScript REMOVE = new LuaScript("gateway_remove", """
            local removed = redis.call('SREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            if removed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[1]) end
            return removed""");

    private final Redis redis;
    private final RedisKeys keys;

    public GatewayStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Registers a gateway, or replaces its region (empty: the network's default region) and location. */
    public Future<Void> add(RegisteredGateway gateway) {
        return ADD.run(redis, gatewayKeys(), gateway.eui().toString(), keys.gatewayChanges(),
                gateway.region().orElse(""), gateway.location().map(l -> l.toJson().encode()).orElse("")).mapEmpty();
    }

    /**
     * Removes a gateway and its status ({@link GatewayStatusStore}); false when it was not registered. The status is
     * deleted after the gateway leaves the set (another hash slot, so a step of its own): a PULL_DATA that reaches an
     * instance before it hears of the removal may write it again, to expire with its lifetime.
     */
    public Future<Boolean> remove(Eui64 gateway) {
        return REMOVE.run(redis, gatewayKeys(), gateway.toString(), keys.gatewayChanges())
                .compose(r -> redis.send(Request.cmd(Command.DEL).arg(keys.gatewayStatus(gateway)))
                        .map(deleted -> r.toInteger() > 0));
    }

    /** The registered gateways in EUI order, with their regions and locations. */
    public Future<List<RegisteredGateway>> registered() {
        Future<Map<Eui64, Optional<String>>> all = all();
        Future<Response> locations = redis.send(Request.cmd(Command.HGETALL).arg(keys.gatewayLocations()));
        return Future.all(all, locations).map(both -> {
            List<RegisteredGateway> gateways = new ArrayList<>();
            Response byGateway = locations.result();
            all.result().forEach((eui, region) -> {
                Response location = byGateway.get(eui.toString());
                gateways.add(new RegisteredGateway(eui, region, location == null ? Optional.empty()
                        : Optional.of(GatewayLocation.fromJson(new JsonObject(location.toBuffer())))));
            });
            return gateways;
        });
    }

    /** What each gateway last showed any instance ({@link GatewayStatusStore}), in the order given. */
    public Future<Map<Eui64, GatewayStatus>> statuses(List<Eui64> gateways) {
        return GatewayStatusStore.read(redis, keys, gateways);
    }

    private String[] gatewayKeys() {
        return new String[] {keys.gateways(), keys.gatewayRegions(), keys.gatewayLocations()};
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
