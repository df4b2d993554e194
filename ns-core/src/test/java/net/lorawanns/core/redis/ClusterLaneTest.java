package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
