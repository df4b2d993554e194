package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ReplicaAcks} on the standalone test Redis, which has no replica. */
class ReplicaAcksTest {
    private Vertx vertx;
    private Redis redis;
    private final String key = "acks-test:" + UUID.randomUUID();

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
    void withoutReplicasToWaitForTheWriteAnswersAsUsual() throws Exception {
        assertEquals(1, ReplicaAcks.NONE.send(redis, Request.cmd(Command.INCR).arg(key)).await(10, TimeUnit.SECONDS)
                .toInteger());
    }

    @Test
    void aWriteNoReplicaAcknowledgesFailsAfterTheTimeoutOnTheCallingContext() throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<Throwable> failed = Promise.promise();
        context.runOnContext(v -> new ReplicaAcks(1, Duration.ofMillis(100))
                .send(redis, Request.cmd(Command.SET).arg(key).arg("written").arg("EX").arg(600))
                .onComplete(result -> failed.complete(Vertx.currentContext() == context && result.failed()
                        ? result.cause() : new AssertionError("not failed on its context: " + result))));
        Throwable cause = failed.future().await(10, TimeUnit.SECONDS);
        assertTrue(cause.getMessage().contains("0 of 1 replicas (redis.min_replicas_acked) acknowledged"),
                cause.getMessage());
        Response written = redis.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS);
        assertEquals("written", written.toString(), "the master has the write; no replica confirmed it");
    }
}
