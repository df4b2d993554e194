package net.lorawanns.bench.load;

import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Mic;

/**
 * Drives a running server the way a busy network would, on loopback and bounded in count and time: it starts a
 * Redis and the server jar ({@code java -jar deploy/target/lorawan-ns.jar serve}) as a child process, registers
 * ABP devices through the API, then sends pre-built PUSH_DATA datagrams from many simulated gateways at a fixed
 * rate of unique frames, each heard by several gateways. At the end it reads the server's Prometheus metrics and
 * Redis's command statistics and prints copies/s accepted, frames/s processed, processing latency and Redis
 * commands per frame.
 *
 * <pre>java -cp bench/target/benchmarks.jar net.lorawanns.bench.load.LoadGenerator [frames/s] [seconds] [copies] [devices] [gateways]</pre>
 *
 * The server runs with the JVM options of the systemd unit, read from it ({@code -XX:+UseParallelGC
 * -XX:-UseAdaptiveSizePolicy -XX:MaxTenuringThreshold=1 -XX:MetaspaceSize=128m -XX:InitialRAMPercentage=25
 * -XX:MaxRAMPercentage=25 -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError}: a fixed heap of a quarter of the memory,
 * touched at start-up, its generations not resized); {@code -Dload.serverJvmArgs="..."} replaces them (another
 * collector, a heap size, a profiler); {@code -Dload.warmUpSeconds=N} sets the unmeasured warm-up (default 20 s);
 * {@code -Dload.restart=true} restarts the server after registering the devices, so that the warm-up starts on a server
 * just started; {@code -Dload.latencySeries=true} prints the decision latency's p99 second by second ({@link
 * LatencySeries}); {@code -Dload.redis=cluster} runs the server on a three-master Redis Cluster of local processes
 * instead of one embedded Redis (Redis's command counts and CPU are then summed over the masters); {@code
 * -Dload.redisHz=N} sets Redis's {@code hz} for the run (the embedded Redis starts with 100, {@link RedisExpiryWatch}
 * reports what its expiry cycle did). Whatever the options, the server's JVM also writes a log of its collections, and
 * the report gives their pauses in the warm-up and in the measured phase ({@link ServerGcLog}), and then the
 * generator's own ({@link GeneratorGcPauses}). Beside each process's CPU it gives how long its threads were runnable
 * but waited for a CPU, and how often one was preempted ({@link CpuWait}): the server's and Redis's threads, and the
 * generator's event loop.
 *
 * <p>What a gateway sees is reported after the server's own figures: the kernel's drops on the server's UDP socket
 * (warm-up and measured phase), and the round trip of every PUSH_DATA to its PUSH_ACK. Optional workloads:
 * <ul>
 *   <li>{@code -Dload.confirmedShare=0.005}: that share of the devices (every 200th) sends confirmed uplinks; every
 *       simulated gateway then sends PULL_DATA and TX_ACKs the server's PULL_RESPs (see {@link DownlinkGateways}),
 *       and the time from such an uplink's send to its ACK's PULL_RESP, beyond the deduplication delay, is
 *       reported.</li>
 *   <li>{@code -Dload.webhook=true}: the application's webhook points at a local receiver ({@link WebhookReceiver})
 *       that counts the events delivered.</li>
 *   <li>a device population larger than the session cache is the fourth argument (e.g. 1000000): each device's frame
 *       is then its first in the run. Devices are registered through the API, {@code -Dload.registerConcurrency}
 *       requests at a time (default 50); the time it takes is printed.</li>
 * </ul>
 *
 * <p>Last, on the same Redis, what Redis alone could do with the server's per-frame request mix
 * ({@link RedisAlone}: {@code redis-benchmark}, from {@code -Dload.redisBenchmark} or the PATH; skipped, saying so,
 * without it), and the server's decided frames/s as a share of that. {@code -Dload.redisBenchmarkClients} (default
 * 1), {@code -Dload.redisBenchmarkPipelines} (the depths tried, default {@code 16,64}) and
 * {@code -Dload.redisBenchmarkRequests} (calls per script and depth, default 300,000) shape it.
 */
public final class LoadGenerator {
    private static final String API_KEY = "load-generator-api-key";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final AesKey KEY = AesKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    /**
     * Sent first at the same rate and left out of the results, so that the server's JIT has compiled the path: with
     * the server, Redis and the generator sharing two cores, C2 still takes a third of a core 10 s into the load.
     */
    private static final int WARM_UP_SECONDS = Integer.getInteger("load.warmUpSeconds", 20);
    /**
     * Stops the server once the devices are registered and starts it again on the same Redis before the warm-up: the
     * load then meets a server just started with its devices stored, as after an operator's restart, whose JIT has
     * compiled nothing of the API's registrations and whose session cache is empty.
     */
    private static final boolean RESTART = Boolean.getBoolean("load.restart");
    /**
     * The generated configuration's {@code network.start_up_warm_up} (e.g. {@code 0s}: none); unset, the server's
     * default.
     */
    private static final String START_UP_WARM_UP = System.getProperty("load.startUpWarmUp");
    /** The generated configuration's {@code network.deduplication_delay}: a downlink cannot leave before it. */
    static final Duration DEDUPLICATION_DELAY = Duration.ofMillis(200);
    /** How long after the last datagram a PUSH_ACK not yet come is waited for. */
    private static final Duration ACK_GRACE = Duration.ofSeconds(2);
    private static final double CONFIRMED_SHARE = Double.parseDouble(System.getProperty("load.confirmedShare", "0"));
    private static final boolean WEBHOOK = Boolean.getBoolean("load.webhook");
    private static final int REGISTER_CONCURRENCY = Integer.getInteger("load.registerConcurrency", 50);
    /** How long a registration waits for the API's answer before it is sent again, once. */
    private static final int ANSWER_SECONDS = 60;
    /**
     * redis-benchmark's connections for the Redis-alone figure: the server sends each event loop's requests on one
     * connection of its own.
     */
    private static final int REDIS_BENCHMARK_CLIENTS = Integer.getInteger("load.redisBenchmarkClients", 1);
    /**
     * The depths tried, requests redis-benchmark writes per connection before reading (a script's rate is its best):
     * the server writes each event loop's turn of requests at once, a few to a few hundred.
     */
    private static final List<Integer> REDIS_BENCHMARK_PIPELINES = java.util.Arrays.stream(System.getProperty(
            "load.redisBenchmarkPipelines", "16,64").split(",")).map(depth -> Integer.parseInt(depth.trim())).toList();
    private static final int REDIS_BENCHMARK_REQUESTS = Integer.getInteger("load.redisBenchmarkRequests", 300_000);

    private final int framesPerSecond;
    private final int seconds;
    private final int copies;
    private final int devices;
    private final int gateways;
    /** Every confirmedEvery-th device sends confirmed uplinks; 0: none does. */
    private final int confirmedEvery;

    private LoadGenerator(int framesPerSecond, int seconds, int copies, int devices, int gateways) {
        this.framesPerSecond = framesPerSecond;
        this.seconds = seconds;
        this.copies = copies;
        this.devices = devices;
        this.gateways = gateways;
        this.confirmedEvery = CONFIRMED_SHARE <= 0 ? 0 : (int) Math.max(1, Math.round(1 / CONFIRMED_SHARE));
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int copies = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int devices = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int gateways = args.length > 4 ? Integer.parseInt(args[4]) : 1_000;
        new LoadGenerator(rate, seconds, copies, devices, gateways).run();
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("lorawan-load");
        try (RedisUnderLoad redis = RedisUnderLoad.start(System.getProperty("load.redis", "standalone"))) {
            int udpPort = freeUdpPort();
            int apiPort = freeTcpPort();
            int metricsPort = freeTcpPort();
            Path config = dir.resolve("load.toml");
            Files.writeString(config, """
                    [logging]
                    level = "warn"
                    [network]
                    deduplication_delay = "%dms"
                    %s
                    # The simulated gateways ask for downlinks (PULL_DATA) only with load.confirmedShare: a
                    # network with extra channels would try to give them to every device on every uplink.
                    [[regions]]
                    id = "eu868"
                    extra_channels = []
                    [redis]
                    %s
                    [gateway.udp]
                    bind = "127.0.0.1:%d"
                    rate_limit = 0
                    [internal_js]
                    master_key = "000102030405060708090A0B0C0D0E0F"
                    [api]
                    bind = "127.0.0.1:%d"
                    api_keys = ["%s"]
                    webhook_allowed_networks = ["127.0.0.1/32"]
                    [metrics]
                    bind = "127.0.0.1:%d"
                    """.formatted(DEDUPLICATION_DELAY.toMillis(),
                    START_UP_WARM_UP == null ? "" : "start_up_warm_up = \"" + START_UP_WARM_UP + "\"", redis.toml(),
                    udpPort, apiPort, API_KEY, metricsPort));
            Path gcLog = dir.resolve("server-gc.log");
            Process server = startServer(config, metricsPort, gcLog);
            try (GeneratorGcPauses ownPauses = new GeneratorGcPauses();
                 WebhookReceiver webhook = WEBHOOK ? new WebhookReceiver() : null;
                 DownlinkGateways downlinks = confirmedEvery == 0 ? null
                         : new DownlinkGateways(gatewayEuis(), udpPort, devices, DEDUPLICATION_DELAY.toNanos())) {
                provision(apiPort, webhook);
                RedisExpiryWatch expiry = new RedisExpiryWatch(redis.ports(), Integer.getInteger("load.redisHz", 0));
                System.out.printf(Locale.ROOT, "Pre-building %d frames x %d copies...%n",
                        (long) framesPerSecond * (WARM_UP_SECONDS + seconds), copies);
                OffHeapDatagrams prebuilt = prebuild((long) framesPerSecond * (WARM_UP_SECONDS + seconds),
                        new InetSocketAddress("127.0.0.1", udpPort));
                List<DatagramPacket> all = prebuilt.all();
                if (RESTART) {
                    server = restartServer(server, config, metricsPort, gcLog);
                }
                int warmUp = framesPerSecond * WARM_UP_SECONDS * copies;
                PushAckClock warmUpAcks = new PushAckClock(warmUp);
                PushAckClock acks = new PushAckClock(all.size() - warmUp);
                System.out.println("Simulated gateways' socket: " + PushDataSender.transport());
                Optional<SocketDrops> dropsAtStart = SocketDrops.read(udpPort);
                System.out.printf(Locale.ROOT, "Warming up for %d s (not measured)...%n", WARM_UP_SECONDS);
                OwnHeap.readyForPhase();
                Map<String, Double> atWarmUp = metrics(metricsPort);
                Instant warmUpStart = Instant.now();
                blast(all.subList(0, warmUp), 0, warmUpAcks, downlinks);
                awaitSettled(metricsPort);
                Instant warmUpEnd = Instant.now();
                Optional<SocketDrops> dropsAfterWarmUp = SocketDrops.read(udpPort);
                List<DatagramPacket> datagrams = all.subList(warmUp, all.size());
                OwnHeap.readyForPhase();
                Map<String, Double> before = metrics(metricsPort);
                Map<String, Long> commandsBefore = redisCommands(redis.ports());
                CpuTimes cpuBefore = CpuTimes.now(server, redis.ports());
                CpuWaits waitsBefore = CpuWaits.now(server, redis.ports());
                ThreadCpu threadsBefore = ThreadCpu.of(server.pid());
                ThreadCpu kernelBefore = ThreadCpu.kernelThreads();
                long eventsBefore = webhook == null ? 0 : webhook.events();
                if (downlinks != null) {
                    downlinks.startMeasuring();
                }
                expiry.start();
                Optional<LatencySeries> series = Boolean.getBoolean("load.latencySeries")
                        ? Optional.of(new LatencySeries(() -> metrics(metricsPort))) : Optional.empty();
                Instant measuredStart = Instant.now();
                Blast measured = blast(datagrams, (long) framesPerSecond * WARM_UP_SECONDS, acks, downlinks);
                long sent = measured.sent();
                prebuilt.close();
                // Let the last deduplication windows close and their frames be decided.
                Map<String, Double> after = awaitSettled(metricsPort);
                Instant measuredEnd = Instant.now();
                series.ifPresent(perSecond -> perSecond.report(10));
                CpuTimes cpu = CpuTimes.now(server, redis.ports()).minus(cpuBefore);
                CpuWaits waits = CpuWaits.now(server, redis.ports()).minus(waitsBefore);
                List<ThreadCpu.Use> busiest = ThreadCpu.of(server.pid()).busiestSince(threadsBefore, 5);
                List<ThreadCpu.Use> kernel = ThreadCpu.kernelThreads().busiestSince(kernelBefore, 5);
                Optional<SocketDrops> dropsAtEnd = SocketDrops.read(udpPort);
                Map<String, Long> commands = redisCommands(redis.ports());
                commandsBefore.forEach((command, calls) -> commands.merge(command, -calls, Long::sum));
                report(sent, before, after, commands);
                reportShed(atWarmUp, before, after);
                double received = delta(before, after, "lorawan_gateway_udp_rxpk_forwarded_total");
                System.out.printf(Locale.ROOT, "CPU per copy: server %.1f us, Redis %.1f us, generator %.1f us"
                        + " (%.1f / %.1f / %.1f s; per copy received by the bridge)%n", cpu.server() / received * 1e6,
                        cpu.redis() / received * 1e6, cpu.generator() / received * 1e6, cpu.server(), cpu.redis(),
                        cpu.generator());
                waits.report(Duration.between(measuredStart, measuredEnd), measured.loopWaited());
                System.out.println("Server threads, CPU seconds in the measured phase (busiest first), and their waits"
                        + " for a CPU:");
                busiest.forEach(thread -> System.out.printf(Locale.ROOT, "  %-40s %6.1f s%s%n", thread.thread(),
                        thread.cpuSeconds(), thread.waited().map(wait -> String.format(Locale.ROOT,
                                ", waited %.1f s, preempted %,d times", wait.waitSeconds(), wait.preemptions()))
                                .orElse("")));
                ServerGcLog collections = ServerGcLog.read(gcLog);
                System.out.println("Server GC pauses, warm-up:  " + collections.between(warmUpStart, warmUpEnd)
                        .describe());
                System.out.println("Server GC pauses, measured: " + collections.between(measuredStart, measuredEnd)
                        .describe());
                // The JVM does not say how much of its own pauses was the kernel's.
                System.out.println("Generator GC pauses, warm-up:  "
                        + ownPauses.between(warmUpStart, warmUpEnd).describeWithoutSystemTime());
                System.out.println("Generator GC pauses, measured: "
                        + ownPauses.between(measuredStart, measuredEnd).describeWithoutSystemTime());
                reportMachine(kernel);
                System.out.println();
                System.out.println("What the gateways saw:");
                reportDrops(dropsAtStart, dropsAfterWarmUp, dropsAtEnd, warmUp, sent);
                reportAcks("warm-up", warmUpAcks, warmUp);
                reportAcks("measured", acks, sent);
                if (downlinks != null) {
                    downlinks.close();
                    reportDownlinks(downlinks);
                }
                if (webhook != null) {
                    reportWebhook(webhook, webhook.events() - eventsBefore, before, after);
                }
                long redisMemory = redisUsedMemory(redis.ports());
                System.out.printf(Locale.ROOT, "Redis memory at the end     %,.1f MiB (%,.0f bytes per device)%n",
                        redisMemory / 1048576.0, (double) redisMemory / devices);
                expiry.report();
                reportRedisAlone(server, redis.ports(), before, after);
            } finally {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Stops {@code server} as systemd would (SIGTERM, then waits for its graceful shutdown) and starts it again with
     * the same configuration, the same Redis and the same ports; returns once the new process is ready.
     */
    private static Process restartServer(Process server, Path config, int metricsPort, Path gcLog) throws Exception {
        Instant stop = Instant.now();
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not stop within 60 s of SIGTERM");
        }
        Process restarted = startServer(config, metricsPort, gcLog);
        System.out.printf(Locale.ROOT, "Server restarted on the same Redis, ready %.1f s after SIGTERM%n",
                Duration.between(stop, Instant.now()).toMillis() / 1000.0);
        return restarted;
    }

    /**
     * The JVM options of deploy/systemd/lorawan-ns.service's ExecStart, between {@code java} and {@code -jar}: the
     * one set the unit and the container image run the server with, so that the figures are the deployed server's.
     */
    private static List<String> systemdJvmOptions() throws IOException {
        Path unit = Path.of("deploy/systemd/lorawan-ns.service");
        String execStart = Files.readAllLines(unit).stream().filter(line -> line.startsWith("ExecStart="))
                .findFirst().orElseThrow(() -> new IllegalStateException(unit + " has no ExecStart"));
        List<String> words = List.of(execStart.substring("ExecStart=".length()).trim().split("\\s+"));
        return words.subList(1, words.indexOf("-jar"));
    }

    /**
     * Starts the server jar and waits until its health check answers; its log goes to this console, its collections'
     * to {@code gcLog} (see {@link ServerGcLog}), with the unit's JVM options or {@code load.serverJvmArgs} alike.
     */
    private static Process startServer(Path config, int metricsPort, Path gcLog) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        String extra = System.getProperty("load.serverJvmArgs");
        if (extra == null) {
            command.addAll(systemdJvmOptions());
        } else if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add(ServerGcLog.option(gcLog));
        command.addAll(List.of("-jar", "deploy/target/lorawan-ns.jar", "serve", "-c", config.toString()));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).inheritIO().start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + metricsPort + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    System.out.printf(Locale.ROOT, "Server ready %.1f s after its start (its start-up warm-up: %.0f "
                            + "synthetic frames)%n", (System.nanoTime() - started) / 1e9,
                            metrics(metricsPort).getOrDefault("lorawan_start_up_warm_up_frames", 0.0));
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        process.destroy();
        throw new IllegalStateException("the server did not become ready within 60 s");
    }

    /**
     * An application (its webhook pointing at {@code webhook}, if any) and {@code devices} ABP devices, DevAddr
     * 0x00000001 upwards, one NwkSKey for all; {@link #REGISTER_CONCURRENCY} requests at a time on as many kept-alive
     * connections. Vert.x's HTTP client, on its own event loop: the JDK's client took a whole core for 1,850
     * registrations/s while the server's API used a quarter of one.
     */
    private void provision(int apiPort, WebhookReceiver webhook) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(apiPort), new PoolOptions().setHttp1MaxSize(REGISTER_CONCURRENCY));
            put(http, "/api/v1/applications/load", webhook == null ? "{}"
                    : "{\"webhook_url\":\"" + webhook.url() + "\"}").toCompletionStage().toCompletableFuture().join();
            long start = System.nanoTime();
            Semaphore window = new Semaphore(REGISTER_CONCURRENCY);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger retried = new AtomicInteger();
            for (int i = 0; i < devices && failure.get() == null; i++) {
                String body = """
                        {"application_id":"load","mac_version":"1.0.3","abp":{"dev_addr":"%s","nwk_s_key":"%s","app_s_key":"%s"}}
                        """.formatted(devAddr(i), HEX.formatHex(KEY.bytes()), HEX.formatHex(KEY.bytes()));
                window.acquire();
                String uri = "/api/v1/devices/" + devEui(i);
                // A registration is an idempotent PUT: one whose answer never came is sent once more.
                put(http, uri, body).recover(lost -> {
                    if (!(lost instanceof TimeoutException)) {
                        return Future.failedFuture(lost);
                    }
                    retried.incrementAndGet();
                    return put(http, uri, body);
                })
                        .onComplete(done -> {
                            if (done.failed()) {
                                failure.compareAndSet(null, done.cause());
                            }
                            window.release();
                        });
            }
            window.acquire(REGISTER_CONCURRENCY);
            if (failure.get() != null) {
                throw new IllegalStateException("registering devices failed", failure.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "Registered %d ABP devices in %.1f s (%.0f/s, %d requests at a time; %d sent"
                    + " again after no answer within %d s)%n", devices, elapsed, devices / elapsed, REGISTER_CONCURRENCY,
                    retried.get(), ANSWER_SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /**
     * PUTs {@code body} to the API; fails unless it answers 200, and with a TimeoutException when no answer comes
     * within {@value #ANSWER_SECONDS} s: two million-device runs waited for ever on registrations whose answers never
     * came (no request or connection left in the generator, the server having stored every device).
     */
    private static Future<Void> put(HttpClientAgent http, String uri, String body) {
        return http.request(HttpMethod.PUT, uri)
                .compose(request -> request.putHeader("Authorization", "Bearer " + API_KEY).send(body))
                .compose(response -> response.body().<Void>map(answer -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("API: " + response.statusCode() + " " + answer);
                    }
                    return null;
                })).timeout(ANSWER_SECONDS, TimeUnit.SECONDS);
    }

    /** The DevEUI of the generator's device {@code device}. */
    static Eui64 devEui(int device) {
        return new Eui64(0x0A00000000000000L + device);
    }

    private static DevAddr devAddr(int device) {
        return new DevAddr(device + 1);
    }

    private boolean confirmed(int device) {
        return confirmedEvery != 0 && device % confirmedEvery == 0;
    }

    private long[] gatewayEuis() {
        long[] euis = new long[gateways];
        for (int g = 0; g < gateways; g++) {
            euis[g] = gatewayEui(g);
        }
        return euis;
    }

    private static long gatewayEui(int gateway) {
        return 0xAA55000000000000L + gateway;
    }

    /**
     * Frame i is device (i mod devices)'s next frame; its copies come from consecutive gateways. Each datagram's
     * token is its index modulo 65,536, so that its PUSH_ACK names it.
     */
    private OffHeapDatagrams prebuild(long frames, InetSocketAddress server) {
        OffHeapDatagrams datagrams = new OffHeapDatagrams(server);
        for (long i = 0; i < frames; i++) {
            int device = (int) (i % devices);
            int fCnt = (int) (i / devices);
            byte[] phy = frame(devAddr(device), fCnt, i, confirmed(device));
            String data = Base64.getEncoder().encodeToString(phy);
            for (int c = 0; c < copies; c++) {
                long index = i * copies + c;
                int gateway = (int) (index % gateways);
                datagrams.add(pushData(gateway, (int) (index & 0xFFFF), data, phy.length, c));
            }
        }
        return datagrams;
    }

    private static byte[] frame(DevAddr devAddr, int fCnt, long sequence, boolean confirmed) {
        byte[] payload = DataCrypto.encryptFrmPayload(KEY, Direction.UPLINK, devAddr, fCnt,
                new byte[] {(byte) sequence, (byte) (sequence >>> 8), (byte) (sequence >>> 16), 0x42});
        DataFrame frame = new DataFrame(confirmed ? MType.CONFIRMED_DATA_UP : MType.UNCONFIRMED_DATA_UP, devAddr, FCtrl.uplink(false, false, false, false),
                fCnt & 0xFFFF, new byte[0], java.util.OptionalInt.of(1), payload, new Mic(0));
        return frame.withMic(DataCrypto.mic10(KEY, Direction.UPLINK, devAddr, fCnt, frame.micInput())).encode();
    }

    private static ByteBuffer pushData(int gateway, int token, String data, int size, int copy) {
        String json = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,\"chan\":0,\"rfch\":0,\"freq\":868.100000,"
                + "\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"lsnr\":%.1f,\"rssi\":%d,"
                + "\"size\":%d,\"data\":\"%s\"}]}", 1_000_000L * (copy + 1), 9.0 - copy, -60 - 10 * copy, size, data);
        byte[] body = json.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer datagram = ByteBuffer.allocate(12 + body.length);
        datagram.put((byte) 2).putShort((short) token).put((byte) 0).putLong(gatewayEui(gateway)).put(body);
        return datagram.flip();
    }

    /**
     * Sends a phase's datagrams, every frame's copies together, frames paced at the target rate, from one socket for
     * all simulated gateways ({@link PushDataSender}), and times each PUSH_ACK in {@code acks}; returns datagrams sent.
     * {@code firstFrame} is the index of the first datagram's frame. After the last datagram, PUSH_ACKs are waited for
     * up to {@link #ACK_GRACE}.
     */
    private Blast blast(List<DatagramPacket> datagrams, long firstFrame, PushAckClock acks,
                        DownlinkGateways downlinks) throws Exception {
        System.out.printf(Locale.ROOT, "Sending %d frames/s x %d copies for %d s from %d gateways...%n",
                framesPerSecond, copies, datagrams.size() / copies / framesPerSecond, gateways);
        PushDataSender sender = new PushDataSender(framesPerSecond, copies);
        double elapsed = sender.send(datagrams, acks, frame -> {
            int device = (int) ((firstFrame + frame) % devices);
            if (downlinks != null && confirmed(device)) {
                downlinks.uplinkSent(device, System.nanoTime());
            }
        }, ACK_GRACE.toNanos());
        System.out.printf(Locale.ROOT, "Sent %d datagrams in %.2f s (%.0f/s)%n", datagrams.size(), elapsed,
                datagrams.size() / elapsed);
        return new Blast(datagrams.size(), sender.loopWaited());
    }

    /**
     * A phase's sending: the datagrams sent, and how long the generator's event loop (where all its sending and reading
     * is) waited for a CPU.
     */
    private record Blast(long sent, Optional<CpuWait> loopWaited) {
    }

    private Map<String, Double> awaitSettled(int metricsPort) throws Exception {
        Map<String, Double> last = metrics(metricsPort);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(1_000);
            Map<String, Double> now = metrics(metricsPort);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private void report(long sent, Map<String, Double> before, Map<String, Double> after,
                        Map<String, Long> commands) {
        long redisCommands = commands.values().stream().mapToLong(Long::longValue).sum();
        double firstCopies = delta(before, after, "lorawan_uplink_copies_total{outcome=\"first\"}");
        double duplicates = delta(before, after, "lorawan_uplink_copies_total{outcome=\"duplicate\"}");
        double late = delta(before, after, "lorawan_uplink_copies_total{outcome=\"late\"}");
        double accepted = delta(before, after, "lorawan_uplink_frames_total{outcome=\"new\"}");
        double received = delta(before, after, "lorawan_gateway_udp_rxpk_forwarded_total");
        System.out.println();
        System.out.printf(Locale.ROOT, "datagrams sent            %,d%n", sent);
        System.out.printf(Locale.ROOT, "rxpk received by bridge   %,.0f%n", received);
        System.out.printf(Locale.ROOT, "copies: first %,.0f, duplicate %,.0f, late %,.0f%n", firstCopies, duplicates,
                late);
        System.out.printf(Locale.ROOT, "copies accepted/s         %,.0f%n", (firstCopies + duplicates) / seconds);
        System.out.printf(Locale.ROOT, "frames accepted (new)     %,.0f of %,d (%,.0f/s)%n", accepted,
                (long) framesPerSecond * seconds, accepted / seconds);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            System.out.printf(Locale.ROOT, "processing latency p%-5s <= %s%n", q * 100, quantile(before, after, q));
        }
        System.out.printf(Locale.ROOT, "processing latency max    %.2f ms (last few minutes)%n", 1000 * after.getOrDefault(
                "lorawan_uplink_processing_seconds_max{kind=\"data\"}", Double.NaN));
        System.out.printf(Locale.ROOT, "Redis commands per frame  %.2f (%,d commands)%n",
                firstCopies == 0 ? 0 : redisCommands / firstCopies, redisCommands);
        commands.forEach((command, calls) -> System.out.printf(Locale.ROOT, "  %-12s %.2f per frame%n", command,
                firstCopies == 0 ? 0 : calls / firstCopies));
        after.keySet().stream().filter(k -> k.startsWith("lorawan_uplink_frames_total")
                        || k.startsWith("lorawan_gateway_udp_dropped") || k.startsWith("lorawan_gateway_udp_datagrams"))
                .filter(k -> delta(before, after, k) != 0)
                .forEach(k -> System.out.printf(Locale.ROOT, "  %s %,.0f%n", k, delta(before, after, k)));
    }

    /**
     * What the server dropped rather than decide, by reason, in each phase: what overload cost. Frames, but gateway
     * copies for the reasons the pipeline counts per copy ({@code queue_delay}, {@code redis_backlog},
     * {@code in_flight_limit}).
     */
    private static void reportShed(Map<String, Double> atWarmUp, Map<String, Double> before,
                                   Map<String, Double> after) {
        System.out.println("Shed (lorawan_uplink_shed_total: frames; copies for queue_delay, redis_backlog and"
                + " in_flight_limit), warm-up / measured:");
        after.keySet().stream().filter(k -> k.startsWith("lorawan_uplink_shed_total")).sorted()
                .forEach(k -> System.out.printf(Locale.ROOT, "  %s %,.0f / %,.0f%n", k, delta(atWarmUp, before, k),
                        delta(before, after, k)));
    }

    /**
     * What the machine ran beside the three processes: its kernel's busiest threads, and DAMON, whose kdamond thread
     * can take one of two CPUs for milliseconds at a time (BENCHMARKS.md, session 18).
     */
    private static void reportMachine(List<ThreadCpu.Use> kernelThreads) {
        System.out.println("Kernel threads, CPU seconds in the measured phase (busiest first):");
        if (kernelThreads.isEmpty()) {
            System.out.println("  none listed in /proc (a container's own view)");
        }
        kernelThreads.forEach(thread -> System.out.printf(Locale.ROOT, "  %-40s %6.2f s%n", thread.thread(),
                thread.cpuSeconds()));
        System.out.println("DAMON on this machine: " + Damon.describe(Path.of("/sys")));
    }

    private static void reportDrops(Optional<SocketDrops> atStart, Optional<SocketDrops> afterWarmUp,
                                    Optional<SocketDrops> atEnd, long warmUpSent, long sent) {
        if (atStart.isEmpty() || afterWarmUp.isEmpty() || atEnd.isEmpty()) {
            System.out.println("kernel receive-queue drops  n/a (neither /proc/net/udp nor /proc/net/snmp readable)");
            return;
        }
        long warmUp = afterWarmUp.get().count() - atStart.get().count();
        long measured = atEnd.get().count() - afterWarmUp.get().count();
        System.out.printf(Locale.ROOT, "kernel receive-queue drops  warm-up %,d (%.2f %% of %,d sent), measured %,d"
                + " (%.2f %% of %,d sent) [%s]%n", warmUp, 100.0 * warmUp / warmUpSent, warmUpSent, measured,
                100.0 * measured / sent, sent, atEnd.get().source());
    }

    private static void reportAcks(String phase, PushAckClock acks, long sent) {
        System.out.printf(Locale.ROOT, "PUSH_ACK round trip, %-8s %s; never came %,d of %,d%s%n", phase,
                acks.roundTrips().summary(0.5, 0.99, 0.999), acks.missing(), sent,
                acks.unmatched() == 0 ? "" : String.format(Locale.ROOT, " (%,d unmatched)", acks.unmatched()));
    }

    /**
     * Redis alone with the server's per-frame request mix ({@link RedisAlone}), on the same Redis, and the share of
     * it the server used. After the measured phase only: it changes the devices' sessions. The server is stopped
     * first, so that Redis and redis-benchmark have the machine. Never fails the run.
     */
    private void reportRedisAlone(Process server, List<Integer> redisPorts, Map<String, Double> before,
                                  Map<String, Double> after) throws InterruptedException {
        System.out.println();
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
        if (redisPorts.size() != 1) {
            System.out.println("Redis alone: measured on one Redis only, not with load.redis=cluster");
            return;
        }
        Optional<Path> binary = RedisAlone.binary();
        if (binary.isEmpty()) {
            System.out.println("Redis alone: skipped, no redis-benchmark (on Debian or Ubuntu: apt-get install -y"
                    + " redis-tools; or give its path with -D" + RedisAlone.BINARY_PROPERTY + "=/path/to/redis-benchmark)");
            return;
        }
        System.out.printf(Locale.ROOT, "Redis alone: %s with the server's per-frame requests, -c %d, -P each of %s,"
                + " %,d calls each (after the measured phase, the server stopped: it changes the sessions)...%n", binary.get(),
                REDIS_BENCHMARK_CLIENTS, REDIS_BENCHMARK_PIPELINES, REDIS_BENCHMARK_REQUESTS);
        try {
            RedisAlone.Mix mix = new RedisAlone(binary.get(), redisPorts.get(0), REDIS_BENCHMARK_CLIENTS,
                    REDIS_BENCHMARK_PIPELINES, REDIS_BENCHMARK_REQUESTS).measure(devices);
            for (RedisAlone.StepRate rate : mix.rates()) {
                StringBuilder perCall = new StringBuilder();
                rate.commandsPerCall().forEach((command, calls) -> perCall.append(perCall.isEmpty() ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %.2f", command, calls)));
                StringBuilder byDepth = new StringBuilder();
                rate.callsPerSecondByDepth().forEach((depth, calls) -> byDepth.append(byDepth.isEmpty() ? "" : ", ")
                        .append(String.format(Locale.ROOT, "-P %d: %,.0f", depth, calls)));
                System.out.printf(Locale.ROOT, "  %-18s %,9.0f calls/s (%s; per call inside it: %s)%n", rate.step(),
                        rate.callsPerSecond(), byDepth, perCall);
            }
            double decided = delta(before, after, "lorawan_uplink_frames_total{outcome=\"new\"}") / seconds;
            System.out.printf(Locale.ROOT, "Redis alone (redis-benchmark, same requests): %,.0f frames/s; the server:"
                    + " %,.0f frames/s decided; ratio %.2f%n", mix.framesPerSecond(), decided,
                    decided / mix.framesPerSecond());
            System.out.println(decided < 0.99 * framesPerSecond
                    ? "  (the server fell behind the offered rate: its rate is what it holds)"
                    : "  (the server kept up with the offered rate: a higher frames/s argument finds what it holds)");
        } catch (Exception failed) {
            System.out.println("Redis alone: failed, " + failed);
        }
    }

    private static void reportDownlinks(DownlinkGateways downlinks) {
        System.out.printf(Locale.ROOT, "confirmed uplinks sent      %,d; PULL_RESPs %,d (%,d not an awaited ACK);"
                + " no ACK %,d%n", downlinks.confirmedSent(), downlinks.pullResps(), downlinks.unmatchedDownlinks(),
                downlinks.unanswered());
        System.out.printf(Locale.ROOT, "uplink to ACK's PULL_RESP, beyond the %d ms window: %s%n",
                DEDUPLICATION_DELAY.toMillis(), downlinks.beyondWindow().summary(0.5, 0.99));
    }

    private void reportWebhook(WebhookReceiver webhook, long events, Map<String, Double> before,
                               Map<String, Double> after) {
        System.out.printf(Locale.ROOT, "webhook events received     %,d in the measured phase (%,.0f/s), %,d in all"
                + " (%,d bytes)%n", events, (double) events / seconds, webhook.events(), webhook.bytes());
        after.keySet().stream().filter(k -> k.startsWith("lorawan_events_webhook"))
                .filter(k -> delta(before, after, k) != 0)
                .forEach(k -> System.out.printf(Locale.ROOT, "  %s %,.0f%n", k, delta(before, after, k)));
    }

    /** The upper bound of the histogram bucket holding quantile {@code q} of this run's data-frame decisions. */
    private static String quantile(Map<String, Double> before, Map<String, Double> after, double q) {
        double millis = quantileMillis(before, after, q);
        return Double.isNaN(millis) ? "n/a" : String.format(Locale.ROOT, "%.2f ms", millis);
    }

    private static final String DECISION_BUCKET = "lorawan_uplink_processing_seconds_bucket{kind=\"data\",le=\"";

    /** The data-frame decisions between two reads of the metrics in the bucket {@code le} (e.g. "+Inf": all). */
    static double bucketDelta(Map<String, Double> before, Map<String, Double> after, String le) {
        return delta(before, after, DECISION_BUCKET + le + "\"}");
    }

    /**
     * The upper bound, in ms, of the histogram bucket holding quantile {@code q} of the data-frame decisions between
     * two reads of the metrics; NaN when there were none.
     */
    static double quantileMillis(Map<String, Double> before, Map<String, Double> after, double q) {
        List<double[]> buckets = new ArrayList<>();
        for (String key : after.keySet()) {
            if (key.startsWith(DECISION_BUCKET)) {
                String le = key.substring(DECISION_BUCKET.length(), key.length() - 2);
                buckets.add(new double[] {le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                        delta(before, after, key)});
            }
        }
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] == 0) {
            return Double.NaN;
        }
        double total = buckets.get(buckets.size() - 1)[1];
        for (double[] bucket : buckets) {
            if (bucket[1] >= q * total) {
                return bucket[0] * 1000;
            }
        }
        return Double.NaN;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][^ ]*) ([-+0-9.eEInfa]+)$");

    /**
     * One client for every read of the server's metrics, over HTTP/1.1 as Prometheus reads them: a client of its own per
     * read made a selector thread and a new connection each second of a latency series, and the JDK's client asks for
     * HTTP/2 by default, which the server's endpoint grants (its code then compiled under the load).
     */
    private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .build();

    private static Map<String, Double> metrics(int port) throws Exception {
        String text = METRICS_CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> samples = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && line.startsWith("lorawan_")) {
                samples.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }

    /** Calls per command in INFO commandstats (INFO itself left out), summed over the servers. */
    static Map<String, Long> redisCommands(List<Integer> ports) throws IOException {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (int port : ports) {
            Matcher m = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)").matcher(redisInfo(port, "commandstats"));
            while (m.find()) {
                if (!m.group(1).equals("info")) {
                    calls.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
                }
            }
        }
        return calls;
    }

    /** {@code used_memory} of INFO memory, summed over the servers. */
    private static long redisUsedMemory(List<Integer> ports) throws IOException {
        long bytes = 0;
        for (int port : ports) {
            Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(redisInfo(port, "memory"));
            bytes += m.find() ? Long.parseLong(m.group(1)) : 0;
        }
        return bytes;
    }

    /** One section of Redis's INFO. */
    private static String redisInfo(int port, String section) throws IOException {
        return RedisCall.call(port, "INFO", section).get(0);
    }

    /** CPU seconds (user plus system) used so far by the server process, Redis and this generator. */
    private record CpuTimes(double server, double redis, double generator) {
        static CpuTimes now(Process server, List<Integer> redisPorts) throws IOException {
            double serverSeconds = server.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9)
                    .orElse(Double.NaN);
            double generatorSeconds = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double redisSeconds = 0;
            for (int port : redisPorts) {
                Matcher m = Pattern.compile("used_cpu_sys:([0-9.]+)\\s+used_cpu_user:([0-9.]+)")
                        .matcher(redisInfo(port, "cpu"));
                redisSeconds += m.find() ? Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))
                        : Double.NaN;
            }
            return new CpuTimes(serverSeconds, redisSeconds, generatorSeconds);
        }

        CpuTimes minus(CpuTimes before) {
            return new CpuTimes(server - before.server, redis - before.redis, generator - before.generator);
        }
    }

    /** The server's and Redis's waits for a CPU ({@link CpuWait}); each empty where its /proc was not readable. */
    private record CpuWaits(Optional<CpuWait> server, Optional<CpuWait> redis) {
        static CpuWaits now(Process server, List<Integer> redisPorts) throws IOException {
            Optional<CpuWait> redis = Optional.of(CpuWait.NONE);
            for (int port : redisPorts) {
                Matcher m = Pattern.compile("process_id:(\\d+)").matcher(redisInfo(port, "server"));
                Optional<CpuWait> one = m.find() ? CpuWait.ofProcess(Long.parseLong(m.group(1))) : Optional.empty();
                redis = redis.flatMap(sum -> one.map(sum::plus));
            }
            return new CpuWaits(CpuWait.ofProcess(server.pid()), redis);
        }

        CpuWaits minus(CpuWaits before) {
            return new CpuWaits(since(server, before.server), since(redis, before.redis));
        }

        private static Optional<CpuWait> since(Optional<CpuWait> now, Optional<CpuWait> before) {
            return now.flatMap(end -> before.map(end::minus));
        }

        /**
         * How long each process was runnable and waited for a CPU in the phase (its threads' sum: two threads waiting
         * at once count twice), and how often a CPU was taken from one of its threads; for the generator, its event
         * loop's ({@code generatorLoop}, made for the phase).
         */
        void report(Duration phase, Optional<CpuWait> generatorLoop) {
            if (server.isEmpty() || redis.isEmpty() || generatorLoop.isEmpty()) {
                System.out.println("Waiting for a CPU: n/a (no /proc/<pid>/task/<tid>/schedstat)");
                return;
            }
            System.out.printf(Locale.ROOT, "Waiting for a CPU in the measured %.1f s (runnable, not running; threads"
                    + " summed): server %.1f s, Redis %.1f s, generator's event loop %.1f s; preempted: server %,d"
                    + " times, Redis %,d, generator %,d%n", phase.toMillis() / 1000.0, server.get().waitSeconds(),
                    redis.get().waitSeconds(), generatorLoop.get().waitSeconds(), server.get().preemptions(),
                    redis.get().preemptions(), generatorLoop.get().preemptions());
        }
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
