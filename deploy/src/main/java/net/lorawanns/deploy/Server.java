package net.lorawanns.deploy;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.lorawanns.bridge.UdpBridge;
import net.lorawanns.core.types.Eui64;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.Settings;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: the composition root that starts every part from the settings and stops them in reverse. */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Settings settings;
    private HttpServer operations;

    private Server(Settings settings) {
        this.settings = settings;
    }

    /** Starts everything or, on failure, stops what had started and rethrows. */
    public static Server start(Settings settings) throws Exception {
        Server server = new Server(settings);
        try {
            server.startParts();
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        LogLevels.apply(settings.logging().level());
        List<String> redisUrls = settings.redis().servers();
        if (settings.redis().embedded()) {
            EmbeddedRedis embeddedRedis = EmbeddedRedis.start();
            parts.add(embeddedRedis);
            redisUrls = List.of(embeddedRedis.url());
            LOG.warn("No [redis] servers configured: started an embedded Redis at {}; its data is lost on exit",
                    embeddedRedis.url());
        } else {
            LOG.info("Using Redis ({}) at {}", settings.redis().mode(), settings.redis().maskedServers());
        }

        Vertx vertx = Vertx.vertx();
        parts.add(() -> vertx.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        parts.add(registry::close);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Redis redis = RedisClients.create(vertx, settings.redis(), redisUrls);
        parts.add(redis::close);
        redis.send(Request.cmd(Command.PING)).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Redis answers PING");

        Set<Eui64> registered = settings.gateway().gateways().stream()
                .map(g -> Eui64.parse(g.gatewayId())).collect(Collectors.toSet());
        UdpBridge bridge = new UdpBridge(vertx, settings.gateway().udp(), registered, registry);
        bridge.start(new FrameLog()).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> bridge.stop().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));

        if (settings.metrics().enabled()) {
            HostPort bind = HostPort.parse(settings.metrics().bind());
            operations = OperationsEndpoint.start(vertx, bind, registry, redis)
                    .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            parts.add(() -> operations.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            LOG.info("Metrics at http://{}:{}/metrics, health at /health",
                    bind.host(), operations.actualPort());
        }
        LOG.info("LoRaWAN network server ready (NetID {}, regions {})", settings.network().netId(),
                settings.network().enabledRegions());
    }

    /** Stops the parts in reverse start order; a failing part is logged and the rest still stop. */
    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("Stopping a part failed: {}", e.toString());
            }
        }
        parts.clear();
        LOG.info("LoRaWAN network server stopped");
    }
}
