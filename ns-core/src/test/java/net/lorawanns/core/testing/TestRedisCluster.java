package net.lorawanns.core.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.HashSlot;

/**
 * A real three-master Redis Cluster on loopback, for a test class ({@code @BeforeAll} starts it, {@code @AfterAll}
 * closes it). The slots are split in three ranges, assigned with CLUSTER ADDSLOTS and joined with CLUSTER MEET,
 * sent from here: no redis-cli. Start-up waits for every node to log that the cluster state is ok.
 */
public final class TestRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final Duration READY = Duration.ofSeconds(20);
    private static final Pattern ACCEPTING = Pattern.compile("Ready to accept connections");
    private static final Pattern STATE_OK = Pattern.compile("Cluster state changed: ok");

    private final Path dir;
    private final List<RedisProcess> masters;

    private TestRedisCluster(Path dir, List<RedisProcess> masters) {
        this.dir = dir;
        this.masters = masters;
    }

    public static TestRedisCluster start() {
        Path dir = RedisProcess.createDirectory("redis-cluster");
        List<RedisProcess> masters = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try {
            for (int i = 0; i < MASTERS; i++) {
                masters.add(RedisProcess.start(dir, List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
                        "cluster-node-timeout 5000"), false, true, ACCEPTING));
            }
            for (int i = 0; i < MASTERS; i++) {
                Request addSlots = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
                for (int slot = i * HashSlot.SLOTS / MASTERS; slot < (i + 1) * HashSlot.SLOTS / MASTERS; slot++) {
                    addSlots.arg(slot);
                }
                masters.get(i).send(vertx, addSlots);
            }
            for (int i = 1; i < MASTERS; i++) {
                masters.get(0).send(vertx, Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1")
                        .arg(masters.get(i).port()));
            }
            for (RedisProcess master : masters) {
                master.awaitLog(STATE_OK, READY);
            }
            return new TestRedisCluster(dir, masters);
        } catch (RuntimeException e) {
            masters.forEach(RedisProcess::close);
            RedisProcess.deleteDirectory(dir);
            throw e;
        } finally {
            vertx.close();
        }
    }

    /** The masters' URLs: the seeds for a Cluster client, or for reading one node directly. */
    public List<String> urls() {
        return masters.stream().map(RedisProcess::url).toList();
    }

    /** The master that serves {@code key}'s hash slot (the slots were given out in equal ranges, in order). */
    public RedisProcess masterOf(String key) {
        return masters.get(HashSlot.of(key) * MASTERS / HashSlot.SLOTS);
    }

    /** Cluster-mode settings on this cluster with {@code keyPrefix}. */
    public RedisSettings settings(String keyPrefix) {
        return new RedisSettings(urls(), "cluster", "", keyPrefix);
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
        RedisProcess.deleteDirectory(dir);
    }
}
