package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingRedisTest {
    private Vertx vertx;
    private Redis redis;
    private final String prefix = "batching-test:" + UUID.randomUUID() + ":";

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        redis = TestRedis.client(vertx, TestRedis.settings());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theStandaloneClientBatches() {
        assertInstanceOf(BatchingRedis.class, redis);
    }

    @Test
    void manyRequestsOfOneTurnEachGetTheirOwnReplyOnTheirContext() throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<List<Long>> done = Promise.promise();
        List<Boolean> onContext = new ArrayList<>();
        context.runOnContext(v -> {
            List<Future<Long>> replies = new ArrayList<>();
            // More than one batch holds: the turn's requests go as several batches.
            for (int i = 0; i < 1_200; i++) {
                replies.add(redis.send(Request.cmd(Command.INCRBY).arg(prefix + i).arg(i)).map(reply -> {
                    onContext.add(Vertx.currentContext() == context);
                    return reply.toLong();
                }));
            }
            Future.all(replies).map(all -> replies.stream().map(Future::result).toList()).onComplete(done);
        });
        List<Long> results = done.future().await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 1_200; i++) {
            assertEquals(i, results.get(i), "reply " + i);
        }
        assertEquals(1_200, onContext.size());
        assertTrue(onContext.stream().allMatch(b -> b), "replies complete on the sending context");
    }

    @Test
    void anErrorReplyFailsItsBatchOnlyAndRequestsOffTheEventLoopGoAlone() throws Exception {
        redis.send(Request.cmd(Command.SET).arg(prefix + "text").arg("not a number")).await(10, TimeUnit.SECONDS);
        Context context = vertx.getOrCreateContext();
        Promise<List<Future<Response>>> sent = Promise.promise();
        context.runOnContext(v -> sent.complete(List.of(
                redis.send(Request.cmd(Command.INCR).arg(prefix + "counter")),
                redis.send(Request.cmd(Command.INCR).arg(prefix + "text")))));
        List<Future<Response>> batch = sent.future().await(10, TimeUnit.SECONDS);
        Future.join(batch).otherwiseEmpty().await(10, TimeUnit.SECONDS);
        assertTrue(batch.get(1).failed());
        assertTrue(batch.get(1).cause().getMessage().contains("not an integer"), batch.get(1).cause().getMessage());
        assertTrue(batch.get(0).failed(), "the batch is reported as a whole");

        Promise<Response> later = Promise.promise();
        context.runOnContext(v -> redis.send(Request.cmd(Command.INCR).arg(prefix + "counter")).onComplete(later));
        assertEquals(2, later.future().await(10, TimeUnit.SECONDS).toLong(), "the failed batch's INCR still ran");
        assertEquals(3, redis.send(Request.cmd(Command.INCR).arg(prefix + "counter")).await(10, TimeUnit.SECONDS)
                .toLong());
    }
}
