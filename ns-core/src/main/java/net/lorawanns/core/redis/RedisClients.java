package net.lorawanns.core.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import net.lorawanns.config.RedisSettings;

/** Builds the Vert.x Redis client for the configured topology. */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * A standalone or Sentinel client batches the requests of each event-loop turn ({@link BatchingRedis}); a
     * Cluster client sends each request on its own, since a batch must stay within one hash slot there.
     *
     * @param settings mode and sentinel master name
     * @param urls the servers to use: the configured ones, or the embedded Redis's URL
     */
    public static Redis create(Vertx vertx, RedisSettings settings, List<String> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no Redis URL to connect to");
        }
        // One request or batch is in flight per pooled connection: enough connections and a deep, bounded queue for bursts.
        RedisOptions options = new RedisOptions().setMaxPoolSize(64).setMaxPoolWaiting(32_768);
        urls.forEach(options::addConnectionString);
        switch (settings.modeValue()) {
            case STANDALONE -> options.setType(RedisClientType.STANDALONE);
            case CLUSTER -> {
                return Redis.createClient(vertx, options.setType(RedisClientType.CLUSTER));
            }
            case SENTINEL -> options.setType(RedisClientType.SENTINEL).setMasterName(settings.masterName())
                    .setRole(RedisRole.MASTER);
        }
        return new BatchingRedis(Redis.createClient(vertx, options));
    }
}
