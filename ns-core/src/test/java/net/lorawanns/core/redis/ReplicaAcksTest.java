package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ReplicaAcks} through {@link BatchingRedis}, on the standalone test Redis, which has no replica. */
@ExtendWith(VertxExtension.class)
class ReplicaAcksTest {
    private final String key = "acks-test:" + UUID.randomUUID();

    @Test
    void withoutReplicasToWaitForTheWriteAnswersAsUsual(Vertx vertx, VertxTestContext test) {
        BatchingRedis redis = (BatchingRedis) TestRedis.client(vertx, TestRedis.settings());
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.INCR).arg(key), "test",
                ReplicaAcks.NONE).onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(1, reply.toInteger());
                    test.completeNow();
                }))));
    }

    @Test
    void aWriteNoReplicaAcknowledgesFailsAfterTheTimeoutWhileTheOthersOfItsTurnSucceed(Vertx vertx,
                                                                                       VertxTestContext test) {
        BatchingRedis redis = (BatchingRedis) TestRedis.client(vertx, TestRedis.settings());
        vertx.getOrCreateContext().runOnContext(v -> {
            // One turn: the write that wants a replica and one that does not travel in one batch, WAIT after it.
            var acked = redis.send(Request.cmd(Command.SET).arg(key).arg("written").arg("EX").arg(600), "test",
                    new ReplicaAcks(1, Duration.ofMillis(100)));
            var plain = redis.send(Request.cmd(Command.INCR).arg(key + ":plain"), "test", ReplicaAcks.NONE);
            Future.join(acked, plain).onComplete(both -> test.verify(() -> {
                assertTrue(acked.failed());
                RedisFailure failure = assertInstanceOf(RedisFailure.class, acked.cause());
                assertEquals(RedisFailure.Kind.NOT_REPLICATED, failure.kind());
                assertTrue(failure.getMessage().contains("0 of 1 replicas (redis.min_replicas_acked) acknowledged"),
                        failure.getMessage());
                assertTrue(plain.succeeded(), "a write that asked for no replica is not refused");
                redis.send(Request.cmd(Command.GET).arg(key)).onComplete(test.succeeding(written -> test.verify(() -> {
                    assertEquals("written", written.toString(), "the master has the write; no replica confirmed it");
                    test.completeNow();
                })));
            }));
        });
    }

    /**
     * A script Redis forgot (SCRIPT FLUSH) after the lane's connection sent it, that wants a replica: answered
     * NOSCRIPT, it is sent whole with a WAIT of its own after it, and decided (no replica: NOT_REPLICATED) while the
     * master has its write.
     */
    @Test
    void aScriptSentWholeAfterNoscriptIsDecidedByTheWaitAfterItsSecondWrite(Vertx vertx, VertxTestContext test) {
        BatchingRedis redis = (BatchingRedis) TestRedis.client(vertx, TestRedis.settings());
        LuaScript set = new LuaScript("test_set", "-- " + UUID.randomUUID()
                + "\nredis.call('SET', KEYS[1], ARGV[1], 'EX', 600) return 1");
        vertx.getOrCreateContext().runOnContext(v -> set.run(redis, new String[] {key}, "first")
                .compose(first -> redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")))
                .onComplete(test.succeeding(flushed -> afterFlush(redis, set, test))));
    }

    private void afterFlush(BatchingRedis redis, LuaScript set, VertxTestContext test) {
        var acked = set.run(redis, new ReplicaAcks(1, Duration.ofMillis(100)), new String[] {key}, "scripted");
        var plain = redis.send(Request.cmd(Command.INCR).arg(key + ":plain"), "test", ReplicaAcks.NONE);
        Future.join(acked, plain).onComplete(both -> test.verify(() -> {
            RedisFailure failure = assertInstanceOf(RedisFailure.class, acked.cause());
            assertEquals(RedisFailure.Kind.NOT_REPLICATED, failure.kind());
            assertTrue(plain.succeeded(), "a write that asked for no replica is not refused");
            redis.send(Request.cmd(Command.GET).arg(key)).onComplete(test.succeeding(written -> test.verify(() -> {
                assertEquals("scripted", written.toString(), "the script ran whole on the master");
                test.completeNow();
            })));
        }));
    }
}
