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
     * @param settings mode and sentinel master name
     * @param urls the servers to use: the configured ones, or the embedded Redis's URL
     */
    public static Redis create(Vertx vertx, RedisSettings settings, List<String> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no Redis URL to connect to");
        }
        // One command is in flight per pooled connection: enough connections and a deep, still bounded, queue for bursts.
        RedisOptions options = new RedisOptions().setMaxPoolSize(64).setMaxPoolWaiting(32_768);
        urls.forEach(options::addConnectionString);
        switch (settings.modeValue()) {
            case STANDALONE -> options.setType(RedisClientType.STANDALONE);
            case CLUSTER -> options.setType(RedisClientType.CLUSTER);
            case SENTINEL -> options.setType(RedisClientType.SENTINEL).setMasterName(settings.masterName())
                    .setRole(RedisRole.MASTER);
        }
        return Redis.createClient(vertx, options);
    }
}
