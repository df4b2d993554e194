package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import net.lorawanns.core.redis.RedisKeys;

/**
 * The one-off re-index of records stored before the lists of applications and of devices by application existed: at
 * start-up, unless {@link RedisKeys#resourceIndexesBuilt()} says it was done, every application and device record is
 * listed (a SCAN, once per store, never on a request), then the marker is set. Two instances that start at once may
 * both do it; listing is idempotent. One that stops midway leaves no marker, and the next start does it again.
 */
public final class ResourceIndexes {
    private ResourceIndexes() {
    }

    /** Lists the records stored before the indexes, once per store; true when it did, false when done before. */
    public static Future<Boolean> buildOnce(Redis redis, RedisKeys keys, ApplicationStore applications,
                                            DeviceStore devices) {
        return redis.send(Request.cmd(Command.EXISTS).arg(keys.resourceIndexesBuilt())).compose(built -> {
            if (built.toInteger() == 1) {
                return Future.succeededFuture(false);
            }
            return applications.indexAll().compose(v -> devices.indexAll())
                    .compose(v -> redis.send(Request.cmd(Command.SET).arg(keys.resourceIndexesBuilt()).arg("1")))
                    .map(true);
        });
    }
}
