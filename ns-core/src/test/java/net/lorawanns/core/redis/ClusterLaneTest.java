package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link BatchingRedis} on a real three-master Redis Cluster: one lane per event loop, requests sent one by one. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ClusterLaneTest {
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
            List<Future<Response>> pushes = new ArrayList<>();
            Promise<Void> allSent = Promise.promise();
            sendOnePerTurn(context, redis, list, 0, count, pushes, allSent);
            allSent.future().onSuccess(sent -> {
                master.thaw();
                Future.all(pushes).compose(all -> redis.send(Request.cmd(Command.LRANGE).arg(list).arg(0).arg(-1)))
                        .onComplete(test.succeeding(values -> test.verify(() -> {
                            List<Integer> order = new ArrayList<>();
                            values.forEach(value -> order.add(value.toInteger()));
                            List<Integer> expected = new ArrayList<>();
                            for (int i = 0; i < count; i++) {
                                expected.add(i);
                            }
                            assertEquals(expected, order, "executed in the order sent");
                            test.completeNow();
                        })));
            });
        })));
    }

    /** Sends RPUSH i, each in a turn of its own, while the list's master is frozen. */
    private static void sendOnePerTurn(Context context, Redis redis, String list, int i, int count,
                                       List<Future<Response>> pushes, Promise<Void> allSent) {
        if (i == count) {
            allSent.complete();
            return;
        }
        pushes.add(redis.send(Request.cmd(Command.RPUSH).arg(list).arg(i)));
        context.runOnContext(v -> sendOnePerTurn(context, redis, list, i + 1, count, pushes, allSent));
    }
}
