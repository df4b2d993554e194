package net.lorawanns.deploy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.lorawanns.bridge.UdpBridge;
import net.lorawanns.config.Settings;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.adr.AdrAlgorithms;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfileCache;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.GatewayDutyCycle;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.integration.EventHub;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.integration.WebhookDispatcher;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.pipeline.GatewayRegions;
import net.lorawanns.core.pipeline.NetworkPlan;
import net.lorawanns.core.pipeline.UplinkPipeline;
import net.lorawanns.core.pipeline.UplinkShards;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.uplink.Deduplicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic uplinks through the server's own data path before it takes the gateways' traffic
 * ({@code network.start_up_warm_up}). A JVM compiles a method with its optimising compiler (C2) only after it has
 * run thousands of times, and compiles the data path in the first seconds of load on a CPU the load needs: on 2
 * vCPUs, 7 to 10 s of one (BENCHMARKS.md, sessions 24 and 25), while the first seconds' datagrams wait in the
 * kernel. Here the same classes run on the same event loops first: a bridge of their own on a loopback port, the
 * pipelines, the deduplication, the session store, the frame-counter step and the events, delivered to a webhook
 * receiver of their own on another loopback port (operators' applications mostly take their events by webhook),
 * over the operator's Redis but under keys of their own ({@code <key_prefix>warm-up:<instance>:<round>:}, given a
 * TTL once written and deleted at the end of their round), with meters of their own, so that nothing of it shows in
 * the operator's data, metrics or events.
 *
 * <p>It runs in rounds of {@link #ROUND}, each with all of it made anew (bridge, pipelines, caches, meters, events)
 * and devices new to Redis: what the server's own instances do once, on their first frames (a gateway's first
 * datagram, a counter's first increment, a region's first cached value, the deduplication's first window, a
 * device's first session read and first stored MAC state), is then done in every round, so that the compiler has
 * seen it. With one round, the server's first frames met those branches as never taken, and C2 compiled the data
 * path again in the load's first seconds (BENCHMARKS.md, session 27).
 *
 * <p>A round's meters also carry the process's own ({@link ProcessMeters}) and are read as Prometheus reads the
 * operator's, over HTTP from an endpoint of their own ({@link WarmUpScrapes}); their time windows turn within the round
 * ({@link #TURNING_WINDOWS}).
 *
 * <p>It ends at the configured limit or, once {@link #MIN_RUN} has passed, after a round in which the JIT compiled
 * less than {@link #SETTLED_COMPILE_MS}.
 */
final class StartUpWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(StartUpWarmUp.class);
    private static final Duration MIN_RUN = Duration.ofSeconds(3);
    /** How long a round sends. */
    private static final Duration ROUND = Duration.ofSeconds(2);
    private static final long SETTLED_COMPILE_MS = 100;
    /** Frames sent and not yet decided, at most: a few thousand frames per second through a 200 ms window. */
    private static final int IN_FLIGHT = 1_000;
    /** A frame not decided in this long was lost (a datagram dropped): the warm-up ends there. */
    private static final long DECISION_DEADLINE_MS = 5_000;
    /**
     * Its pipelines' {@code max_queue_delay}: the most the setting allows. Its traffic is bounded by {@link #IN_FLIGHT}
     * already, and a frame refused while the JVM is still slow would hold its permit until the round's end: the
     * warm-up would stop where it is needed most.
     */
    private static final Duration NEVER_REFUSED = Duration.ofMinutes(1);
    /**
     * Its meters' time windows (the maximum and the percentiles of a timer, kept over the last {@code expiry}): a round
     * lasts two seconds, the operator's windows two minutes, and a window that never turned in the warm-up turned first
     * under the gateways' traffic, where the compiled recording code, which had never met a turn, was thrown away
     * (BENCHMARKS.md, session 30).
     */
    private static final MeterFilter TURNING_WINDOWS = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            return DistributionStatisticConfig.builder().expiry(Duration.ofMillis(300)).build().merge(config);
        }
    };
    /** Longer than any warm-up: the TTL of its keys, should the process end before it deletes them. */
    private static final long KEY_TTL_MS = Duration.ofMinutes(15).toMillis();
    private static final long STEP_TIMEOUT_S = 30;
    /**
     * Its applications: every other device's has a webhook, so that the events take both paths an operator's take
     * (the webhook's, and its skipping for an application without one).
     */
    private static final String WITH_WEBHOOK = "warm-up";
    private static final String WITHOUT_WEBHOOK = "warm-up-without-webhook";
    private static final String LOOPBACK = "127.0.0.1";

    /**
     * What ran: frames sent (each as {@link WarmUpTraffic#COPIES} gateway copies), in how many rounds, how long, and the
     * pages of metrics read meanwhile ({@link WarmUpScrapes}).
     */
    record Outcome(long frames, int rounds, Duration took, long metricsPages) {
    }

    /** One round's frames sent, and whether one of them got no decision (which ends the warm-up). */
    private record Sent(long frames, boolean stalled) {
    }

    /** What one round sent, and the pages of its metrics read meanwhile. */
    private record Round(Sent sent, int metricsPages) {
    }

    private final Vertx vertx;
    private final EventLoops loops;
    private final Settings settings;
    private final NetworkPlan plan;
    private final Redis redis;
    private final AtRestCipher cipher;
    private final AdrAlgorithms adrAlgorithms;
    private final String keyPrefix;

    StartUpWarmUp(Vertx vertx, EventLoops loops, Settings settings, NetworkPlan plan, Redis redis, AtRestCipher cipher,
                  AdrAlgorithms adrAlgorithms, String instanceId) {
        this.vertx = vertx;
        this.loops = loops;
        this.settings = settings;
        this.plan = plan;
        this.redis = redis;
        this.cipher = cipher;
        this.adrAlgorithms = adrAlgorithms;
        this.keyPrefix = settings.redis().keyPrefix() + "warm-up:" + instanceId + ":";
    }

    /** Runs rounds for at most {@code limit}; blocks the calling (start-up) thread. */
    Outcome run(Duration limit) throws Exception {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        WarmUpTraffic traffic = new WarmUpTraffic();
        // The application's webhook: its events take the webhook path too, to a receiver on a loopback port.
        HttpServer receiver = vertx.createHttpServer().requestHandler(request -> request.end()
                .onComplete(body -> request.response().setStatusCode(204).end()));
        receiver.listen(0, LOOPBACK).await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        try {
            URI webhook = URI.create("http://" + LOOPBACK + ":" + receiver.actualPort() + "/warm-up");
            long frames = 0;
            long metricsPages = 0;
            int rounds = 0;
            while (true) {
                long compiledMs = watchJit ? jit.getTotalCompilationTime() : 0;
                Round round = round(rounds++, traffic, webhook, Math.min(end, System.nanoTime() + ROUND.toNanos()));
                frames += round.sent().frames();
                metricsPages += round.metricsPages();
                long now = System.nanoTime();
                if (round.sent().stalled() || now >= end || watchJit && now - start >= MIN_RUN.toNanos()
                        && jit.getTotalCompilationTime() - compiledMs < SETTLED_COMPILE_MS) {
                    return new Outcome(frames, rounds, Duration.ofNanos(now - start), metricsPages);
                }
            }
        } finally {
            receiver.close().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /** One round: all of it made, its devices registered, frames sent until {@code end}, then its keys deleted. */
    private Round round(int number, WarmUpTraffic traffic, URI webhook, long end) throws Exception {
        String roundPrefix = keyPrefix + number + ":";
        RedisKeys keys = new RedisKeys(roundPrefix);
        Semaphore undecided = new Semaphore(IN_FLIGHT);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().meterFilter(TURNING_WINDOWS);
        try (AutoCloseable processMeters = ProcessMeters.bindTo(meters)) {
            DeviceStore devices = new DeviceStore(redis, keys);
            SessionStore sessions = new SessionStore(redis, keys, cipher, ReplicaAcks.of(settings.redis()));
            ApplicationStore applications = new ApplicationStore(redis, keys, cipher);
            try {
                register(traffic, webhook, applications, devices, sessions);
                forEachKey(roundPrefix, key -> redis.send(Request.cmd(Command.PEXPIRE).arg(key).arg(KEY_TTL_MS)));
                WebhookDispatcher webhooks = new WebhookDispatcher(vertx, applications,
                        new WebhookAddressPolicy(List.of(LOOPBACK + "/32")), meters);
                EventSink decisions = event -> {
                    if (event.type().equals(ApplicationEvent.UPLINK)) {
                        undecided.release();
                    }
                };
                EventHub events = new EventHub(List.of(new EventStream(vertx, meters), webhooks, decisions));
                UdpGatewaySettings udp = settings.gateway().udp();
                UdpBridge bridge = new UdpBridge(vertx, loops.bridge(), new UdpGatewaySettings(LOOPBACK + ":0",
                        udp.unknownGateways(), udp.pinSourceAddress(), udp.rateLimit(), udp.maxUnknownGateways(),
                        udp.offlineTimeout(), udp.txAckTimeout(), udp.forwardCrcBad(), udp.forwardCrcMissing(),
                        udp.defaultRoundTrip()), WarmUpTraffic.registeredGateways(), meters);
                UplinkShards shards = pipelines(keys, devices, sessions, bridge, events, meters);
                bridge.start(shards).await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
                WarmUpScrapes scrapes = WarmUpScrapes.start(vertx, meters);
                Sent sent;
                try {
                    sent = send(traffic, bridge.port(), undecided, end);
                } finally {
                    scrapes.stop();
                    bridge.stop().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
                    shards.drained().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
                    webhooks.stop().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
                }
                return new Round(sent, scrapes.pagesRead());
            } finally {
                forEachKey(roundPrefix, key -> redis.send(Request.cmd(Command.UNLINK).arg(key)));
            }
        } finally {
            meters.close();
        }
    }

    private UplinkShards pipelines(RedisKeys keys, DeviceStore devices, SessionStore sessions, UdpBridge bridge,
                                   EventHub events, PrometheusMeterRegistry meters) {
        String instance = "warm-up";
        JoinServer noJoins = request -> Future.failedFuture("the start-up warm-up sends no joins");
        DownlinkScheduler downlinks = new DownlinkScheduler(bridge,
                new GatewayDutyCycle(redis, keys, plan.gatewayDutyCycle()), plan.windowOrder(), instance, meters);
        Deduplicator deduplicator = new Deduplicator(vertx, redis, keys, plan.deduplicationWindow(), NEVER_REFUSED,
                instance, meters);
        DeviceProfileCache profiles = new DeviceProfileCache(new DeviceProfileStore(redis, keys), Duration.ofMinutes(1));
        DownlinkQueue queue = new DownlinkQueue(redis, keys, settings.downlink().maxQueueSize(),
                settings.downlink().queueTtl());
        SessionCache cache = UplinkShards.sessionCache(plan);
        GatewayRegions gatewayRegions = new GatewayRegions(plan);
        List<UplinkPipeline> shards = new ArrayList<>();
        for (int i = 0; i < settings.network().pipelineEventLoops(); i++) {
            shards.add(new UplinkPipeline(loops.pipeline(i), cache, IN_FLIGHT * WarmUpTraffic.COPIES, plan,
                    deduplicator, devices, sessions, queue, settings.downlink().confirmedRetries(), noJoins, bridge,
                    downlinks, events, gatewayRegions, profiles, adrAlgorithms, meters));
        }
        return new UplinkShards(shards, cache, meters);
    }

    /** The applications and the devices with their ABP sessions, as the API's PUT of a device stores them. */
    private void register(WarmUpTraffic traffic, URI webhook, ApplicationStore applications, DeviceStore devices,
                          SessionStore sessions) throws Exception {
        Future.all(applications.put(new Application(WITH_WEBHOOK, Optional.of(webhook), Map.of())),
                applications.put(new Application(WITHOUT_WEBHOOK, Optional.empty(), Map.of())))
                .await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        for (int first = 0; first < WarmUpTraffic.DEVICES; first += 100) {
            List<Future<Void>> stored = new ArrayList<>();
            for (int d = first; d < Math.min(WarmUpTraffic.DEVICES, first + 100); d++) {
                Eui64 devEui = WarmUpTraffic.devEui(d);
                DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), WarmUpTraffic.devAddr(d),
                        false, traffic.key(), traffic.key(), traffic.key(), Optional.of(traffic.key()),
                        Optional.empty(), 0, plan.region().rx2DataRate(), 1);
                String application = d % 2 == 0 ? WITH_WEBHOOK : WITHOUT_WEBHOOK;
                stored.add(devices.put(new Device(devEui, Optional.empty(), MacVersion.LORAWAN_1_0_3, application,
                        false, Optional.empty())).compose(v -> sessions.setActive(devEui, session, -1, 0)));
            }
            Future.all(stored).await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    private void forEachKey(String prefix, Function<String, Future<?>> action) throws Exception {
        KeyScan.forEachPage(redis, prefix + "*", page -> Future.all(page.stream().map(action).toList()))
                .await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
    }

    /**
     * Sends frames, each as {@link WarmUpTraffic#COPIES} PUSH_DATA from as many gateways, keeping at most
     * {@link #IN_FLIGHT} undecided, until {@code end}.
     */
    private static Sent send(WarmUpTraffic traffic, int port, Semaphore undecided, long end) throws Exception {
        int frame = 0;
        boolean stalled = false;
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(new InetSocketAddress(LOOPBACK, port));
            while (System.nanoTime() < end) {
                if (!undecided.tryAcquire(DECISION_DEADLINE_MS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("Start-up warm-up: a frame got no decision within {} ms; the warm-up ends after this "
                            + "round's {} frames", DECISION_DEADLINE_MS, frame);
                    stalled = true;
                    break;
                }
                byte[] phyPayload = traffic.phyPayload(frame);
                for (int copy = 0; copy < WarmUpTraffic.COPIES; copy++) {
                    int token = ThreadLocalRandom.current().nextInt(0x10000);
                    channel.write(ByteBuffer.wrap(WarmUpTraffic.pushData(frame, copy, phyPayload, token)));
                }
                frame++;
            }
        }
        // The frames sent last are decided before the bridge and the pipelines stop.
        if (!undecided.tryAcquire(IN_FLIGHT, DECISION_DEADLINE_MS, TimeUnit.MILLISECONDS)) {
            LOG.debug("Start-up warm-up: {} frames undecided at its round's end",
                    IN_FLIGHT - undecided.availablePermits());
        }
        return new Sent(frame, stalled);
    }
}
