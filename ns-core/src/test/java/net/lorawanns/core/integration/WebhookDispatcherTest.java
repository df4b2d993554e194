package net.lorawanns.core.integration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook deliveries to real HTTP receivers on loopback, applications in the test Redis. */
class WebhookDispatcherTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Far below the 5 s a stuck receiver holds a delivery before it times out. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ApplicationStore applications;
    private WebhookDispatcher dispatcher;

    @BeforeEach
    void start() {
        RedisSettings settings = TestRedis.settings();
        AtRestCipher cipher = new AtRestCipher(new MasterKey("test", AesKey.of(new byte[AesKey.SIZE])), List.of());
        applications = new ApplicationStore(TestRedis.client(vertx, settings), new RedisKeys(settings.keyPrefix()),
                cipher);
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private void dispatcher(List<String> allowedNetworks) {
        dispatcher = new WebhookDispatcher(vertx, applications, new WebhookAddressPolicy(allowedNetworks), meters);
    }

    private int receiver(Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private void application(String id, String url) throws Exception {
        applications.put(new Application(id, Optional.of(URI.create(url)), Map.of("Authorization", "Bearer t")))
                .await(10, TimeUnit.SECONDS);
    }

    private void publish(String applicationId, int n) {
        dispatcher.publish(new ApplicationEvent(ApplicationEvent.UPLINK, Optional.of(applicationId),
                new JsonObject().put("n", n)));
    }

    @Test
    void aStuckReceiverDelaysNoOtherApplicationAndItsOverflowIsCounted() throws Exception {
        dispatcher(List.of("127.0.0.0/8"));
        AtomicInteger stuckRequests = new AtomicInteger();
        int stuck = receiver(request -> stuckRequests.incrementAndGet());
        BlockingQueue<JsonObject> fastEvents = new LinkedBlockingQueue<>();
        int fast = receiver(request -> request.body().onSuccess(body -> {
            fastEvents.add(body.toJsonObject().put("authorization", request.getHeader("Authorization")));
            request.response().setStatusCode(204).end();
        }));
        application("stuck", "http://127.0.0.1:" + stuck + "/events");
        application("fast", "http://127.0.0.1:" + fast + "/events");

        publish("stuck", 0);
        awaitTrue(() -> stuckRequests.get() == 1, "the stuck application's lane is open");
        int stuckEvents = 1_100;
        for (int n = 1; n < stuckEvents; n++) {
            publish("stuck", n);
        }
        // 4 in flight (its budget and pool) and 1,000 queued: the rest is dropped and counted.
        int overflow = stuckEvents - WebhookLane.IN_FLIGHT - WebhookLane.QUEUE_CAPACITY;
        awaitTrue(() -> dropped("queue_full") == overflow, "the stuck application's overflow counted");

        long published = System.nanoTime();
        for (int n = 0; n < 20; n++) {
            publish("fast", n);
        }
        for (int n = 0; n < 20; n++) {
            JsonObject event = fastEvents.poll(PROMPTLY.toNanos() - (System.nanoTime() - published), TimeUnit.NANOSECONDS);
            assertNotNull(event, "fast event " + n + " within " + PROMPTLY);
            assertEquals("uplink", event.getString("type"));
            assertEquals("fast", event.getString("application_id"));
            assertEquals("Bearer t", event.getString("authorization"));
        }
        assertEquals(WebhookLane.IN_FLIGHT, stuckRequests.get(), "the stuck receiver holds only its own budget");
        assertEquals(0, dropped("overloaded"));
    }

    @Test
    void aHostNameResolvingToLoopbackIsRefusedAtDelivery() throws Exception {
        dispatcher(List.of());
        AtomicInteger requests = new AtomicInteger();
        int port = receiver(request -> {
            requests.incrementAndGet();
            request.response().end();
        });
        application("sneaky", "http://localhost:" + port + "/events");
        publish("sneaky", 1);
        awaitTrue(() -> dropped("address_refused") == 1, "the delivery refused and counted");
        assertEquals(0, requests.get(), "no request reached the loopback receiver");
        assertEquals(0, meters.get("lorawan.events.webhook").tag("outcome", "retried").counter().count(),
                "a refused address is not retried");
    }

    @Test
    void aReceiversEndlessAnswerIsCutOffAndTheEventCountsAsDelivered() throws Exception {
        dispatcher(List.of("127.0.0.1/32"));
        CountDownLatch connectionClosed = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        int port = receiver(request -> {
            requests.incrementAndGet();
            request.connection().closeHandler(v -> connectionClosed.countDown());
            request.response().setChunked(true).setStatusCode(200);
            Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
            // An answer without end: 16 KiB chunks as fast as the client takes them.
            vertx.setPeriodic(1, timer -> {
                if (request.response().closed() || request.response().ended()) {
                    vertx.cancelTimer(timer);
                } else if (!request.response().writeQueueFull()) {
                    request.response().write(chunk);
                }
            });
        });
        application("chatty", "http://127.0.0.1:" + port + "/events");
        publish("chatty", 1);
        assertTrue(connectionClosed.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the client cut the connection");
        awaitTrue(() -> meters.get("lorawan.events.webhook.answers.cut").counter().count() == 1, "the cut counted");
        awaitTrue(() -> meters.get("lorawan.events.webhook").tag("outcome", "delivered").counter().count() == 1,
                "a 2xx status means the receiver took the event");
        assertEquals(1, requests.get(), "not sent again");
    }

    private double dropped(String reason) {
        return meters.get("lorawan.events.webhook.dropped").tag("reason", reason).counter().count();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
