package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A subscription on the test Redis, its connection killed by Redis itself. */
class RedisSubscriptionTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void messagesArriveAndALostConnectionIsSubscribedAgain() throws Exception {
        RedisSettings settings = TestRedis.settings();
        String channel = settings.keyPrefix() + "changes";
        Redis redis = TestRedis.client(vertx, settings);
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        CountDownLatch resubscribed = new CountDownLatch(1);
        RedisSubscription subscription = RedisSubscription.start(vertx, settings, settings.servers(), channel,
                messages::add, resubscribed::countDown).await(10, TimeUnit.SECONDS);

        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg("first")).await(10, TimeUnit.SECONDS);
        assertEquals("first", messages.poll(10, TimeUnit.SECONDS));

        // Tests of one JVM run one after another, so the only pub/sub client of this JVM is the one under test.
        long killed = redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub"))
                .await(10, TimeUnit.SECONDS).toLong();
        assertTrue(killed >= 1, "the subscription's connection was killed");
        assertTrue(resubscribed.await(10, TimeUnit.SECONDS), "subscribed again, and told so to catch up");
        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg("second")).await(10, TimeUnit.SECONDS);
        assertEquals("second", messages.poll(10, TimeUnit.SECONDS));

        subscription.close().await(10, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (subscribers(redis, channel) > 0) {
            assertTrue(System.nanoTime() < end, "closed: no subscriber left within 10 s");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static long subscribers(Redis redis, String channel) throws Exception {
        return redis.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(channel)).await(10, TimeUnit.SECONDS)
                .get(1).toLong();
    }
}
