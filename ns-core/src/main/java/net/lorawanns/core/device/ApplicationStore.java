package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Optional;
import net.lorawanns.core.redis.RedisKeys;

/** Application records in Redis. */
public final class ApplicationStore {
    private final Redis redis;
    private final RedisKeys keys;

    public ApplicationStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Future<Void> put(Application application) {
        return redis.send(Request.cmd(Command.SET).arg(keys.application(application.id()))
                .arg(application.toJson(true).encode())).mapEmpty();
    }

    public Future<Optional<Application>> get(String id) {
        return redis.send(Request.cmd(Command.GET).arg(keys.application(id))).map(response -> response == null
                ? Optional.empty() : Optional.of(Application.fromJson(new JsonObject(response.toBuffer()))));
    }
}
