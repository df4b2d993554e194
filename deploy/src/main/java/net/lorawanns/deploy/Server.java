package net.lorawanns.deploy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.lorawanns.bridge.UdpBridge;
import net.lorawanns.config.ApiSettings;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.Durations;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.InternalJsSettings;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.config.KekSettings;
import net.lorawanns.config.Secret;
import net.lorawanns.config.Settings;
import net.lorawanns.core.adr.AdrAlgorithms;
import net.lorawanns.core.api.ApiAccess;
import net.lorawanns.core.api.ApiKeyStore;
import net.lorawanns.core.api.ApiRoutes;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.DeviceProfileCache;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.ResourceIndexes;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.GatewayDutyCycle;
import net.lorawanns.core.gateway.GatewayStatusStore;
import net.lorawanns.core.http.PemKeyPair;
import net.lorawanns.core.integration.EventHub;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.integration.WebhookDispatcher;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.join.JoinServerDoctor;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.pipeline.GatewayRegions;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.pipeline.UplinkPipeline;
import net.lorawanns.core.pipeline.UplinkShards;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisEncoding;
import net.lorawanns.core.redis.RedisExpiryCycle;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.RedisSubscription;
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.seal.MasterKeyCheck;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Eui64Prefix;
import net.lorawanns.core.types.NetId;
import net.lorawanns.core.uplink.Deduplicator;
import net.lorawanns.joinclient.AsyncAnswerRelay;
import net.lorawanns.joinclient.AsyncAnswers;
import net.lorawanns.joinclient.BackendInterfacesClient;
import net.lorawanns.joinclient.ExternalJoinServers;
import net.lorawanns.joinclient.JoinEuiResolver;
import net.lorawanns.joinclient.JoinServerCheck;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.BackendInterfacesServer;
import net.lorawanns.js.InternalJoinServer;
import net.lorawanns.js.JoinServerApi;
import net.lorawanns.js.RejoinCount1Registry;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.DeviceClaiming;
import net.lorawanns.js.claim.DeviceProvisioning;
import net.lorawanns.js.transfer.ExportLock;
import net.lorawanns.js.transfer.RootKeyImport;
import net.lorawanns.js.transfer.TransferApi;
import net.lorawanns.js.transfer.TransferKeyStore;
import net.lorawanns.js.transfer.TransferServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: the composition root that starts every part from the settings and stops them in reverse. */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    /**
     * How often API-registered gateways are read back from Redis: a backstop for changes announced on the
     * gateway-changes channel while this instance's subscription was down.
     */
    private static final long GATEWAY_REFRESH_MS = 10_000;
    /** The bound on the join server's audit log, whatever internal_js.audit_retention allows. */
    private static final long AUDIT_MAX_ENTRIES = 1_000_000;
    /** A device profile changed through the API applies to its devices' frames within this long. */
    private static final Duration PROFILE_CACHE_AGE = Duration.ofSeconds(10);
    /** The longest a frame taken before shutdown may need: a join-accept's RX2 window (6 s) and a margin. */
    private static final Duration DRAIN_FRAMES = Duration.ofSeconds(8);
    /** How long events of those frames may take to reach their webhooks at shutdown. */
    private static final Duration DRAIN_EVENTS = Duration.ofSeconds(5);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Settings settings;
    private final AtomicLong gatewayReads = new AtomicLong();
    private UdpBridge bridge;
    private UplinkShards pipelines;
    private GatewayRegions gatewayRegions;
    private EventHub events;
    private HttpServer operations;
    private HttpServer api;
    private int asyncAnswersPort;
    /** Set when a graceful shutdown begins; /ready then answers 503, so that traffic moves elsewhere. */
    private volatile boolean draining;
    private JoinServerDoctor joinServerDoctor;
    private Optional<String> runKey = Optional.empty();
    /** Whether this run is {@code serve} on the built-in defaults, which makes an API key for the person trying it. */
    private final boolean builtInDefaults;

    private Server(Settings settings, boolean builtInDefaults) {
        this.settings = settings;
        this.builtInDefaults = builtInDefaults;
    }

    /** Starts everything or, on failure, stops what had started and rethrows. */
    public static Server start(Settings settings) throws Exception {
        return start(settings, false);
    }

    /**
     * {@code serve} without a configuration file: the built-in defaults, the embedded Redis and no API key, for which
     * an admin key is made for this run ({@link #runKey()}).
     */
    public static Server startOnBuiltInDefaults() throws Exception {
        return start(Settings.DEFAULTS, true);
    }

    private static Server start(Settings settings, boolean builtInDefaults) throws Exception {
        Server server = new Server(settings, builtInDefaults);
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
        NetworkPlan plan = networkPlan(settings);
        // Operators' ADR algorithms come from the class path; a broken or doubled one stops start-up, naming it.
        AdrAlgorithms adrAlgorithms = AdrAlgorithms.load(Server.class.getClassLoader());
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

        int pipelineCount = settings.network().pipelineEventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(EventLoops.poolSize(pipelineCount)));
        LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)"
                : "Java NIO (" + vertx.unavailableNativeTransportCause() + ")");
        parts.add(() -> vertx.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        parts.add(registry::close);
        parts.add(ProcessMeters.bindTo(registry));

        Redis redis = RedisClients.create(vertx, settings.redis(), redisUrls, registry);
        parts.add(redis::close);
        redis.send(Request.cmd(Command.PING)).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Redis answers PING");
        RedisEncoding.advice(redis).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS).ifPresent(LOG::warn);
        RedisExpiryCycle.advice(redis).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS).ifPresent(LOG::warn);
        RedisKeys keys = new RedisKeys(settings.redis().keyPrefix());
        String instanceId = UUID.randomUUID().toString().substring(0, 8);

        InternalJsSettings js = settings.internalJs();
        AtRestCipher cipher = cipher(js);
        try {
            MasterKeyCheck.verify(redis, keys, cipher).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (SealedRecordException e) {
            throw new ConfigException("internal_js.master_key", e.getMessage());
        }
        DeviceStore devices = new DeviceStore(redis, keys);
        SessionStore sessions = new SessionStore(redis, keys, cipher, ReplicaAcks.of(settings.redis()));
        ApplicationStore applications = new ApplicationStore(redis, keys, cipher);
        GatewayStore gateways = new GatewayStore(redis, keys);
        DeviceProfileStore profiles = new DeviceProfileStore(redis, keys);
        DevNonceRegistry devNonces = new DevNonceRegistry(redis, keys);
        DownlinkQueue queue = new DownlinkQueue(redis, keys, settings.downlink().maxQueueSize(),
                settings.downlink().queueTtl());
        Optional<InternalJoinServer> internalJs = Optional.empty();
        Optional<RootKeyProvisioning> rootKeys = Optional.empty();
        List<ApiRoutes> apiExtensions = new ArrayList<>();
        if (js.enabled()) {
            RootKeyStore store = new RootKeyStore(redis, keys, cipher);
            rootKeys = Optional.of(store);
            AppSKeyStore appSKeys = new AppSKeyStore(redis, keys, cipher);
            Map<String, AesKey> jsKeks = keks(js.kek());
            ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
            AuditLog audit = new AuditLog(redis, keys, js.auditRetention(), AUDIT_MAX_ENTRIES);
            apiExtensions.add(new JoinServerApi(new DeviceClaiming(store, claims, audit, jsKeks.keySet(),
                    Clock.systemUTC(), registry), new DeviceProvisioning(store, claims, audit, registry), audit, jsKeks));
            apiExtensions.add(new TransferApi(vertx, new TransferServices(new TransferKeyStore(vertx, redis, keys,
                    cipher), new ExportLock(redis, keys, store), new RootKeyImport(redis, keys, store), claims, audit,
                    jsKeks.keySet(), registry)));
            InternalJoinServer internal = new InternalJoinServer(store, claims, appSKeys, devNonces,
                    new JoinNonceCounter(redis, keys), new RejoinCount1Registry(redis, keys), js.sessionLifetime(),
                    jsKeks, js.asKekLabel());
            internalJs = Optional.of(internal);
            if (!js.bind().isEmpty()) {
                startBackendInterfaces(vertx, js, internal, store, appSKeys, jsKeks, registry);
            }
        } else {
            apiExtensions.add(RestApi.joinServerOff());
        }

        EventStream stream = new EventStream(vertx, registry);
        WebhookAddressPolicy webhookPolicy = new WebhookAddressPolicy(settings.api().webhookAllowedNetworks());
        WebhookDispatcher webhooks = new WebhookDispatcher(vertx, applications, webhookPolicy, registry);
        parts.add(() -> webhooks.stop().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        events = new EventHub(List.of(stream, webhooks));
        Map<Eui64, Optional<String>> configured = new HashMap<>();
        settings.gateway().gateways().forEach(g -> configured.put(Eui64.parse(g.gatewayId()),
                Optional.ofNullable(g.region())));
        EventLoops loops = new EventLoops(vertx);
        // Status writes leave the bridge's event loop for one of the shared ones.
        GatewayStatusStore gatewayStatus = new GatewayStatusStore(redis, keys, settings.gateway().udp().offlineTimeout(),
                vertx.getOrCreateContext(), registry);
        bridge = new UdpBridge(vertx, loops.bridge(), settings.gateway().udp(), configured.keySet(), gatewayStatus,
                registry);
        gatewayRegions = new GatewayRegions(plan);
        JoinServer joinServer = joinServers(vertx, internalJs, redis, keys, cipher, redisUrls, registry);
        DownlinkScheduler downlinks = new DownlinkScheduler(bridge,
                new GatewayDutyCycle(redis, keys, plan.gatewayDutyCycle()), plan.windowOrder(), instanceId, registry);
        Deduplicator deduplicator = new Deduplicator(vertx, redis, keys, plan.deduplicationWindow(),
                plan.maxQueueDelay(), instanceId, registry);
        DeviceProfileCache profileCache = new DeviceProfileCache(profiles, PROFILE_CACHE_AGE);
        SessionCache sessionCache = UplinkShards.sessionCache(plan);
        int maxInFlight = Math.max(1, plan.maxFramesInFlight() / pipelineCount);
        List<UplinkPipeline> shards = new ArrayList<>();
        for (int i = 0; i < pipelineCount; i++) {
            shards.add(new UplinkPipeline(loops.pipeline(i), sessionCache, maxInFlight, plan, deduplicator, devices,
                    sessions, queue, settings.downlink().confirmedRetries(), joinServer, bridge, downlinks, events,
                    gatewayRegions, profileCache, adrAlgorithms, registry));
        }
        pipelines = new UplinkShards(shards, sessionCache, registry);
        // Subscribed before the first read, so that no change falls between the two.
        RedisSubscription gatewayChanges = RedisSubscription.start(vertx, settings.redis(), redisUrls,
                keys.gatewayChanges(), eui -> refreshGateways(gateways, configured),
                () -> refreshGateways(gateways, configured)).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> gatewayChanges.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        // Enqueues on any instance wake the Class C sender of the instance that reaches the device's gateway. One
        // missed while the subscription reconnects waits for the device's next enqueue or uplink.
        UplinkShards classCPipelines = pipelines;
        RedisSubscription downlinkWake = RedisSubscription.start(vertx, settings.redis(), redisUrls,
                keys.downlinkWake(), devEui -> classCPipelines.downlinkQueued(Eui64.parse(devEui)), () -> { })
                .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> downlinkWake.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        refreshGateways(gateways, configured).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        vertx.setPeriodic(GATEWAY_REFRESH_MS, t -> refreshGateways(gateways, configured));

        // In the background: the API serves meanwhile (see ResourceIndexes for what its lists show until then).
        ResourceIndexes reindex = ResourceIndexes.start(vertx, redis, keys, applications, devices);
        parts.add(reindex::stop);
        RestApi.Services services = new RestApi.Services(devices, sessions, applications, gateways, rootKeys, devNonces,
                stream, webhookPolicy, plan.netId(), plan.region(), joinServerDoctor, profiles, plan.regions(),
                plan.defaults(), queue, events);
        startApi(vertx, services, apiExtensions, new ApiKeyStore(redis, keys), registry);

        if (settings.metrics().enabled()) {
            HostPort bind = HostPort.parse(settings.metrics().bind());
            List<OperationsEndpoint.Check> checks = List.of(
                    new OperationsEndpoint.Check("redis", () -> redis.send(Request.cmd(Command.PING)).mapEmpty()),
                    new OperationsEndpoint.Check("gateway_udp", () -> bridge.listening() ? Future.succeededFuture()
                            : Future.failedFuture("the UDP socket is not bound")),
                    new OperationsEndpoint.Check("api", () -> api.actualPort() > 0 ? Future.succeededFuture()
                            : Future.failedFuture("the API is not listening")),
                    new OperationsEndpoint.Check("shutdown", () -> draining ? Future.failedFuture(
                            "shutting down: uplinks are no longer taken") : Future.succeededFuture()));
            // A little over Redis's own deadline, so that /ready names the failed request rather than its own timer.
            Duration readyDeadline = settings.redis().requestTimeout().plusMillis(500);
            operations = OperationsEndpoint.start(vertx, bind, registry, checks, readyDeadline)
                    .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            parts.add(() -> operations.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            LOG.info("Metrics at http://{}:{}/metrics, liveness at /health, readiness at /ready",
                    bind.host(), operations.actualPort());
        }
        warmUp(new StartUpWarmUp(vertx, loops, settings, plan, redis, cipher, adrAlgorithms, instanceId), registry);
        tenureStartUpObjects();
        // Last, so that the gateways' traffic meets a server with every other part started.
        bridge.start(pipelines).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> bridge.stop().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        LOG.info("Listening for Semtech UDP packet forwarders on {}:{}",
                HostPort.parse(settings.gateway().udp().bind()).host(), bridge.port());
        LOG.info("LoRaWAN network server ready (NetID {}, region {}, instance {})", plan.netId(), plan.region(),
                instanceId);
    }

    /** Runs the start-up warm-up ({@code network.start_up_warm_up}), if any, and reports what it ran. */
    private void warmUp(StartUpWarmUp warmUp, MeterRegistry registry) {
        Duration limit = settings.network().startUpWarmUp();
        StartUpWarmUp.Outcome outcome = new StartUpWarmUp.Outcome(0, 0, Duration.ZERO, 0);
        if (!limit.isZero()) {
            LOG.info("Start-up warm-up: synthetic uplinks through the data path for {} at most "
                    + "(network.start_up_warm_up); /ready answers 503 meanwhile", Durations.format(limit));
            try {
                outcome = warmUp.run(limit);
            } catch (Exception e) {
                // An optimisation: the server starts without it (its keys expire on their own).
                LOG.warn("Start-up warm-up failed, the server starts without it: {}", e.toString());
            }
        }
        long frames = outcome.frames();
        Gauge.builder("lorawan.start.up.warm.up.frames", () -> frames)
                .description("Synthetic frames the start-up warm-up sent through the data path, before the "
                        + "gateways' socket was bound (network.start_up_warm_up)").register(registry);
        if (frames > 0) {
            LOG.info("Start-up warm-up: {} synthetic frames through the data path in {} rounds, {} ms; {} reads of "
                    + "its metrics", frames, outcome.rounds(), outcome.took().toMillis(), outcome.metricsPages());
        }
    }

    /**
     * What start-up made and keeps (the configuration, the API's contract, the libraries' caches) is young until a
     * first collection copies it out: left to the first young collection under the gateways' traffic, that copy made
     * it the longest pause of a restarted server's first minute (53 to 57 ms, against 21 to 26 ms once
     * start-up's objects are out of the way: BENCHMARKS.md, session 25). Asked for now, before the UDP socket is
     * bound, the collection (60 to 71 ms there) keeps no datagram waiting. {@code -XX:+DisableExplicitGC} skips it.
     */
    private static void tenureStartUpObjects() {
        long start = System.nanoTime();
        System.gc();
        LOG.debug("Start-up's heap collected in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The REST API and the web console ({@link ConsoleFiles}) on {@code api.bind}, over TLS with {@code api.tls_cert}
     * and {@code api.tls_key}. Its admin keys are {@code api.api_keys}; on the built-in defaults, which have none, a key
     * made up for this run (see {@link #runKey()}).
     */
    private void startApi(Vertx vertx, RestApi.Services services, List<ApiRoutes> extensions, ApiKeyStore storedKeys,
                          PrometheusMeterRegistry registry) throws Exception {
        ApiSettings apiSettings = settings.api();
        List<String> adminKeys = new ArrayList<>(apiSettings.apiKeys().stream().map(Secret::reveal).toList());
        if (adminKeys.isEmpty() && builtInDefaults) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            // Not of the lnk_<id>_ form of stored keys: it is never looked up in Redis.
            runKey = Optional.of("lnk_run_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            adminKeys.add(runKey.get());
            LOG.info("Built-in defaults, no api.api_keys: made an admin API key for this run, printed on standard "
                    + "output (never logged)");
        } else if (adminKeys.isEmpty()) {
            LOG.warn("No api.api_keys configured: the API takes only keys made with 'api-key create', which needs an "
                    + "admin key");
        }
        HttpServerOptions options = new HttpServerOptions();
        if (apiSettings.tls()) {
            try {
                options.setSsl(true).setKeyCertOptions(PemKeyPair.load(vertx, "api.tls_cert", apiSettings.tlsCert(),
                        "api.tls_key", apiSettings.tlsKey()));
            } catch (InvalidSettingException e) {
                throw new ConfigException(e.key(), e.getMessage());
            }
        }
        HostPort bind = HostPort.parse(apiSettings.bind());
        ApiAccess access = new ApiAccess(adminKeys, Optional.of(storedKeys), registry);
        Router router = RestApi.router(vertx, services, access, extensions).await(START_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
        ConsoleFiles.load().mount(router);
        api = vertx.createHttpServer(options).requestHandler(router)
                .listen(bind.port(), bind.host()).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        parts.add(() -> api.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        String base = (apiSettings.tls() ? "https" : "http") + "://" + bind.host() + ":" + api.actualPort();
        LOG.info("REST API at {}/api/v1/, console at {}/console", base, base);
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
        } catch (InvalidSettingException e) {
            throw new ConfigException(e.key(), e.getMessage());
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

    /** The network plan of the configuration; a value that does not fit its region is a configuration error. */
    static NetworkPlan networkPlan(Settings settings) throws ConfigException {
        try {
            return NetworkPlan.of(settings.network(), settings.regions());
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
    private JoinServer joinServers(Vertx vertx, Optional<InternalJoinServer> internalJs, Redis redis, RedisKeys keys,
                                   AtRestCipher cipher, List<String> redisUrls, PrometheusMeterRegistry registry)
            throws Exception {
        JoinServerSettings js = settings.joinServer();
        JoinEuiResolver resolver = JoinServerRouting.resolver(vertx, settings, registry);
        if (js.resolveJoinEui()) {
            LOG.info("JoinEUIs without a static entry are looked up in DNS under {}, asking {}", js.resolveDomainSuffix(),
                    js.dnsResolver().isEmpty() ? "(the system's resolvers)" : js.dnsResolver());
        }
        joinServerDoctor = new JoinServerCheck(vertx, resolver, internalJs.isPresent(),
                NetId.parse(settings.network().netId()), js.nsId());
        BackendInterfacesClient client = new BackendInterfacesClient(vertx);
        parts.add(client::close);
        Optional<AsyncAnswers> asyncAnswers = Optional.empty();
        if (!js.asyncBind().isEmpty()) {
            AsyncAnswers answers;
            try {
                answers = AsyncAnswers.start(vertx, js, Optional.of(new AsyncAnswerRelay(redis, keys, cipher)))
                        .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InvalidSettingException e) {
                throw new ConfigException(e.key(), e.getMessage());
            } catch (Exception e) {
                throw new ConfigException("join_server.async_bind", "cannot listen for asynchronous answers on "
                        + js.asyncBind() + ": " + e.getMessage());
            }
            parts.add(() -> answers.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            // Answers the join server posts to another instance arrive here through Redis.
            RedisSubscription relayed = RedisSubscription.start(vertx, settings.redis(), redisUrls,
                    keys.asyncJoinAnswers(), answers::relayed, () -> { }).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            parts.add(() -> relayed.close().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            asyncAnswers = Optional.of(answers);
            asyncAnswersPort = answers.port();
            LOG.info("Asynchronous JoinAns accepted at https://{}:{}/", HostPort.parse(js.asyncBind()).host(),
                    answers.port());
        }
        return new ExternalJoinServers(resolver, internalJs.map(internal -> (JoinServer) internal), client,
                asyncAnswers, keks(js.kek()), js.nsId(), registry);
    }

    /**
     * Gives the bridge the configured gateways plus those registered through the API. Reads may be answered out of
     * order (pooled connections), so only the latest one started is applied: an older one may predate a removal.
     */
    private Future<Void> refreshGateways(GatewayStore gateways, Map<Eui64, Optional<String>> configured) {
        long generation = gatewayReads.incrementAndGet();
        return gateways.all().compose(registered -> {
            if (generation != gatewayReads.get()) {
                return Future.<Void>succeededFuture();
            }
            // A region given through the API takes the place of the configuration's.
            Map<Eui64, String> regions = new HashMap<>();
            configured.forEach((eui, region) -> region.ifPresent(id -> regions.put(eui, id)));
            registered.forEach((eui, region) -> region.ifPresent(id -> regions.put(eui, id)));
            gatewayRegions.update(regions);
            Set<Eui64> all = new HashSet<>(configured.keySet());
            all.addAll(registered.keySet());
            return bridge.setRegisteredGateways(all);
        }).onFailure(e -> LOG.warn("Cannot read the registered gateways from Redis: {}", e.toString()));
    }

    /**
     * The cipher that seals every secret at rest. Without {@code internal_js.master_key}, which {@link Settings}
     * allow with the embedded Redis only, a key made up for the run: that Redis forgets everything on exit anyway.
     */
    private AtRestCipher cipher(InternalJsSettings js) {
        if (js.masterKey().isEmpty()) {
            byte[] random = new byte[AesKey.SIZE];
            new SecureRandom().nextBytes(random);
            LOG.warn("No internal_js.master_key: secrets in the embedded Redis are sealed under a key made up for "
                    + "this run");
            return new AtRestCipher(new MasterKey(js.masterKeyId(), AesKey.of(random)), List.of());
        }
        return MasterKeys.cipher(js);
    }

    static Map<String, AesKey> keks(List<KekSettings> keks) {
        return keks.stream().collect(Collectors.toMap(KekSettings::label,
                k -> AesKey.parse(k.kek().reveal(), "kek " + k.label())));
    }

    private void drain() {
        draining = true;
        LOG.info("Shutting down: taking no new uplinks, finishing the frames already taken");
        try {
            bridge.stopAcceptingUplinks().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            pipelines.drained().await(DRAIN_FRAMES.toMillis(), TimeUnit.MILLISECONDS);
            events.flushed().await(DRAIN_EVENTS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Shutdown went on without waiting further: {}", e.toString());
        }
        pipelines = null;
    }

    /** The UDP port gateways send to. */
    public int udpPort() {
        return bridge.port();
    }

    /** The operations endpoint's port ({@code /metrics}, {@code /health}, {@code /ready}). */
    public int metricsPort() {
        return operations.actualPort();
    }

    /** The port of {@code join_server.async_bind}; 0 without async mode. */
    public int asyncAnswersPort() {
        return asyncAnswersPort;
    }

    /**
     * The admin API key made up for this run of {@code serve} without a configuration file (the built-in defaults: the
     * embedded Redis, no {@code api.api_keys}): kept in memory only, like everything in that Redis it dies with the
     * process. The launcher prints it. A run with a configuration file never makes one, so that a service's journal
     * or a container's log never holds a key.
     */
    public Optional<String> runKey() {
        return runKey;
    }

    /** The REST API's port. */
    public int apiPort() {
        return api.actualPort();
    }

    /**
     * Stops gracefully (what SIGTERM does): no new uplinks are taken, the frames already taken are decided (their
     * deduplication windows close, joins are answered) and their events delivered, each within a deadline; then the
     * parts stop in reverse start order, a failing part logged while the rest still stop.
     */
    @Override
    public void close() {
        if (pipelines != null) {
            drain();
        }
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
