package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.uplink.Deduplicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Redis-alone figure calls the server's own script: its text is found in the server's classes, and the SHA-1
 * the generator calls it by is the one a real Redis gives that text (SCRIPT LOAD computes it); the deduplication
 * commands it sends are ones Redis runs, with the answers the server's first copy of a frame gets.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ServerScriptTest {
    @Test
    void readsTheCounterStepFromTheServerAndNamesItAsRedisDoes(Vertx vertx, VertxTestContext test) {
        ServerScript script = RedisAlone.counterStep();
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source()))
                .onComplete(test.succeeding(loaded -> test.verify(() -> {
                    assertEquals("session_accept", script.name());
                    assertEquals(loaded.toString(), script.sha1());
                    assertTrue(script.source().contains("\"relax_fcnt\":true"), "the counter step's text");
                    test.completeNow();
                })));
    }

    /** A fresh frame's set: SET NX takes the lock, SET with GET closes it and finds no other instance's copies. */
    @Test
    void theDeduplicationStepsAreAFreshFramesCommands(Vertx vertx, VertxTestContext test) {
        List<RedisAlone.Step> steps = new RedisAlone(Path.of("redis-benchmark"), 0, 1, List.of(1), 1).deduplication();
        assertEquals(List.of("dedup_open", "dedup_close"),
                steps.stream().map(RedisAlone.Step::name).toList());
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Future<Response> chain = Future.succeededFuture();
        List<String> answers = new ArrayList<>();
        String frame = Long.toString(System.nanoTime());
        for (RedisAlone.Step step : steps) {
            Request request = Request.cmd(Command.create(step.words().get(0)));
            step.words().subList(1, step.words().size())
                    .forEach(word -> request.arg(word.replace("__rand_int__", frame)));
            chain = chain.compose(previous -> redis.send(request)).andThen(answered -> answers.add(
                    String.valueOf(answered.result())));
        }
        chain.onComplete(test.succeeding(last -> test.verify(() -> {
            assertEquals(List.of("OK", "open"), answers);
            test.completeNow();
        })));
    }

    @Test
    void aScriptTheServerNoLongerHasIsNamedInTheError() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ServerScript.of(Deduplicator.class, "RENAMED", "dedup_add"));
        assertTrue(missing.getMessage().contains("Deduplicator.RENAMED"), missing.getMessage());
    }
}
