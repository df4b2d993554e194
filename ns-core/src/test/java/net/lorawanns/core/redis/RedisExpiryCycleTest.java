package net.lorawanns.core.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up advice on Redis's {@code hz}, read from real Redis processes. */
@ExtendWith(VertxExtension.class)
class RedisExpiryCycleTest {
    private RedisProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void redisDefaultOfTenGetsAdviceNamingTheSettingAndItsValue(Vertx vertx, VertxTestContext test) {
        Redis redis = start(vertx, "hz 10");
        RedisExpiryCycle.advice(redis).onComplete(test.succeeding(advice -> test.verify(() -> {
            String text = advice.orElseThrow();
            assertTrue(text.contains("hz 10:") && text.contains("Set hz 100") && text.contains("25 ms"), text);
            test.completeNow();
        })));
    }

    @Test
    void aRedisAtOneHundredGetsNone(Vertx vertx, VertxTestContext test) {
        Redis redis = start(vertx, "hz 100");
        RedisExpiryCycle.advice(redis).onComplete(test.succeeding(advice -> test.verify(() -> {
            assertEquals(Optional.empty(), advice);
            test.completeNow();
        })));
    }

    /** Managed services often disable CONFIG: the server then says nothing rather than guess. */
    @Test
    void aRedisThatRefusesConfigGetsNone(Vertx vertx, VertxTestContext test) {
        Redis redis = start(vertx, "hz 10", "rename-command CONFIG \"\"");
        RedisExpiryCycle.advice(redis).onComplete(test.succeeding(advice -> test.verify(() -> {
            assertEquals(Optional.empty(), advice);
            test.completeNow();
        })));
    }

    /** The embedded Redis of the quick start runs with what the README asks for. */
    @Test
    void theEmbeddedRedisRunsAtOneHundred(Vertx vertx, VertxTestContext test) {
        EmbeddedRedis embedded = EmbeddedRedis.start();
        Redis redis = TestRedis.client(vertx, new RedisSettings(List.of(embedded.url()), "standalone", "", ""));
        RedisConfig.number(redis, "hz").onComplete(result -> {
            embedded.close();
            test.verify(() -> {
                assertEquals(OptionalLong.of(RedisExpiryCycle.HZ), result.result());
                test.completeNow();
            });
        });
    }

    private Redis start(Vertx vertx, String... config) {
        server = RedisProcess.start(config);
        return TestRedis.client(vertx, new RedisSettings(List.of(server.url()), "standalone", "", ""));
    }
}
