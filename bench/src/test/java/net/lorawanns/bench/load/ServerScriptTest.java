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
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.uplink.Deduplicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Redis-alone figure calls the server's own scripts: their text is found in the server's classes, and the SHA-1
 * the generator calls them by is the one a real Redis gives that text (SCRIPT LOAD computes it).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ServerScriptTest {
    @Test
    void readsThePerFrameScriptsFromTheServerAndNamesThemAsRedisDoes(Vertx vertx, VertxTestContext test) {
        List<ServerScript> scripts = RedisAlone.scripts();
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Future.all(scripts.stream().map(script -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD")
                .arg(script.source()))).toList()).onComplete(test.succeeding(loaded -> test.verify(() -> {
                    assertEquals(List.of("dedup_add", "dedup_close", "session_accept"),
                            scripts.stream().map(ServerScript::name).toList());
                    for (int i = 0; i < scripts.size(); i++) {
                        assertEquals(loaded.resultAt(i).toString(), scripts.get(i).sha1(), scripts.get(i).name());
                    }
                    assertTrue(scripts.get(2).source().contains("\"relax_fcnt\":true"), "the counter step's text");
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
