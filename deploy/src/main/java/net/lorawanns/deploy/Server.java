package net.lorawanns.deploy;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.lorawanns.bridge.UdpBridge;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.InternalJsSettings;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.config.KekSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventHub;
import net.lorawanns.core.events.EventStream;
import net.lorawanns.core.events.WebhookDispatcher;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.pipeline.UplinkPipeline;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Eui64Prefix;
import net.lorawanns.core.uplink.Deduplicator;
import net.lorawanns.joinclient.AsyncAnswers;
import net.lorawanns.joinclient.BackendInterfacesClient;
import net.lorawanns.joinclient.DnsJoinServerLookup;
import net.lorawanns.joinclient.ExternalJoinServers;
import net.lorawanns.joinclient.JoinEuiResolver;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.AtRestCipher;
import net.lorawanns.js.BackendInterfacesServer;
import net.lorawanns.js.InternalJoinServer;
import net.lorawanns.js.MasterKey;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.RootKeyStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: the composition root that starts every part from the settings and stops them in reverse. */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    /** How often API-registered gateways are read back from Redis (other instances may have added some). */
    private static final long GATEWAY_REFRESH_MS = 10_000;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Settings settings;
    private UdpBridge bridge;
    private HttpServer operations;
    private HttpServer api;

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
        NetworkPlan plan = networkPlan();
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

        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)"
                : "Java NIO (" + vertx.unavailableNativeTransportCause() + ")");
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
        RedisKeys keys = new RedisKeys(settings.redis().keyPrefix());
        String instanceId = UUID.randomUUID().toString().substring(0, 8);

        DeviceStore devices = new DeviceStore(redis, keys);
        SessionStore sessions = new SessionStore(redis, keys, ReplicaAcks.of(settings.redis()));
        ApplicationStore applications = new ApplicationStore(redis, keys);
        GatewayStore gateways = new GatewayStore(redis, keys);
        DevNonceRegistry devNonces = new DevNonceRegistry(redis, keys);
        Optional<InternalJoinServer> internalJs = Optional.empty();
        Optional<RootKeyProvisioning> rootKeys = Optional.empty();
        InternalJsSettings js = settings.internalJs();
        if (js.enabled()) {
            AtRestCipher cipher = cipher(js);
            RootKeyStore store = new RootKeyStore(redis, keys, cipher);
            try {
                store.verifyMasterKey().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (RootKeyStoreException e) {
                throw new ConfigException("internal_js.master_key", e.getMessage());
            }
            rootKeys = Optional.of(store);
            AppSKeyStore appSKeys = new AppSKeyStore(redis, keys, cipher);
            Map<String, AesKey> jsKeks = keks(js.kek());
            InternalJoinServer internal = new InternalJoinServer(store, appSKeys, devNonces,
                    new JoinNonceCounter(redis, keys), js.sessionLifetime(), jsKeks, js.asKekLabel());
            internalJs = Optional.of(internal);
            if (!js.bind().isEmpty()) {
                startBackendInterfaces(vertx, js, internal, store, appSKeys, jsKeks, registry);
            }
        }

        EventStream stream = new EventStream(vertx, registry);
        EventHub events = new EventHub(List.of(stream, new WebhookDispatcher(vertx, applications, registry)));
        Set<Eui64> configured = settings.gateway().gateways().stream()
                .map(g -> Eui64.parse(g.gatewayId())).collect(Collectors.toSet());
        bridge = new UdpBridge(vertx, settings.gateway().udp(), configured, registry);
        // A context of its own: created here, outside any event loop, it gets an event loop other than the bridge's.
        UplinkPipeline pipeline = new UplinkPipeline(vertx.getOrCreateContext(), plan,
                new Deduplicator(vertx, redis, keys, plan.deduplicationWindow(), instanceId, registry), devices,
                sessions, joinServers(vertx, internalJs, registry), bridge, events, instanceId, registry);
        bridge.start(pipeline).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> bridge.stop().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        refreshGateways(gateways, configured).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        vertx.setPeriodic(GATEWAY_REFRESH_MS, t -> refreshGateways(gateways, configured));

        HostPort apiBind = HostPort.parse(settings.api().bind());
        RestApi.Services services = new RestApi.Services(devices, sessions, applications, gateways, rootKeys, devNonces,
                stream, plan.netId(), plan.region());
        List<String> apiKeys = settings.api().apiKeys().stream().map(k -> k.reveal()).toList();
        api = vertx.createHttpServer().requestHandler(RestApi.router(vertx, services, apiKeys))
                .listen(apiBind.port(), apiBind.host()).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> api.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        LOG.info("REST API at http://{}:{}/api/v1/{}", apiBind.host(), api.actualPort(),
                apiKeys.isEmpty() ? " (no api.api_keys configured: every request is refused)" : "");

        if (settings.metrics().enabled()) {
            HostPort bind = HostPort.parse(settings.metrics().bind());
            operations = OperationsEndpoint.start(vertx, bind, registry, redis)
                    .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            parts.add(() -> operations.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            LOG.info("Metrics at http://{}:{}/metrics, health at /health",
                    bind.host(), operations.actualPort());
        }
        LOG.info("LoRaWAN network server ready (NetID {}, region {}, instance {})", plan.netId(), plan.region(),
                instanceId);
    }

    /** The internal join server's Backend Interfaces HTTPS endpoint on {@code internal_js.bind}. */
    private void startBackendInterfaces(Vertx vertx, InternalJsSettings js, InternalJoinServer internal,
                                        RootKeyStore store, AppSKeyStore appSKeys, Map<String, AesKey> jsKeks,
                                        PrometheusMeterRegistry registry) throws Exception {
        HostPort bind = HostPort.parse(js.bind());
        List<Eui64Prefix> served = js.joinEuis().stream().map(Eui64Prefix::parse).toList();
        HttpServer endpoint;
        try {
            endpoint = BackendInterfacesServer.start(vertx, js, internal, store, appSKeys, jsKeks,
                    eui -> served.stream().anyMatch(prefix -> prefix.contains(eui)), registry,
                    bind.host(), bind.port()).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("internal_js.clients", e.getMessage());
        } catch (Exception e) {
            throw new ConfigException("internal_js.bind", "cannot start the Backend Interfaces endpoint on "
                    + js.bind() + ": " + e.getMessage());
        }
        parts.add(() -> endpoint.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        LOG.info("Internal join server's Backend Interfaces endpoint at https://{}:{}/ ({} client(s))", bind.host(),
                endpoint.actualPort(), js.clients().size());
    }

    private NetworkPlan networkPlan() throws ConfigException {
        try {
            return NetworkPlan.of(settings.network());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            throw new ConfigException(message.substring(0, colon), message.substring(colon + 2));
        }
    }

    /**
     * The join-server port of the pipeline: JoinEUI resolution (static entries, DNS, default) in front of the
     * internal join server and the Backend Interfaces client.
     */
    private JoinServer joinServers(Vertx vertx, Optional<InternalJoinServer> internalJs,
                                   PrometheusMeterRegistry registry) throws Exception {
        JoinServerSettings js = settings.joinServer();
        Optional<DnsJoinServerLookup> dns = Optional.empty();
        if (js.resolveJoinEui()) {
            try {
                dns = Optional.of(new DnsJoinServerLookup(vertx, DnsJoinServerLookup.resolver(js.dnsResolver()),
                        js.resolveDomainSuffix(), js.dnsNegativeCache()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("join_server.dns_resolver", e.getMessage());
            }
            LOG.info("JoinEUIs without a static entry are looked up in DNS under {}", js.resolveDomainSuffix());
        }
        JoinEuiResolver resolver = new JoinEuiResolver(js,
                settings.internalJs().enabled() ? settings.internalJs().joinEuis() : List.of(), dns, registry);
        BackendInterfacesClient client = new BackendInterfacesClient(vertx);
        parts.add(client::close);
        Optional<AsyncAnswers> asyncAnswers = Optional.empty();
        if (!js.asyncBind().isEmpty()) {
            AsyncAnswers answers;
            try {
                answers = AsyncAnswers.start(vertx, js).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ConfigException("join_server.async_bind", "cannot listen for asynchronous answers on "
                        + js.asyncBind() + ": " + e.getMessage());
            }
            parts.add(() -> answers.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            asyncAnswers = Optional.of(answers);
            LOG.info("Asynchronous JoinAns accepted at https://{}:{}/", HostPort.parse(js.asyncBind()).host(),
                    answers.port());
        }
        return new ExternalJoinServers(resolver, internalJs.map(internal -> (JoinServer) internal), client,
                asyncAnswers, keks(js.kek()), js.nsId(), registry);
    }

    private Future<Void> refreshGateways(GatewayStore gateways, Set<Eui64> configured) {
        return gateways.all().compose(registered -> {
            Set<Eui64> all = new HashSet<>(configured);
            all.addAll(registered);
            return bridge.setRegisteredGateways(all);
        }).onFailure(e -> LOG.warn("Cannot read the registered gateways from Redis: {}", e.toString()));
    }

    private AtRestCipher cipher(InternalJsSettings js) {
        if (js.masterKey().isEmpty()) {
            byte[] random = new byte[AesKey.SIZE];
            new SecureRandom().nextBytes(random);
            LOG.warn("No internal_js.master_key: root keys in the embedded Redis are encrypted under a key made up "
                    + "for this run");
            return new AtRestCipher(new MasterKey(js.masterKeyId(), AesKey.of(random)), List.of());
        }
        return MasterKeys.cipher(js);
    }

    static Map<String, AesKey> keks(List<KekSettings> keks) {
        return keks.stream().collect(Collectors.toMap(KekSettings::label,
                k -> AesKey.parse(k.kek().reveal(), "kek " + k.label())));
    }

    /** The UDP port gateways send to. */
    public int udpPort() {
        return bridge.port();
    }

    /** The REST API's port. */
    public int apiPort() {
        return api.actualPort();
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
