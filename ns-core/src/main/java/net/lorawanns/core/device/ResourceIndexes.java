package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-off re-index of records stored before the lists of applications and of devices by application existed: every
 * application and device record is listed (a SCAN of the keyspace, never on a request). It runs in the background
 * after start-up, since a keyspace of a million devices takes longer than a start-up may: the server serves
 * meanwhile, and its lists may miss records stored before the indexes until it is done (logged at its start, every
 * {@link #PROGRESS_EVERY} and at its end).
 *
 * <p>The marker key ({@link RedisKeys#resourceIndexesBuilt()}) says {@value #DONE} once done, and until then where the
 * scan stands (after each page), so that a restart goes on from there. One instance does it: the one that holds the
 * lock ({@link RedisKeys#resourceIndexesLock()}, SET NX with a TTL renewed with each page); another one that starts
 * meanwhile looks again every third of the lock's lifetime, and takes over where the first stopped if the first
 * dies. Listing is idempotent, so a page done twice (the position saved just before a stop) does no harm.
 *
 * <p>Runs on the Vert.x event loops the Redis replies and timers complete on; {@link #start} returns at once.
 */
public final class ResourceIndexes {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceIndexes.class);
    /** How long the lock outlives the last page of an instance that stopped. */
    static final Duration LOCK_TTL = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    /** The marker's value once done (as the first version of the re-index wrote it). */
    static final String DONE = "1";
    private static final String APPLICATIONS = "applications";
    private static final String DEVICES = "devices";
    /**
     * KEYS[1] the marker, KEYS[2] the lock; ARGV[1] the lock's holder, ARGV[2] the marker's new value, ARGV[3] the
     * lock's new lifetime (ms), '0' to release it. Only the holder writes: 1 then, else 0.
     */
    private static final LuaScript SAVE = new LuaScript("resource_indexes_save", """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2])
            if ARGV[3] == '0' then redis.call('DEL', KEYS[2]) else redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
            return 1""");

    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final ApplicationStore applications;
    private final DeviceStore devices;
    private final Duration lockTtl;
    private final String holder = UUID.randomUUID().toString();
    private final Promise<Boolean> finished = Promise.promise();
    private final AtomicLong listed = new AtomicLong();
    private volatile boolean stopped;
    private long startedNanos;
    private long loggedNanos;

    ResourceIndexes(Vertx vertx, Redis redis, RedisKeys keys, ApplicationStore applications, DeviceStore devices,
                    Duration lockTtl) {
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.applications = applications;
        this.devices = devices;
        this.lockTtl = lockTtl;
    }

    /** Starts the re-index in the background unless it was done before; returns at once. */
    public static ResourceIndexes start(Vertx vertx, Redis redis, RedisKeys keys, ApplicationStore applications,
                                        DeviceStore devices) {
        ResourceIndexes indexes = new ResourceIndexes(vertx, redis, keys, applications, devices, LOCK_TTL);
        indexes.attempt();
        return indexes;
    }

    /**
     * Completes once the indexes hold every record stored before them: true when this instance listed records (all,
     * or the rest of an earlier run), false when it found the work done.
     */
    public Future<Boolean> finished() {
        return finished.future();
    }

    /**
     * Stops at the end of the current page (any thread): the marker keeps the position for the next start, and the
     * lock expires after its lifetime.
     */
    public void stop() {
        stopped = true;
    }

    /** How many records this instance has listed so far. */
    long listed() {
        return listed.get();
    }

    /**
     * Looks at the marker and, unless it says done or another instance holds the lock, lists what is left; on a
     * failure tries again after the lock's lifetime. Called by {@link #start}, and by tests for an instance of theirs.
     */
    void attempt() {
        if (stopped) {
            return;
        }
        marker().compose(state -> {
            if (state.equals(DONE)) {
                finished.tryComplete(false);
                return Future.succeededFuture();
            }
            return redis.send(Request.cmd(Command.SET).arg(keys.resourceIndexesLock()).arg(holder).arg("NX")
                    .arg("PX").arg(lockTtl.toMillis())).compose(locked -> {
                        if (locked == null) {
                            // Another instance is at it: look again later, and go on if it stopped.
                            vertx.setTimer(lockTtl.toMillis() / 3, t -> attempt());
                            return Future.succeededFuture();
                        }
                        return marker().compose(this::run);
                    });
        }).onFailure(failure -> {
            if (stopped) {
                LOG.info("The re-index of applications and devices stored before the indexes stopped with the server "
                        + "after {} records; the next start goes on from there", listed.get());
                return;
            }
            LOG.warn("The re-index of applications and devices stored before the indexes failed ({}); trying again "
                    + "in {} s", failure.toString(), lockTtl.toSeconds());
            vertx.setTimer(lockTtl.toMillis(), t -> attempt());
        });
    }

    /** The marker's value: {@link #DONE}, a phase and a scan position, or "" before the re-index began. */
    private Future<String> marker() {
        return redis.send(Request.cmd(Command.GET).arg(keys.resourceIndexesBuilt()))
                .map(value -> value == null ? "" : value.toString());
    }

    /** Lists the records from where the marker says, holding the lock. */
    private Future<Void> run(String state) {
        if (state.equals(DONE)) {
            return save(DONE, true).map(v -> {
                finished.tryComplete(false);
                return null;
            });
        }
        int space = state.indexOf(' ');
        String phase = space < 0 ? APPLICATIONS : state.substring(0, space);
        KeyScan.Position from = space < 0 ? KeyScan.Position.START : KeyScan.Position.parse(state.substring(space + 1));
        startedNanos = System.nanoTime();
        loggedNanos = startedNanos;
        LOG.info("Listing the applications and devices stored before the API could list them, in the background "
                + "(once; {}): lists may miss them until it is done", state.isEmpty() ? "from the start"
                : "going on from where an earlier run stopped, " + state);
        Future<Void> applicationsListed = phase.equals(DEVICES) ? Future.succeededFuture()
                : applications.indexAll(from, (count, after) -> page(APPLICATIONS, count, after))
                        .compose(v -> save(DEVICES + " " + KeyScan.Position.START, false));
        return applicationsListed
                .compose(v -> devices.indexAll(phase.equals(DEVICES) ? from : KeyScan.Position.START,
                        (count, after) -> page(DEVICES, count, after)))
                .compose(v -> save(DONE, true)).map(v -> {
                    LOG.info("Listed the applications and devices stored before the API could list them: {} records "
                            + "in {} s; the lists are complete", listed.get(),
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos));
                    finished.tryComplete(true);
                    return null;
                });
    }

    private Future<Void> page(String phase, int count, KeyScan.Position after) {
        long total = listed.addAndGet(count);
        long now = System.nanoTime();
        if (now - loggedNanos >= PROGRESS_EVERY.toNanos()) {
            loggedNanos = now;
            LOG.info("Listing the applications and devices stored before the API could list them: {} records so far "
                    + "({} s)", total, TimeUnit.NANOSECONDS.toSeconds(now - startedNanos));
        }
        return save(phase + " " + after, false).compose(v -> stopped
                ? Future.failedFuture(new IllegalStateException("stopped")) : Future.succeededFuture());
    }

    /** Writes the marker while this instance holds the lock, and renews the lock (or releases it); fails if lost. */
    private Future<Void> save(String state, boolean release) {
        return SAVE.run(redis, new String[] {keys.resourceIndexesBuilt(), keys.resourceIndexesLock()}, holder, state,
                release ? 0 : lockTtl.toMillis()).compose(saved -> saved.toInteger() == 1 ? Future.succeededFuture()
                : Future.failedFuture(new IllegalStateException("the re-index lock expired (a page took over "
                        + lockTtl.toSeconds() + " s) and another instance may have taken over")));
    }
}
