package net.lorawanns.core.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.HashSlot;

/**
 * A real three-master Redis Cluster on loopback, for a test class ({@code @BeforeAll} starts it, {@code @AfterAll}
 * closes it). The slots are split in three ranges, assigned with CLUSTER ADDSLOTS and joined with CLUSTER MEET,
 * sent from here: no redis-cli. Start-up waits for every node to log that the cluster state is ok. A test may move a
 * slot to another master ({@link #migrate}), as {@code redis-cli --cluster reshard} does.
 */
public final class TestRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final Duration READY = Duration.ofSeconds(20);
    private static final Pattern ACCEPTING = Pattern.compile("Ready to accept connections");
    private static final Pattern STATE_OK = Pattern.compile("Cluster state changed: ok");

    private final Path dir;
    private final List<RedisProcess> masters;
    /** Slots moved by {@link #migrate}, to the index of their master now. */
    private final Map<Integer, Integer> moved = new ConcurrentHashMap<>();

    private TestRedisCluster(Path dir, List<RedisProcess> masters) {
        this.dir = dir;
        this.masters = masters;
    }

    public static TestRedisCluster start() {
        return start(List.of());
    }

    /** A cluster whose masters want {@code password} from clients (the URLs carry it). */
    public static TestRedisCluster startWithPassword(String password) {
        return start(List.of("requirepass " + password));
    }

    private static TestRedisCluster start(List<String> config) {
        Path dir = RedisProcess.createDirectory("redis-cluster");
        List<RedisProcess> masters = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        List<String> lines = new ArrayList<>(List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
                "cluster-node-timeout 5000"));
        lines.addAll(config);
        try {
            for (int i = 0; i < MASTERS; i++) {
                masters.add(RedisProcess.start(dir, lines, false, true, ACCEPTING));
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

    /** The master that serves {@code key}'s hash slot (given out in equal ranges, in order, unless moved since). */
    public RedisProcess masterOf(String key) {
        int slot = HashSlot.of(key);
        return masters.get(moved.getOrDefault(slot, slot * MASTERS / HashSlot.SLOTS));
    }

    /** The masters, in the order of their slot ranges. */
    public List<RedisProcess> masters() {
        return masters;
    }

    /**
     * Starts moving {@code key}'s slot to another master, the steps of the cluster specification's resharding: the
     * target marks it IMPORTING, the source MIGRATING. Until {@link Migration#moveKeys()}, the source still serves
     * the slot's keys; after, it answers ASK for them; after {@link Migration#finish()}, every node answers MOVED.
     * Blocks: not for an event loop.
     */
    public Migration migrate(String key, Vertx vertx) {
        int slot = HashSlot.of(key);
        RedisProcess source = masterOf(key);
        RedisProcess target = masters.get((masters.indexOf(source) + 1) % MASTERS);
        String sourceId = source.send(vertx, Request.cmd(Command.CLUSTER).arg("MYID")).toString();
        String targetId = target.send(vertx, Request.cmd(Command.CLUSTER).arg("MYID")).toString();
        target.send(vertx, Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("IMPORTING").arg(sourceId));
        source.send(vertx, Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("MIGRATING").arg(targetId));
        return new Migration(vertx, slot, source, target, targetId);
    }

    /** A slot on its way from one master to another. */
    public final class Migration {
        private final Vertx vertx;
        private final int slot;
        private final RedisProcess source;
        private final RedisProcess target;
        private final String targetId;

        private Migration(Vertx vertx, int slot, RedisProcess source, RedisProcess target, String targetId) {
            this.vertx = vertx;
            this.slot = slot;
            this.source = source;
            this.target = target;
            this.targetId = targetId;
        }

        /** The master the slot moves to. */
        public RedisProcess target() {
            return target;
        }

        /** MIGRATEs every key of the slot from the source to the target. */
        public Migration moveKeys() {
            while (true) {
                Response keys = source.send(vertx, Request.cmd(Command.CLUSTER).arg("GETKEYSINSLOT").arg(slot)
                        .arg(100));
                if (keys.size() == 0) {
                    return this;
                }
                Request migrate = Request.cmd(Command.MIGRATE).arg("127.0.0.1").arg(target.port()).arg("").arg(0)
                        .arg(5_000).arg("KEYS");
                keys.forEach(key -> migrate.arg(key.toBytes()));
                source.send(vertx, migrate);
            }
        }

        /** Gives the slot to the target on every master: from now on the source answers MOVED. */
        public void finish() {
            moveKeys();
            Request node = Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("NODE").arg(targetId);
            target.send(vertx, node);
            source.send(vertx, node);
            masters.stream().filter(m -> m != source && m != target).forEach(m -> m.send(vertx, node));
            moved.put(slot, masters.indexOf(target));
        }
    }

    /** Cluster-mode settings on this cluster with {@code keyPrefix}. */
    public RedisSettings settings(String keyPrefix) {
        return new RedisSettings(urls(), "cluster", "", keyPrefix);
    }

    /**
     * Settings with a request deadline for tests that send many requests from outside an event loop and assert their
     * results, not their timing: on a loaded machine (two cores, a cluster and the tests) 1 s is too short for them.
     */
    public RedisSettings patientSettings(String keyPrefix) {
        return new RedisSettings(urls(), "cluster", "", keyPrefix, Duration.ofSeconds(10), null, null, null);
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
        RedisProcess.deleteDirectory(dir);
    }
}
