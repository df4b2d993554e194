package net.lorawanns.bridge;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.Settings;
import net.lorawanns.core.adr.AdrAlgorithms;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfileCache;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.GatewayDutyCycle;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.gateway.UplinkFrame;
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
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.ReplicaAcks;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.uplink.Deduplicator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One gateway copy from its datagram's bytes to the decision on its frame, the way the server runs it: the bridge's
 * per-datagram work (header, admission, PUSH_DATA decoding) hands each {@link UplinkFrame} to the real
 * {@link UplinkPipeline}, wired as {@code deploy}'s {@code Server} wires it, over an embedded Redis: deduplication
 * (a 1 ms window), the session by DevAddr and MIC, the counter step in Redis, and the steps after it (MAC state,
 * the application's uplink event, the Class A answer). ABP devices (LoRaWAN 1.0.3) are registered through the
 * server's stores, as the API registers them; each frame is a device's next unconfirmed uplink, heard by 3 gateways.
 *
 * <p>One invocation is one frame: its 3 datagrams are decoded on the pipeline's event loop (one context, where the
 * server has the bridge on an event loop of its own: the hand-over between the two is not counted), and the benchmark thread waits, with a deadline, for the frame's
 * uplink event, which the data path publishes right after the counter step accepted the frame. Each operation is
 * one copy. The score (copies per second) is bounded by the deduplication window; what this benchmark is for is
 * {@code -prof gc}'s {@code gc.alloc.rate.norm}, bytes allocated per copy: JMH 1.37 on JDK 17 reads it from
 * {@code ThreadMXBean.getTotalThreadAllocatedBytes}, the sum over all threads of the JVM, so the event loop's
 * allocation is in it (Redis runs in its own process and is not).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
public class UplinkPathBenchmark {
    static final int COPIES = 3;
    private static final int DEVICES = 1_000;
    /** Frames prebuilt: more than a run sends at the 1 ms window's pace (a few thousand frames per second). */
    private static final int MAX_FRAMES = 400_000;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final long DECISION_DEADLINE_MS = 5_000;
    private static final AesKey KEY = AesKey.parse("2B7E151628AED2A6ABF7158809CF4F3C", "bench");
    private static final String CONFIG = """
            [network]
            deduplication_delay = "1ms"
            [[regions]]
            id = "eu868"
            extra_channels = []
            [gateway.udp]
            rate_limit = 0
            """;

    /**
     * The frames' ADR bit: with it, each frame joins its device's ADR history, which the MAC state saves (as most
     * devices send); without, the MAC state stays as stored.
     */
    @Param({"false"})
    public boolean adr;

    private EmbeddedRedis embedded;
    private Vertx vertx;
    private Context context;
    private UplinkPipeline pipeline;
    private PushDataDecoder decoder;
    private GatewayRegistry registry;
    private InetSocketAddress sender;
    private final Semaphore decided = new Semaphore(0);
    private byte[][] phyPayloads;
    /** The 3 copies' datagrams, rewritten for each frame (the event loop has read them before the decision). */
    private final byte[][] datagrams = new byte[COPIES][];
    private byte[] base64;
    private int dataOffset;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Settings settings = new ConfigLoader().parse(CONFIG);
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        embedded = EmbeddedRedis.start();
        vertx = Vertx.vertx();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Redis redis = RedisClients.create(vertx, settings.redis(), List.of(embedded.url()), meters);
        RedisKeys keys = new RedisKeys(settings.redis().keyPrefix());
        byte[] masterKey = new byte[AesKey.SIZE];
        masterKey[0] = 1;
        AtRestCipher cipher = new AtRestCipher(new MasterKey("bench", AesKey.of(masterKey)), List.of());
        DeviceStore devices = new DeviceStore(redis, keys);
        SessionStore sessions = new SessionStore(redis, keys, cipher, ReplicaAcks.of(settings.redis()));
        ApplicationStore applications = new ApplicationStore(redis, keys, cipher);
        DownlinkQueue queue = new DownlinkQueue(redis, keys, settings.downlink().maxQueueSize(),
                settings.downlink().queueTtl());
        register(applications, devices, sessions, plan);

        WebhookDispatcher webhooks = new WebhookDispatcher(vertx, applications,
                new WebhookAddressPolicy(settings.api().webhookAllowedNetworks()), meters);
        EventSink decisions = new EventSink() {
            @Override
            public void publish(ApplicationEvent event) {
                if (event.type().equals(ApplicationEvent.UPLINK)) {
                    decided.release();
                }
            }
        };
        EventHub events = new EventHub(List.of(new EventStream(vertx, meters), webhooks, decisions));
        Set<Eui64> gateways = new HashSet<>();
        for (int g = 0; g < COPIES; g++) {
            gateways.add(new Eui64(gatewayEui(g)));
        }
        // The gateway backend of the downlink scheduler, not started: no gateway has a downlink path (no PULL_DATA).
        UdpBridge bridge = new UdpBridge(vertx, settings.gateway().udp(), gateways, meters);
        JoinServer noJoins = request -> Future.failedFuture("no joins in this benchmark");
        DownlinkScheduler downlinks = new DownlinkScheduler(bridge,
                new GatewayDutyCycle(redis, keys, plan.gatewayDutyCycle()), plan.windowOrder(), "bench", meters);
        // One context for the bridge's work and the pipeline (the server gives each its own event loop).
        context = vertx.getOrCreateContext();
        pipeline = new UplinkPipeline(context, UplinkShards.sessionCache(plan), plan.maxFramesInFlight(), plan,
                new Deduplicator(vertx, redis, keys, plan.deduplicationWindow(), plan.maxQueueDelay(), "bench",
                        meters), devices, sessions, queue, settings.downlink().confirmedRetries(), noJoins, bridge,
                downlinks, events, new GatewayRegions(plan),
                new DeviceProfileCache(new DeviceProfileStore(redis, keys), Duration.ofSeconds(10)),
                AdrAlgorithms.load(UplinkPathBenchmark.class.getClassLoader()), meters);
        decoder = new PushDataDecoder(settings.gateway().udp().forwardCrcBad(),
                settings.gateway().udp().forwardCrcMissing());
        registry = new GatewayRegistry(settings.gateway().udp(), gateways, System.nanoTime());
        sender = new InetSocketAddress("127.0.0.1", 1700);
        phyPayloads = phyPayloads(adr);
        String data = BASE64.encodeToString(phyPayloads[0]);
        base64 = new byte[data.length()];
        for (int c = 0; c < COPIES; c++) {
            datagrams[c] = datagram(c, data, phyPayloads[0].length);
        }
        dataOffset = new String(datagrams[0], StandardCharsets.US_ASCII).indexOf(data);
    }

    /** An application and {@link #DEVICES} ABP devices with their sessions, as the API's PUT of a device stores them. */
    private static void register(ApplicationStore applications, DeviceStore devices, SessionStore sessions,
                                 NetworkPlan plan) throws Exception {
        applications.put(new Application("bench", Optional.empty(), Map.of())).await(10, TimeUnit.SECONDS);
        // 50 at a time, as the load generator registers them: a cold JVM's thousand at once miss Redis's deadline.
        for (int first = 0; first < DEVICES; first += 50) {
            List<Future<Void>> stored = new ArrayList<>();
            for (int i = first; i < Math.min(DEVICES, first + 50); i++) {
                Eui64 devEui = new Eui64(0x0A00000000000000L + i);
                DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), devAddr(i), false, KEY, KEY,
                        KEY, Optional.of(KEY), Optional.empty(), 0, plan.region().rx2DataRate(), 1);
                stored.add(devices.put(new Device(devEui, Optional.empty(), MacVersion.LORAWAN_1_0_3, "bench", false,
                        Optional.empty())).compose(v -> sessions.setActive(devEui, session, -1, 0)));
            }
            Future.all(stored).await(60, TimeUnit.SECONDS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        embedded.close();
    }

    /** One frame, its 3 copies decoded and handed to the pipeline; returns once the frame's decision is made. */
    @Benchmark
    @OperationsPerInvocation(COPIES)
    public void copyToDecision() throws Exception {
        int i = frame++;
        if (i == phyPayloads.length) {
            throw new IllegalStateException("all " + phyPayloads.length + " prebuilt frames were used: raise MAX_FRAMES");
        }
        int token = i & 0xFFFF;
        for (byte[] datagram : datagrams) {
            datagram[1] = (byte) (token >>> 8);
            datagram[2] = (byte) token;
            BASE64.encode(phyPayloads[i], base64);
            System.arraycopy(base64, 0, datagram, dataOffset, base64.length);
        }
        Instant now = Instant.now();
        context.runOnContext(v -> {
            for (byte[] datagram : datagrams) {
                receive(datagram, now);
            }
        });
        if (!decided.tryAcquire(DECISION_DEADLINE_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("frame " + i + " got no decision within " + DECISION_DEADLINE_MS + " ms");
        }
    }

    /** The bridge's work on one PUSH_DATA (UdpBridge.receive without the socket's PUSH_ACK), on its event loop. */
    private void receive(byte[] datagram, Instant now) {
        try {
            Header header = Header.parse(datagram, datagram.length);
            long nowNanos = System.nanoTime();
            GatewayState state = registry.admit(header.gatewayEui(), sender, header.version(), nowNanos);
            if (!registry.hasRate(state, nowNanos)) {
                throw new IllegalStateException("rate limited");
            }
            PushData push = decoder.decode(header.gatewayEui(), datagram, Header.GATEWAY_HEADER_SIZE,
                    datagram.length - Header.GATEWAY_HEADER_SIZE, now);
            for (int i = 0; i < push.frameCount(); i++) {
                if (registry.withinRate(state, nowNanos)) {
                    pipeline.uplink(push.frame(i));
                }
            }
        } catch (MalformedDatagramException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Frame i is device (i mod devices)'s next unconfirmed uplink (FPort 1, 4 bytes), as the load generator makes
     * them: built before the measurement, so that the benchmark thread's own allocation per frame stays under 100 bytes
     * (an Instant and the task it hands to the event loop).
     */
    private static byte[][] phyPayloads(boolean adr) {
        byte[][] out = new byte[MAX_FRAMES][];
        for (int i = 0; i < MAX_FRAMES; i++) {
            DevAddr devAddr = devAddr(i % DEVICES);
            int fCnt = i / DEVICES;
            byte[] payload = DataCrypto.encryptFrmPayload(KEY, Direction.UPLINK, devAddr, fCnt,
                    new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), 0x42});
            DataFrame unsigned = new DataFrame(MType.UNCONFIRMED_DATA_UP, devAddr, FCtrl.uplink(adr, false, false,
                    false), fCnt & 0xFFFF, new byte[0], OptionalInt.of(1), payload, new Mic(0));
            out[i] = unsigned.withMic(DataCrypto.mic10(KEY, Direction.UPLINK, devAddr, fCnt, unsigned.micInput()))
                    .encode();
        }
        return out;
    }

    /**
     * Copy c's PUSH_DATA (one rxpk, 868.1 MHz, SF7BW125), as the load generator sends it, from gateway c; the
     * token and the rxpk's data are written into it for each frame.
     */
    private static byte[] datagram(int c, String data, int size) {
        String json = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,\"chan\":0,\"rfch\":0,"
                + "\"freq\":868.100000,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\","
                + "\"lsnr\":%.1f,\"rssi\":%d,\"size\":%d,\"data\":\"%s\"}]}", 1_000_000L * (c + 1), 9.0 - c,
                -60 - 10 * c, size, data);
        byte[] body = json.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer datagram = ByteBuffer.allocate(Header.GATEWAY_HEADER_SIZE + body.length);
        datagram.put((byte) 2).putShort((short) 0).put((byte) 0).putLong(gatewayEui(c)).put(body);
        return datagram.array();
    }

    private static DevAddr devAddr(int device) {
        return new DevAddr(device + 1);
    }

    private static long gatewayEui(int gateway) {
        return 0xAA55000000000000L + gateway;
    }
}
