package net.lorawanns.core.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.NetId;

/** The stores of an API on a real Redis (the test's), for a network serving EU868, without a join server. */
final class ApiServices {
    private ApiServices() {
    }

    static RestApi.Services on(Vertx vertx) throws Exception {
        RedisSettings redisSettings = TestRedis.settings();
        return on(vertx, TestRedis.client(vertx, redisSettings), new RedisKeys(redisSettings.keyPrefix()),
                List.of("eu868"), 3, event -> { });
    }

    /**
     * The stores on {@code redis}, for a network of NetID 000013 serving {@code regions} (the first is the default),
     * with queues of {@code maxQueue} items, and {@code eventSink} taking the events for the applications.
     */
    static RestApi.Services on(Vertx vertx, Redis redis, RedisKeys keys, List<String> regions, int maxQueue,
                               EventSink eventSink) throws Exception {
        Settings settings = new ConfigLoader().parse("""
                [network]
                net_id = "000013"
                enabled_regions = [%s]
                """.formatted(String.join(", ", regions.stream().map(id -> "\"" + id + "\"").toList())));
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        return new RestApi.Services(new DeviceStore(redis, keys), new SessionStore(redis, keys, cipher),
                new ApplicationStore(redis, keys, cipher), new GatewayStore(redis, keys), Optional.empty(),
                new DevNonceRegistry(redis, keys), new EventStream(vertx, new SimpleMeterRegistry()),
                new WebhookAddressPolicy(List.of()), NetId.parse("000013"), plan.region(),
                (joinEui, devEui) -> Future.failedFuture("no join server here"), new DeviceProfileStore(redis, keys),
                plan.regions(), plan.defaults(), new DownlinkQueue(redis, keys, maxQueue, Duration.ofDays(7)),
                eventSink);
    }
}
