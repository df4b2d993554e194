package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scripts go by their SHA-1 (EVALSHA), and whole (EVAL) the first time a connection sends them and when the server
 * forgot them: on a real Redis, after SCRIPT FLUSH, in one batch with other requests, none of which fails for it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LuaScriptTest {
    private final String prefix = "lua-test:" + UUID.randomUUID() + ":";
    /** Unique per test run, so that no earlier run taught the server this script. */
    private final LuaScript increment = new LuaScript("test_increment",
            "-- " + UUID.randomUUID() + "\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");

    @Test
    void aScriptIsSentWholeFirstThenByItsSha1AndAgainWholeAfterAFlushFailingNothingElse(Vertx vertx,
                                                                                       VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Context context = vertx.getOrCreateContext();
        stats(redis).compose(before -> {
            Promise<List<Long>> batch = Promise.promise();
            // One turn: script runs and plain writes interleaved go out as one batch, the first script run whole.
            context.runOnContext(v -> {
                List<Future<Long>> replies = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    replies.add(increment.run(redis, new String[] {prefix + "a"}, 1).map(Response::toLong));
                    replies.add(redis.send(Request.cmd(Command.INCRBY).arg(prefix + "b").arg(1)).map(Response::toLong));
                }
                Future.all(replies).map(all -> replies.stream().map(Future::result).toList())
                        .onComplete(batch);
            });
            return batch.future().compose(replies -> redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH"))
                    .compose(flushed -> increment.run(redis, new String[] {prefix + "a"}, 5))
                    .compose(afterFlush -> increment.run(redis, new String[] {prefix + "a"}, 1))
                    .compose(last -> stats(redis).map(after -> {
                        test.verify(() -> {
                            List<Long> scripts = new ArrayList<>();
                            List<Long> plain = new ArrayList<>();
                            for (int i = 0; i < replies.size(); i++) {
                                (i % 2 == 0 ? scripts : plain).add(replies.get(i));
                            }
                            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), scripts);
                            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), plain);
                            assertEquals(16, last.toLong(), "run after the flush, then by SHA-1 again");
                            // Whole: the connection's first run, and the run after the flush once answered NOSCRIPT.
                            assertEquals(2, after[0] - before[0], "runs sent whole");
                            assertEquals(11, after[1] - before[1], "runs sent by SHA-1");
                        });
                        return null;
                    })));
        }).onComplete(test.succeedingThenComplete());
    }

    /**
     * A script the server has never run, then a plain write of the same key, in one turn: the script runs first, as
     * sent (a NOSCRIPT answer sent again behind the write would run it last).
     */
    @Test
    void aScriptTheServerDoesNotKnowRunsBeforeWhatIsSentAfterIt(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        LuaScript set = new LuaScript("test_set", "-- " + UUID.randomUUID() + "\n"
                + "return redis.call('SET', KEYS[1], ARGV[1])");
        String key = prefix + "order";
        vertx.getOrCreateContext().runOnContext(v -> {
            Future<Response> script = set.run(redis, new String[] {key}, "script");
            Future<Response> plain = redis.send(Request.cmd(Command.SET).arg(key).arg("plain"));
            Future.all(script, plain).compose(both -> redis.send(Request.cmd(Command.GET).arg(key)))
                    .onComplete(test.succeeding(value -> test.verify(() -> {
                        assertEquals("plain", value.toString());
                        test.completeNow();
                    })));
        });
    }

    /** Arguments reach the script as Redis reads them: numbers as their decimal digits, keys given as bytes too. */
    @Test
    void argumentsArriveAsTheirDecimalDigitsOrBytes(Vertx vertx, VertxTestContext test) {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        LuaScript echo = new LuaScript("test_echo", "-- " + UUID.randomUUID() + "\nreturn {KEYS[1], KEYS[2], ARGV[1], "
                + "ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]}");
        long[] numbers = {0, 7, 127, 128, -1, -128, 1_234_567_890_123L, Long.MAX_VALUE, Long.MIN_VALUE};
        byte[][] keys = {(prefix + "{k}:one").getBytes(StandardCharsets.UTF_8),
            (prefix + "{k}:zwei-\u00fc").getBytes(StandardCharsets.UTF_8)};
        echo.run(redis, ReplicaAcks.NONE, keys, numbers[0], (int) numbers[1], numbers[2], numbers[3], numbers[4],
                (int) numbers[5], numbers[6], numbers[7], numbers[8], "text \u00fc").onComplete(test.succeeding(
                        reply -> test.verify(() -> {
                            assertEquals(prefix + "{k}:one", reply.get(0).toString());
                            assertEquals(prefix + "{k}:zwei-\u00fc", reply.get(1).toString());
                            for (int i = 0; i < numbers.length; i++) {
                                assertEquals(Long.toString(numbers[i]), reply.get(2 + i).toString());
                            }
                            assertEquals("text \u00fc", reply.get(11).toString());
                            test.completeNow();
                        })));
    }

    /** {EVAL calls, EVALSHA calls} from INFO commandstats. */
    private static Future<long[]> stats(Redis redis) {
        return redis.send(Request.cmd(Command.INFO).arg("commandstats")).map(info -> new long[] {
            calls(info.toString(), "eval"), calls(info.toString(), "evalsha")});
    }

    private static long calls(String info, String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
