package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.RedisURI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the lanes of a Redis Cluster client share: where each slot's master is, and how to open a
 * {@link NodePipeline} to a master. The slot table is read with {@code CLUSTER SLOTS} on first use, and again after a
 * MOVED (a slot changed master), a READONLY (a master was demoted) or a failed connection to a master; every lane
 * then uses the table read last. A master is connected to with the TLS setting and credentials of the first seed URL,
 * as the Vert.x Cluster client does.
 *
 * <p>Threads: any; the table is replaced atomically.
 */
final class ClusterNodes {
    private final Redis pooled;
    private final NetClient client;
    private final RedisURI seed;
    private final long timeoutMs;
    private volatile Future<SlotTable> table;
    private volatile boolean stale = true;

    /**
     * @param pooled the Cluster client that reads the slot table
     * @param client the TCP client that connects to masters
     * @param seeds the configured seed URLs
     */
    ClusterNodes(Redis pooled, NetClient client, List<String> seeds, long timeoutMs) {
        this.pooled = pooled;
        this.client = client;
        this.seed = new RedisURI(seeds.get(0));
        this.timeoutMs = timeoutMs;
    }

    /** The slot table: the one read last, or, once that is stale, the one being read. */
    Future<SlotTable> table() {
        Future<SlotTable> current = table;
        if (!stale && current != null) {
            return current;
        }
        synchronized (this) {
            if (stale) {
                stale = false;
                table = read();
            }
            return table;
        }
    }

    /** The table may be wrong (a MOVED, a demoted or unreachable master): the next use reads it again. */
    void stale() {
        stale = true;
    }

    private Future<SlotTable> read() {
        Future<SlotTable> reading = pooled.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .map(slots -> SlotTable.of(slots, seed.socketAddress().host()))
                .recover(e -> Future.failedFuture(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                        "cannot read the Redis Cluster's slots: " + RedisFailure.describe(e))));
        reading.onFailure(e -> stale = true);
        return reading;
    }

    /** Opens a pipeline to the master at {@code endpoint} ({@code host:port}); call on the lane's event loop. */
    Future<NodePipeline> open(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        return NodePipeline.open(client, seed, endpoint.substring(0, colon),
                Integer.parseInt(endpoint.substring(colon + 1)), NodePipeline.hello(seed, false),
                "Redis Cluster master " + endpoint, timeoutMs);
    }
}
