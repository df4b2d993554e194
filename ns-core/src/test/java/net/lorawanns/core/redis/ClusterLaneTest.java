package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BatchingRedis} on a real three-master Redis Cluster: one lane per event loop, whose requests go to the master
 * of their slot; an error reply fails its own request; redirections (MOVED, ASK) are followed; one slot's requests keep
 * their order; a stalled master holds up only its own slots.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ClusterLaneTest {
    private static final Executor RUN_BLOCKING = runnable -> new Thread(runnable, "cluster-test-step").start();
    private static TestRedisCluster cluster;
    private final String prefix = "cluster-lane:" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Redis client(Vertx vertx) {
        RedisSettings settings = cluster.settings("");
        return RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
    }

    @Test
    void requestsToSlotsOnEveryMasterInOneTurnEachGetTheirOwnReply(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        int count = 600;
        Set<RedisProcess> reached = new HashSet<>();
        for (int i = 0; i < count; i++) {
            reached.add(cluster.masterOf(key(i)));
        }
        assertEquals(Set.copyOf(cluster.masters()), reached, "the keys' slots are on every master");
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            List<Future<Long>> replies = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                replies.add(redis.send(Request.cmd(Command.INCRBY).arg(key(i)).arg(i)).map(reply -> {
                    test.verify(() -> assertSame(context, Vertx.currentContext(), "reply on the sending context"));
                    return reply.toLong();
                }));
            }
            Future.all(replies).onComplete(test.succeeding(all -> test.verify(() -> {
                for (int i = 0; i < count; i++) {
                    assertEquals(i, replies.get(i).result(), "reply " + i);
                }
                test.completeNow();
            })));
        });
    }

    /**
     * A script no master knows yet, run in one turn for keys on every master (given as strings and as bytes): each
     * call is routed by its key, the first to each master sent whole by that master's connection, and its own future
     * gets the script's reply. Then every master forgets its scripts (SCRIPT FLUSH) and a second turn runs them again:
     * each master answers its first call NOSCRIPT, which the lane sends again whole to that master.
     */
    @Test
    void aScriptNoMasterKnowsIsSentWholeToTheMasterOfItsKey(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        LuaScript increment = new LuaScript("test_increment",
                "-- " + UUID.randomUUID() + "\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");
        int count = 60;
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> increments(redis, increment, count).compose(first -> blocking(() -> {
            cluster.masters().forEach(master -> master.send(vertx, Request.cmd(Command.SCRIPT).arg("FLUSH")));
            return first;
        })).compose(first -> increments(redis, increment, count).map(second -> {
            test.verify(() -> {
                for (int i = 0; i < count; i++) {
                    assertEquals(i, first.get(i), "first reply " + i);
                    assertEquals(2L * i, second.get(i), "reply " + i + " after the flush");
                }
            });
            return null;
        })).onComplete(test.succeedingThenComplete()));
    }

    /** Runs {@code increment} by i for each key i, in one turn; the replies in that order. */
    private Future<List<Long>> increments(Redis redis, LuaScript increment, int count) {
        List<Future<Response>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = key(i) + "-script";
            replies.add(i % 2 == 0 ? increment.run(redis, new String[] {key}, i)
                    : increment.run(redis, ReplicaAcks.NONE, new byte[][] {key.getBytes(StandardCharsets.UTF_8)},
                            (long) i));
        }
        return Future.all(replies).map(all -> replies.stream().map(reply -> reply.result().toLong()).toList());
    }

    /** A key of its own slot (its hash tag) for each {@code i}. */
    private String key(int i) {
        return prefix + "{" + i + "}n";
    }

    @Test
    void aWrongTypeReplyFailsOnlyItsOwnRequestAmongOthersOfItsSlotAndNode(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String text = prefix + "{w}text";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(text).arg("no list"))
                .onComplete(test.succeeding(ok -> {
                    // One turn: counters in the text's slot (so on its master), on every master, and a WRONGTYPE.
                    List<Future<Response>> before = new ArrayList<>();
                    List<Future<Response>> after = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        before.add(redis.send(Request.cmd(Command.INCR).arg(prefix + "{w}before" + i)));
                        before.add(redis.send(Request.cmd(Command.INCR).arg(key(i))));
                    }
                    Future<Response> wrong = redis.send(Request.cmd(Command.LPUSH).arg(text).arg("x"));
                    for (int i = 0; i < 20; i++) {
                        after.add(redis.send(Request.cmd(Command.INCR).arg(prefix + "{w}after" + i)));
                        after.add(redis.send(Request.cmd(Command.INCR).arg(key(100 + i))));
                    }
                    List<Future<Response>> all = new ArrayList<>(before);
                    all.add(wrong);
                    all.addAll(after);
                    Future.join(all).onComplete(done -> test.verify(() -> {
                        RedisFailure failure = assertInstanceOf(RedisFailure.class, wrong.cause());
                        assertEquals(RedisFailure.Kind.ERROR_REPLY, failure.kind());
                        assertTrue(failure.getMessage().startsWith("WRONGTYPE"), failure.getMessage());
                        for (Future<Response> counter : before) {
                            assertEquals(1, counter.result().toLong(), "a request sent before the error");
                        }
                        for (Future<Response> counter : after) {
                            assertEquals(1, counter.result().toLong(), "a request sent after the error");
                        }
                        test.completeNow();
                    }));
                })));
    }

    @Test
    void aSlotMovedToAnotherMasterIsFollowedThere(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String counter = prefix + "{moved}counter";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.INCRBY).arg(counter).arg(41))
                .compose(first -> blocking(() -> {
                    TestRedisCluster.Migration migration = cluster.migrate(counter, vertx);
                    migration.finish();
                    return migration.target();
                }))
                .onComplete(test.succeeding(target -> redis.send(Request.cmd(Command.INCR).arg(counter))
                        .onComplete(test.succeeding(reply -> {
                            test.verify(() -> assertEquals(42, reply.toLong(), "the request followed MOVED"));
                            blocking(() -> target.send(vertx, Request.cmd(Command.GET).arg(counter)))
                                    .onComplete(test.succeeding(there -> test.verify(() -> {
                                        assertEquals(42, there.toLong(), "the slot's new master has the counter");
                                        test.completeNow();
                                    })));
                        })))));
    }

    @Test
    void aKeyMigratedDuringASlotMigrationIsFollowedWithAsking(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String counter = prefix + "{asked}counter";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.INCRBY).arg(counter).arg(9))
                .compose(first -> blocking(() -> cluster.migrate(counter, vertx).moveKeys()))
                .onComplete(test.succeeding(migration -> redis.send(Request.cmd(Command.INCR).arg(counter))
                        .onComplete(test.succeeding(reply -> {
                            test.verify(() -> assertEquals(10, reply.toLong(), "the request followed ASK"));
                            blocking(() -> {
                                // The importing master serves the slot to ASKING clients only until it owns it.
                                migration.finish();
                                return migration.target().send(vertx, Request.cmd(Command.GET).arg(counter));
                            }).onComplete(test.succeeding(there -> test.verify(() -> {
                                assertEquals(10, there.toLong(), "the importing master has the counter");
                                test.completeNow();
                            })));
                        })))));
    }

    @Test
    void oneSlotsRequestsAreExecutedInTheirOrderWhileTheSlotMovesToAnotherMaster(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String list = prefix + "{migrating}order";
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> redis.send(Request.cmd(Command.DEL).arg(list)).onComplete(test.succeeding(ok -> {
            // One push per turn for as long as the slot moves: served by the old master, then by the new one after
            // ASK (the list migrated, the slot not yet), then after MOVED.
            Future<Void> moved = blocking(() -> {
                cluster.migrate(list, vertx).finish();
                return null;
            });
            List<Future<Response>> pushes = new ArrayList<>();
            pushWhile(context, redis, list, pushes, moved, () -> moved.compose(done -> OrderProbe.order(redis, list,
                    pushes)).onComplete(test.succeeding(order -> test.verify(() -> {
                        assertTrue(pushes.size() > 10, "pushes while the slot moved: " + pushes.size());
                        assertEquals(OrderProbe.sent(pushes.size()), order, "executed in the order sent");
                        test.completeNow();
                    }))));
        })));
    }

    /** Pushes 0, 1, 2, ... onto the list, one per turn, until {@code until} is complete; then runs {@code then}. */
    private static void pushWhile(Context context, Redis redis, String list, List<Future<Response>> pushes,
                                  Future<?> until, Runnable then) {
        pushes.add(redis.send(Request.cmd(Command.RPUSH).arg(list).arg(pushes.size())));
        if (until.isComplete()) {
            then.run();
        } else {
            context.runOnContext(v -> pushWhile(context, redis, list, pushes, until, then));
        }
    }

    /**
     * Runs the test cluster's blocking set-up steps on a thread of their own (a Vert.x thread may not wait), and
     * completes on the calling context.
     */
    private static <T> Future<T> blocking(Supplier<T> step) {
        return Future.fromCompletionStage(CompletableFuture.supplyAsync(step, RUN_BLOCKING), Vertx.currentContext());
    }

    @Test
    void aFrozenMasterHoldsUpOnlyTheRequestsOfItsOwnSlots(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String stalled = prefix + "{frozen}counter";
        RedisProcess frozen = cluster.masterOf(stalled);
        String other = IntStream.range(0, 100).mapToObj(this::key).filter(k -> cluster.masterOf(k) != frozen)
                .findFirst().orElseThrow();
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.PING))
                .onComplete(test.succeeding(pong -> {
                    frozen.freeze();
                    Future<Response> held = redis.send(Request.cmd(Command.INCR).arg(stalled));
                    redis.send(Request.cmd(Command.INCR).arg(other)).onComplete(test.succeeding(reply -> {
                        test.verify(() -> assertFalse(held.isComplete(), "the frozen master answered nothing"));
                        frozen.thaw();
                        held.onComplete(test.succeeding(late -> test.verify(() -> {
                            assertEquals(1, late.toLong());
                            test.completeNow();
                        })));
                    }));
                })));
    }

    @Test
    void aWriteThatWantsAReplicaWaitsOnItsOwnMasterAndFailsThereAloneWithoutOne(Vertx vertx, VertxTestContext test) {
        // The test cluster's masters have no replica: WAIT answers 0 once its timeout is over.
        RedisSettings settings = new RedisSettings(cluster.urls(), "cluster", "", "", Duration.ofSeconds(1), 1_000, 1,
                Duration.ofMillis(100));
        BatchingRedis redis = (BatchingRedis) RedisClients.create(vertx, settings, settings.servers(),
                new SimpleMeterRegistry());
        String written = prefix + "{acked}written";
        String beside = prefix + "{acked}beside";
        String elsewhere = IntStream.range(0, 100).mapToObj(this::key)
                .filter(k -> cluster.masterOf(k) != cluster.masterOf(written)).findFirst().orElseThrow();
        vertx.getOrCreateContext().runOnContext(v -> {
            // One turn: the write that wants a replica, one beside it on its master, one on another master.
            Future<Response> acked = redis.send(Request.cmd(Command.INCR).arg(written), "test",
                    ReplicaAcks.of(settings));
            Future<Response> plain = redis.send(Request.cmd(Command.INCR).arg(beside), "test", ReplicaAcks.NONE);
            Future<Response> other = redis.send(Request.cmd(Command.INCR).arg(elsewhere), "test", ReplicaAcks.NONE);
            Future.join(acked, plain, other).onComplete(all -> test.verify(() -> {
                RedisFailure failure = assertInstanceOf(RedisFailure.class, acked.cause());
                assertEquals(RedisFailure.Kind.NOT_REPLICATED, failure.kind());
                assertTrue(failure.getMessage().startsWith("0 of 1 replicas"), failure.getMessage());
                assertEquals(1, plain.result().toLong(), "a write beside it that asked for no replica");
                assertEquals(1, other.result().toLong(), "a write on another master");
                redis.send(Request.cmd(Command.GET).arg(written)).onComplete(test.succeeding(value -> {
                    test.verify(() -> assertEquals(1, value.toLong(), "its master has the write; no replica has"));
                    test.completeNow();
                }));
            }));
        });
    }

    @Test
    void aClusterWithAPasswordIsReachedWithTheSeedUrlsCredentialsAndAWrongOneIsNamedWithoutIt(Vertx vertx,
                                                                                            VertxTestContext test) {
        TestRedisCluster guarded = TestRedisCluster.startWithPassword("s3cret-cluster-pw");
        RedisSettings settings = guarded.settings("");
        Redis redis = RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
        List<String> wrongUrls = guarded.urls().stream().map(url -> url.replace("s3cret-cluster-pw", "wrong-pw"))
                .toList();
        Redis refused = RedisClients.create(vertx, new RedisSettings(wrongUrls, "cluster", "", ""), wrongUrls,
                new SimpleMeterRegistry());
        vertx.getOrCreateContext().runOnContext(v -> {
            List<Future<Response>> counters = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                counters.add(redis.send(Request.cmd(Command.INCR).arg(key(i))));
            }
            Future<Response> wrong = refused.send(Request.cmd(Command.INCR).arg(key(0)));
            Future.join(counters).onComplete(all -> wrong.onComplete(done -> {
                guarded.close();
                test.verify(() -> {
                    counters.forEach(counter -> assertEquals(1, counter.result().toLong()));
                    RedisFailure failure = assertInstanceOf(RedisFailure.class, wrong.cause());
                    assertEquals(RedisFailure.Kind.UNAVAILABLE, failure.kind());
                    assertFalse(failure.getMessage().contains("wrong-pw"), failure.getMessage());
                    test.completeNow();
                });
            }));
        });
    }

    @Test
    void anErrorReplyFailsItsOwnRequestOnlyAcrossNodes(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String text = prefix + "{a}text";
        String counter = prefix + "{b}counter";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(text).arg("no number"))
                .onComplete(test.succeeding(ok -> {
                    Future<Response> good = redis.send(Request.cmd(Command.INCR).arg(counter));
                    Future<Response> bad = redis.send(Request.cmd(Command.INCR).arg(text));
                    Future.join(good, bad).onComplete(done -> test.verify(() -> {
                        assertEquals(1, good.result().toLong());
                        RedisFailure failure = assertInstanceOf(RedisFailure.class, bad.cause());
                        assertEquals(RedisFailure.Kind.ERROR_REPLY, failure.kind());
                        assertTrue(failure.getMessage().contains("not an integer"), failure.getMessage());
                        test.completeNow();
                    }));
                })));
    }

    @Test
    void oneSlotsRequestsAreExecutedInTheirOrderAcrossAStallOfItsMaster(Vertx vertx, VertxTestContext test) {
        Redis redis = client(vertx);
        String list = prefix + "{device}order";
        RedisProcess master = cluster.masterOf(list);
        int count = 100;
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> redis.send(Request.cmd(Command.DEL).arg(list)).onComplete(test.succeeding(ok -> {
            master.freeze();
            OrderProbe.push(context, redis, list, count).onSuccess(pushes -> {
                master.thaw();
                OrderProbe.order(redis, list, pushes).onComplete(test.succeeding(order -> test.verify(() -> {
                    assertEquals(OrderProbe.sent(count), order, "executed in the order sent");
                    test.completeNow();
                })));
            });
        })));
    }
}
