package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BatchingRedisTest {
    private final String prefix = "batching-test:" + UUID.randomUUID() + ":";

    private static Redis client(Vertx vertx, String url, Duration timeout, int maxPending) {
        RedisSettings settings = new RedisSettings(List.of(url), "standalone", "", "", timeout, maxPending, null, null);
        return RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
    }

    @Test
    void theStandaloneClientBatches(Vertx vertx) {
        assertInstanceOf(BatchingRedis.class, TestRedis.client(vertx, TestRedis.settings()));
    }

    @Test
    void manyRequestsOfOneTurnEachGetTheirOwnReplyOnTheirContext(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            List<Future<Long>> replies = new ArrayList<>();
            // More than one batch holds: the turn's requests go as several batches.
            for (int i = 0; i < 1_200; i++) {
                replies.add(redis.send(Request.cmd(Command.INCRBY).arg(prefix + i).arg(i)).map(reply -> {
                    test.verify(() -> assertTrue(Vertx.currentContext() == context, "reply on the sending context"));
                    return reply.toLong();
                }));
            }
            Future.all(replies).onComplete(test.succeeding(all -> test.verify(() -> {
                for (int i = 0; i < 1_200; i++) {
                    assertEquals(i, replies.get(i).result(), "reply " + i);
                }
                test.completeNow();
            })));
        });
    }

    /**
     * A request from outside Vert.x is answered on a context Vert.x makes for it; the next request of the chain
     * comes from that context. Lanes belong to event-loop threads, so these contexts share them instead of each
     * holding a connection of its own until the pool runs dry.
     */
    @Test
    void chainsStartedOutsideVertxShareTheEventLoopsLanes(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        // Twice the pool's connections (RedisClients sets at most 64), in two rounds: a lane per context would have
        // taken every pooled connection for good in the first.
        chains(redis, "a", 300, test).compose(first -> chains(redis, "b", 300, test))
                .onComplete(test.succeeding(done -> test.completeNow()));
    }

    private Future<Void> chains(Redis redis, String round, int count, VertxTestContext test) {
        List<Future<Response>> chains = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = prefix + round + i;
            chains.add(redis.send(Request.cmd(Command.SET).arg(key).arg(i)).compose(set -> {
                Context context = Vertx.currentContext();
                return redis.send(Request.cmd(Command.GET).arg(key)).andThen(get -> test.verify(() ->
                        assertTrue(Vertx.currentContext() == context, "the reply on the context that asked")));
            }));
        }
        return Future.all(chains).map(all -> {
            test.verify(() -> {
                for (int i = 0; i < count; i++) {
                    assertEquals(i, chains.get(i).result().toInteger());
                }
            });
            return null;
        });
    }

    /**
     * A worker running executeBlocking for an event loop's context has that context as current, but is not its event
     * loop: its requests go through the pool, as those of any thread outside an event loop (a lane is only its event
     * loop's). Only a lane can follow a write with WAIT on its connection, so through the pool such a write is refused.
     */
    @Test
    @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
    void aRequestFromAWorkerGoesThroughThePool(Vertx vertx, VertxTestContext test) {
        BatchingRedis redis = (BatchingRedis) TestRedis.client(vertx, TestRedis.settings());
        vertx.getOrCreateContext().runOnContext(v -> vertx.executeBlocking(() -> {
            test.verify(() -> assertTrue(Vertx.currentContext().isEventLoopContext() && !Context.isOnEventLoopThread(),
                    "a worker thread with the event loop's context"));
            return List.of(redis.send(Request.cmd(Command.SET).arg(prefix + "worker").arg(1), "test",
                    new ReplicaAcks(1, Duration.ofMillis(100))), redis.send(Request.cmd(Command.PING)));
        }).onComplete(test.succeeding(sent -> sent.get(0).onComplete(test.failing(refused -> test.verify(() -> {
            assertInstanceOf(IllegalStateException.class, refused);
            sent.get(1).onComplete(test.succeeding(pong -> test.verify(() -> {
                assertEquals("PONG", pong.toString());
                test.completeNow();
            })));
        }))))));
    }

    @Test
    void anErrorReplyFailsItsOwnRequestOnly(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(prefix + "text")
                .arg("not a number")).onComplete(test.succeeding(ok -> {
                    // One turn, one batch: an INCR that succeeds beside one that Redis refuses.
                    Future<Response> counter = redis.send(Request.cmd(Command.INCR).arg(prefix + "counter"));
                    Future<Response> text = redis.send(Request.cmd(Command.INCR).arg(prefix + "text"));
                    Future.join(counter, text).onComplete(done -> test.verify(() -> {
                        assertTrue(counter.succeeded(), "the INCR Redis executed reports its result");
                        assertEquals(1, counter.result().toLong());
                        assertTrue(text.failed());
                        RedisFailure failure = assertInstanceOf(RedisFailure.class, text.cause());
                        assertEquals(RedisFailure.Kind.ERROR_REPLY, failure.kind());
                        assertTrue(failure.getMessage().contains("not an integer"), failure.getMessage());
                        redis.send(Request.cmd(Command.GET).arg(prefix + "counter"))
                                .onComplete(test.succeeding(value -> test.verify(() -> {
                                    assertEquals(1, value.toLong(), "the counter was incremented once");
                                    test.completeNow();
                                })));
                    }));
                })));
    }

    /**
     * One turn, so one write on the lane's connection: an error reply between requests fails that request alone, and
     * those after it were executed after it, in order (no transaction rolled anything back or held anything up).
     */
    @Test
    void anErrorReplyInTheMiddleOfAWriteFailsOnlyItsOwnRequest(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        String counter = prefix + "middle-counter";
        String text = prefix + "middle-text";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(text).arg("not a number"))
                .onComplete(test.succeeding(ok -> {
                    List<Future<Response>> replies = List.of(
                            redis.send(Request.cmd(Command.INCR).arg(counter)),
                            redis.send(Request.cmd(Command.APPEND).arg(text).arg("!")),
                            redis.send(Request.cmd(Command.INCR).arg(text)),
                            redis.send(Request.cmd(Command.INCR).arg(counter)),
                            redis.send(Request.cmd(Command.GET).arg(text)),
                            redis.send(Request.cmd(Command.GET).arg(counter)));
                    Future.join(replies).onComplete(done -> test.verify(() -> {
                        assertEquals(1, replies.get(0).result().toLong());
                        assertEquals(13, replies.get(1).result().toLong(), "APPEND's new length");
                        RedisFailure failure = assertInstanceOf(RedisFailure.class, replies.get(2).cause());
                        assertEquals(RedisFailure.Kind.ERROR_REPLY, failure.kind());
                        assertTrue(failure.getMessage().contains("not an integer"), failure.getMessage());
                        assertEquals(2, replies.get(3).result().toLong(), "the INCR after the error was executed");
                        assertEquals("not a number!", replies.get(4).result().toString());
                        assertEquals("2", replies.get(5).result().toString());
                        test.completeNow();
                    }));
                })));
    }

    /**
     * A reply's listener that throws, run at once on the connection's own context, changes nothing for the replies
     * after it: each still reaches its own request (the exception goes to the context's exception handler).
     */
    @Test
    void aListenerThatThrowsLeavesTheNextRepliesToTheirOwnRequests(Vertx vertx, VertxTestContext test) {
        listenerThrows(vertx, test, new IllegalStateException("a listener's bug"));
    }

    /** As above with an Error (an assert under -ea), which Vert.x rethrows from a listener just the same. */
    @Test
    void aListenerThatThrowsAnErrorLeavesTheNextRepliesToTheirOwnRequests(Vertx vertx, VertxTestContext test) {
        listenerThrows(vertx, test, new AssertionError("a listener's failed assert"));
    }

    private void listenerThrows(Vertx vertx, VertxTestContext test, Throwable thrown) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Context context = vertx.getOrCreateContext();
        Checkpoint reported = test.checkpoint();
        Checkpoint replies = test.checkpoint(2);
        context.exceptionHandler(e -> test.verify(() -> {
            assertTrue(e == thrown, "the listener's own exception: " + e);
            reported.flag();
        }));
        context.runOnContext(v -> Future.all(List.of("a", "b", "c").stream()
                        .map(k -> redis.send(Request.cmd(Command.SET).arg(prefix + k).arg(k.toUpperCase())))
                        .toList())
                .onComplete(test.succeeding(set -> {
                    redis.send(Request.cmd(Command.GET).arg(prefix + "a")).onSuccess(a -> {
                        throw sneaky(thrown);
                    });
                    redis.send(Request.cmd(Command.GET).arg(prefix + "b")).onComplete(test.succeeding(b ->
                            test.verify(() -> {
                                assertEquals("B", b.toString());
                                replies.flag();
                            })));
                    vertx.setTimer(100, later -> redis.send(Request.cmd(Command.GET).arg(prefix + "c"))
                            .onComplete(test.succeeding(c -> test.verify(() -> {
                                assertEquals("C", c.toString());
                                replies.flag();
                            }))));
                })));
    }

    @Test
    void requestsOfOneEventLoopAreExecutedInTheirOrderAcrossAStall(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start();
        Redis redis = client(vertx, server.url(), Duration.ofSeconds(20), 10_000);
        String list = prefix + "order";
        int count = 200;
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> redis.send(Request.cmd(Command.PING)).onComplete(test.succeeding(pong -> {
            server.freeze();
            OrderProbe.push(context, redis, list, count).onSuccess(pushes -> {
                server.thaw();
                OrderProbe.order(redis, list, pushes).onComplete(test.succeeding(order -> test.verify(() -> {
                    assertEquals(OrderProbe.sent(count), order, "executed in the order sent");
                    server.close();
                    test.completeNow();
                })));
            });
        })));
    }

    @Test
    void aStalledRedisFailsRequestsAtTheirDeadlineAndShedsThoseOverTheBound(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start();
        BatchingRedis redis = (BatchingRedis) client(vertx, server.url(), Duration.ofMillis(300), 10);
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.PING))
                .onComplete(test.succeeding(pong -> {
                    server.freeze();
                    long sent = System.nanoTime();
                    List<Future<Response>> requests = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        requests.add(redis.send(Request.cmd(Command.INCR).arg(prefix + "stalled")));
                    }
                    Future.join(requests).onComplete(done -> test.verify(() -> {
                        long elapsedMs = (System.nanoTime() - sent) / 1_000_000;
                        assertTrue(elapsedMs >= 300 && elapsedMs < 5_000, "failed at the deadline: " + elapsedMs);
                        for (int i = 0; i < 15; i++) {
                            RedisFailure failure = assertInstanceOf(RedisFailure.class, requests.get(i).cause());
                            assertEquals(i < 10 ? RedisFailure.Kind.TIMEOUT : RedisFailure.Kind.OVERLOAD,
                                    failure.kind(), "request " + i);
                        }
                        assertEquals(10, redis.pending(), "the ten sent are owed by Redis until it answers");
                        assertTrue(redis.backlogNanos(System.nanoTime()) >= TimeUnit.MILLISECONDS.toNanos(300),
                                "past their deadline, they still count in how far Redis is behind");
                        server.thaw();
                        // Once Redis has answered what it owed, requests go through again.
                        vertx.setPeriodic(10, timer -> {
                            if (redis.pending() > 0) {
                                return;
                            }
                            vertx.cancelTimer(timer);
                            redis.send(Request.cmd(Command.GET).arg(prefix + "stalled"))
                                    .onComplete(test.succeeding(value -> test.verify(() -> {
                                        assertEquals(10, value.toLong(), "Redis executed the ten it was sent");
                                        assertEquals(0, redis.backlogNanos(System.nanoTime()), "nothing owed");
                                        server.close();
                                        test.completeNow();
                                    })));
                        });
                    }));
                })));
    }

    /**
     * A request past its deadline that Redis still owes has the lane wait {@code ABANDON_TIMEOUTS} timeouts before
     * giving its connection up; a request sent meanwhile still fails at its own deadline.
     */
    @Test
    void aRequestSentWhileAnotherIsOverdueFailsAtItsOwnDeadline(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start();
        Redis redis = client(vertx, server.url(), Duration.ofSeconds(1), 100);
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.PING))
                .onComplete(test.succeeding(pong -> {
                    server.freeze();
                    // The second is sent in a task of its own, once the lane has dealt with the first's deadline.
                    redis.send(Request.cmd(Command.PING)).onComplete(test.failing(first -> Vertx.currentContext()
                            .runOnContext(later -> {
                                long sent = System.nanoTime();
                                redis.send(Request.cmd(Command.PING)).onComplete(test.failing(second -> test.verify(
                                        () -> {
                                            long elapsedMs = (System.nanoTime() - sent) / 1_000_000;
                                            assertEquals(RedisFailure.Kind.TIMEOUT,
                                                    assertInstanceOf(RedisFailure.class, second).kind());
                                            assertTrue(elapsedMs >= 1_000 && elapsedMs < 3_000, "failed at its "
                                                    + "deadline, not when the connection is given up (10 s): "
                                                    + elapsedMs + " ms");
                                            server.thaw();
                                            server.close();
                                            test.completeNow();
                                        })));
                            })));
                })));
    }

    /**
     * A write whose WAIT is not answered (no replica; WAIT waits 3 s) is past its deadline (50 ms) with only the WAIT
     * owed: the lane gives that connection up after {@code ABANDON_TIMEOUTS} timeouts (0.5 s), which decides the write,
     * and its timer runs a few times meanwhile, not back to back while it waits for the WAIT.
     */
    @Test
    void aConnectionOwingOnlyAWaitIsGivenUpWithoutSpinningTheTimer(Vertx vertx, VertxTestContext test) {
        BatchingRedis redis = (BatchingRedis) client(vertx, TestRedis.url(), Duration.ofMillis(50), 100);
        long sent = System.nanoTime();
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(prefix + "acked")
                        .arg("x"), "test", new ReplicaAcks(1, Duration.ofSeconds(3)))
                .onComplete(test.failing(timedOut -> awaitNothingPending(vertx, redis, test, () -> {
                    long elapsedMs = (System.nanoTime() - sent) / 1_000_000;
                    assertTrue(elapsedMs < 3_000, "the connection was given up before WAIT answered: " + elapsedMs);
                    assertTrue(redis.sweeps() <= 10, "the lane's timer ran " + redis.sweeps() + " times");
                }))));
    }

    /**
     * A request waiting for the lane's connection while Sentinel names no master for longer than {@code
     * ABANDON_TIMEOUTS} timeouts (twenty sentinels that never answer, each asked for 50 ms): it fails at its
     * deadline, is not written, and the lane's timer does not spin while the sentinels are asked.
     */
    @Test
    void aRequestWaitingForSlowSentinelsDoesNotSpinTheTimer(Vertx vertx, VertxTestContext test) {
        NetServer silent = vertx.createNetServer().connectHandler(socket -> { });
        silent.listen(0, "127.0.0.1").onComplete(test.succeeding(listening -> {
            String url = "redis://127.0.0.1:" + listening.actualPort();
            RedisSettings settings = new RedisSettings(Collections.nCopies(20, url), "sentinel", "mymaster", "",
                    Duration.ofMillis(50), 100, null, null);
            BatchingRedis redis = (BatchingRedis) RedisClients.create(vertx, settings, settings.servers(),
                    new SimpleMeterRegistry());
            vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.GET).arg(prefix + "none"))
                    .onComplete(test.failing(timedOut -> test.verify(() -> {
                        assertEquals(RedisFailure.Kind.TIMEOUT, assertInstanceOf(RedisFailure.class, timedOut).kind());
                        awaitNothingPending(vertx, redis, test, () -> assertTrue(redis.sweeps() <= 10,
                                "the lane's timer ran " + redis.sweeps() + " times"));
                    }))));
        }));
    }

    /** Runs {@code check} once the lane has nothing pending (its requests finished), then completes the test. */
    private static void awaitNothingPending(Vertx vertx, BatchingRedis redis, VertxTestContext test,
                                            Runnable check) {
        vertx.setPeriodic(10, timer -> {
            if (redis.pending() == 0) {
                vertx.cancelTimer(timer);
                test.verify(check::run);
                test.completeNow();
            }
        });
    }

    /**
     * A READONLY reply (a standalone server that is a replica: a demoted master) means nothing written to that
     * connection ran: the refused request and the read written behind it in the same turn fail as UNAVAILABLE (the
     * API's 503), not as Redis's refusal; and a request sent during the back-off after it, never written, fails as
     * UNAVAILABLE too.
     */
    @Test
    void aReadOnlyReplyAndWhatFollowsItAreUnavailable(Vertx vertx, VertxTestContext test) {
        // A replica of a master that is not there: it refuses writes with READONLY all the same.
        RedisProcess replica = RedisProcess.start("replicaof 127.0.0.1 1");
        Redis redis = client(vertx, replica.url(), Duration.ofSeconds(5), 100);
        vertx.getOrCreateContext().runOnContext(v -> {
            Future<Response> write = redis.send(Request.cmd(Command.SET).arg(prefix + "ro").arg("x"));
            Future<Response> read = redis.send(Request.cmd(Command.GET).arg(prefix + "ro"));
            Future.join(write, read).onComplete(both -> test.verify(() -> {
                for (Future<Response> refused : List.of(write, read)) {
                    RedisFailure failure = assertInstanceOf(RedisFailure.class, refused.cause());
                    assertEquals(RedisFailure.Kind.UNAVAILABLE, failure.kind(), failure.getMessage());
                    assertTrue(failure.getMessage().contains("READONLY"), failure.getMessage());
                }
                redis.send(Request.cmd(Command.SET).arg(prefix + "ro").arg("y"))
                        .onComplete(test.failing(backOff -> test.verify(() -> {
                            RedisFailure failure = assertInstanceOf(RedisFailure.class, backOff);
                            assertEquals(RedisFailure.Kind.UNAVAILABLE, failure.kind(), failure.getMessage());
                            assertTrue(failure.getMessage().startsWith("Redis unreachable: "), failure.getMessage());
                            replica.close();
                            test.completeNow();
                        })));
            }));
        });
    }

    /** The lane's own connection authenticates and selects the database as the URL says. */
    @Test
    void theLaneUsesThePasswordAndDatabaseOfTheUrl(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start("requirepass lane-secret");
        Redis redis = client(vertx, server.url() + "/3", Duration.ofSeconds(5), 100);
        Redis wrong = client(vertx, "redis://:not-the-secret@127.0.0.1:" + server.port(), Duration.ofSeconds(5), 100);
        Redis database0 = Redis.createClient(vertx, server.url());
        Redis database3 = Redis.createClient(vertx, server.url() + "/3");
        String key = prefix + "in-database-3";
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(key).arg("here"))
                .compose(set -> database3.send(Request.cmd(Command.GET).arg(key)))
                .compose(in3 -> database0.send(Request.cmd(Command.GET).arg(key)).map(in0 -> {
                    test.verify(() -> {
                        assertEquals("here", in3.toString());
                        assertEquals(null, in0, "not in database 0");
                    });
                    return in0;
                }))
                .compose(checked -> wrong.send(Request.cmd(Command.PING)))
                .onComplete(test.failing(refused -> test.verify(() -> {
                    RedisFailure failure = assertInstanceOf(RedisFailure.class, refused);
                    assertEquals(RedisFailure.Kind.UNAVAILABLE, failure.kind());
                    assertTrue(failure.getMessage().contains("refused auth"), failure.getMessage());
                    assertTrue(!failure.getMessage().contains("not-the-secret"), "no password in the message");
                    server.close();
                    test.completeNow();
                }))));
    }

    @Test
    void aRedisThatRestartsIsConnectedToAgain(Vertx vertx, VertxTestContext test) {
        RedisProcess server = RedisProcess.start();
        Redis redis = client(vertx, server.url(), Duration.ofSeconds(1), 1_000);
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> redis.send(Request.cmd(Command.PING)).onComplete(test.succeeding(pong -> {
            server.kill();
            redis.send(Request.cmd(Command.PING)).onComplete(test.failing(down -> test.verify(() -> {
                assertEquals(RedisFailure.Kind.UNAVAILABLE, assertInstanceOf(RedisFailure.class, down).kind());
                server.startAgain();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                pingUntilAnswered(vertx, redis, deadline, test, server);
            })));
        })));
    }

    private static void pingUntilAnswered(Vertx vertx, Redis redis, long deadline, VertxTestContext test,
                                          RedisProcess server) {
        redis.send(Request.cmd(Command.PING)).onComplete(result -> {
            if (result.succeeded()) {
                server.close();
                test.completeNow();
            } else if (System.nanoTime() > deadline) {
                test.failNow(new AssertionError("no answer within 5 s of Redis's return", result.cause()));
            } else {
                vertx.setTimer(50, t -> pingUntilAnswered(vertx, redis, deadline, test, server));
            }
        });
    }

    /** Throws {@code t} whether checked or not, as a listener's bug would. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
