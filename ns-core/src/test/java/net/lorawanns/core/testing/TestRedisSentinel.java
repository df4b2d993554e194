package net.lorawanns.core.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.config.RedisSettings;

/**
 * A real Redis Sentinel set-up on loopback, for a test class: one master, two replicas and three sentinels
 * (quorum 2) that consider the master down after three seconds of silence. Start-up waits until the replicas have
 * synchronised and every sentinel knows both replicas and the two other sentinels, so that a failover can start at
 * once.
 */
public final class TestRedisSentinel implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";
    private static final int REPLICAS = 2;
    private static final int SENTINELS = 3;
    private static final Duration READY = Duration.ofSeconds(20);
    /**
     * Silence after which a sentinel considers a server down. Shorter makes a crash test quicker, but on a loaded
     * machine a server just promoted may miss that long and be failed over again at once.
     */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(3);
    private static final Pattern ACCEPTING = Pattern.compile("Ready to accept connections");
    private static final Pattern SYNCED = Pattern.compile("MASTER <-> REPLICA sync: Finished with success");
    private static final Pattern MONITORING = Pattern.compile("\\+monitor master " + MASTER_NAME);

    private final Vertx vertx = Vertx.vertx();
    private final Path dir;
    private final List<RedisProcess> servers;
    private final List<RedisProcess> sentinels;

    private TestRedisSentinel(Path dir, List<RedisProcess> servers, List<RedisProcess> sentinels) {
        this.dir = dir;
        this.servers = servers;
        this.sentinels = sentinels;
    }

    public static TestRedisSentinel start() {
        Path dir = RedisProcess.createDirectory("redis-sentinel");
        List<RedisProcess> servers = new ArrayList<>();
        List<RedisProcess> sentinels = new ArrayList<>();
        try {
            RedisProcess master = RedisProcess.start(dir, List.of(), false, false, ACCEPTING);
            servers.add(master);
            for (int i = 0; i < REPLICAS; i++) {
                servers.add(RedisProcess.start(dir, List.of("replicaof 127.0.0.1 " + master.port()), false, false,
                        SYNCED));
            }
            for (int i = 0; i < SENTINELS; i++) {
                sentinels.add(RedisProcess.start(dir, List.of(
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
                        "sentinel failover-timeout " + MASTER_NAME + " 10000"), true, false, MONITORING));
            }
            for (RedisProcess sentinel : sentinels) {
                for (RedisProcess replica : servers.subList(1, servers.size())) {
                    sentinel.awaitLog(Pattern.compile("\\+slave slave 127\\.0\\.0\\.1:" + replica.port() + " "),
                            READY);
                }
                for (RedisProcess other : sentinels) {
                    if (other != sentinel) {
                        sentinel.awaitLog(Pattern.compile("\\+sentinel sentinel \\S+ 127\\.0\\.0\\.1 " + other.port()
                                + " "), READY);
                    }
                }
            }
            return new TestRedisSentinel(dir, servers, sentinels);
        } catch (RuntimeException e) {
            sentinels.forEach(RedisProcess::close);
            servers.forEach(RedisProcess::close);
            RedisProcess.deleteDirectory(dir);
            throw e;
        }
    }

    /** Sentinel-mode settings on this set-up with {@code keyPrefix}. */
    public RedisSettings settings(String keyPrefix) {
        return new RedisSettings(sentinels.stream().map(RedisProcess::url).toList(), "sentinel", MASTER_NAME,
                keyPrefix);
    }

    /** The current master as the first sentinel names it, for reading its state directly. */
    public RedisProcess master() {
        int port = sentinels.get(0).send(vertx, Request.cmd(Command.SENTINEL)
                .arg("GET-MASTER-ADDR-BY-NAME").arg(MASTER_NAME)).get(1).toInteger();
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the master " + port + " is none of the servers"));
    }

    /**
     * Has the sentinels promote a replica ({@code SENTINEL FAILOVER}, no agreement needed) and waits until every
     * sentinel announces the new master and the old one, which Sentinel turns into a replica, has synchronised.
     */
    public RedisProcess failover(Duration timeout) {
        RedisProcess old = master();
        int[] marks = logMarks();
        int oldMark = old.logSize();
        sentinels.get(0).send(vertx, Request.cmd(Command.SENTINEL).arg("FAILOVER").arg(MASTER_NAME));
        RedisProcess promoted = awaitSwitch(old, marks, timeout);
        old.awaitLog(SYNCED, oldMark, timeout);
        return promoted;
    }

    /**
     * Kills the master process, as a crash would, and waits until the sentinels have agreed that it is down and
     * every sentinel announces the replica they promoted.
     */
    public RedisProcess killMaster(Duration timeout) {
        RedisProcess old = master();
        int[] marks = logMarks();
        old.kill();
        return awaitSwitch(old, marks, timeout);
    }

    private int[] logMarks() {
        return sentinels.stream().mapToInt(RedisProcess::logSize).toArray();
    }

    private RedisProcess awaitSwitch(RedisProcess old, int[] marks, Duration timeout) {
        Pattern switched = Pattern.compile("\\+switch-master " + MASTER_NAME + " \\S+ " + old.port() + " \\S+ (\\d+)");
        int newPort = -1;
        for (int i = 0; i < sentinels.size(); i++) {
            Matcher line = switched.matcher(sentinels.get(i).awaitLog(switched, marks[i], timeout));
            if (!line.find()) {
                throw new IllegalStateException("unreachable: the line matched " + switched);
            }
            newPort = Integer.parseInt(line.group(1));
        }
        int port = newPort;
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the new master " + port + " is none of the servers"));
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::close);
        servers.forEach(RedisProcess::close);
        RedisProcess.deleteDirectory(dir);
        vertx.close();
    }
}
