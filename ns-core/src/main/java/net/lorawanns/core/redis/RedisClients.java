package net.lorawanns.core.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;

/** Builds the Vert.x Redis client for the configured topology. */
public final class RedisClients {
    private RedisClients() {
    }

    /**
     * Every topology gets a {@link BatchingRedis}: a pipelined connection per event loop to the server that takes
     * writes (on Cluster, one per master), a deadline and a bound per request; the requests of each event-loop turn
     * go out in one write (on Cluster, one per master).
     *
     * @param settings mode, sentinel master name, request deadline and bound
     * @param urls the servers to use: the configured ones, or the embedded Redis's URL
     * @param registry where request latencies and failures are counted ({@link RedisMetrics})
     */
    public static Redis create(Vertx vertx, RedisSettings settings, List<String> urls, MeterRegistry registry) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no Redis URL to connect to");
        }
        long timeoutMs = settings.requestTimeout().toMillis();
        int maxPending = settings.maxPendingRequests();
        // The pool serves requests made off the event loops (and reads a Cluster's slot table).
        RedisOptions options = new RedisOptions().setMaxPoolSize(64).setMaxPoolWaiting(maxPending)
                .setMaxWaitingHandlers(2 * maxPending + 1024);
        // For rediss:// URLs: TLS options (the JVM's default trust store), checking that the server's certificate
        // names the host connected to (without it the pool refuses TLS, and the lanes have no TLS options).
        // A server that takes the connection but stalls the TLS handshake fails it within the request timeout, not
        // Vert.x's 10 s.
        options.getNetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .setTcpKeepAlive(true).setHostnameVerificationAlgorithm("HTTPS")
                .setSslHandshakeTimeout(timeoutMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        urls.forEach(options::addConnectionString);
        switch (settings.modeValue()) {
            case STANDALONE -> options.setType(RedisClientType.STANDALONE);
            case CLUSTER -> options.setType(RedisClientType.CLUSTER);
            case SENTINEL -> options.setType(RedisClientType.SENTINEL).setMasterName(settings.masterName())
                    .setRole(RedisRole.MASTER);
        }
        Redis pooled = Redis.createClient(vertx, options);
        // The lanes' own connections: TCP and TLS settings (connect timeout, keep-alive, trust) as the pool's.
        NetClient client = vertx.createNetClient(options.getNetClientOptions());
        MasterLocator locator = switch (settings.modeValue()) {
            case STANDALONE -> MasterLocator.standalone(client, urls.get(0), timeoutMs);
            case SENTINEL -> MasterLocator.sentinel(client, urls, settings.masterName(), timeoutMs);
            case CLUSTER -> null;
        };
        ClusterNodes cluster = locator != null ? null : new ClusterNodes(pooled, client, urls, timeoutMs);
        return new BatchingRedis(pooled, client, locator, cluster, timeoutMs, maxPending,
                new RedisMetrics(registry));
    }
}
