package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server while its Redis (a process of the test's own) freezes or dies and comes back, as a device sends an
 * uplink every 300 ms: nothing crashes, no frame is accepted without its counter step, no frame sent in order is
 * refused as a replay, memory stays bounded, and processing is normal again within 5 s of Redis's return.
 */
class RedisOutageTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long EU868_CH0 = 868_100_000L;
    private static final long EU868_CH1 = 868_300_000L;
    private static final String SF7 = "SF7BW125";
    private static final long SEND_EVERY_MS = 300;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration RECOVERY = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private RedisProcess redis;
    private TestNetwork network;
    private Server server;
    private SimulatedGateway gateway;
    private SpecDevice device;
    private final ScheduledExecutorService radio = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService metricsReader = Executors.newSingleThreadScheduledExecutor();
    /** The FCnt of the next uplink the device sends. */
    private final AtomicLong nextFCnt = new AtomicLong();

    private void start(String networkLines, String... redisConfig) throws Exception {
        redis = RedisProcess.start(redisConfig);
        network = new TestNetwork(dir, redis.url());
        network.networkLines = "max_frames_in_flight = 1000\n" + networkLines;
        network.redisLines = "request_timeout = \"1s\"\nmax_pending_requests = 200";
        network.gatewayLines = "rate_limit = 0";
        server = network.startInstance();
        gateway = new SimulatedGateway("AA555A0000000101", server.udpPort());
        gateway.pullData();
        network.createApplication(server, "app-outage");
        device = network.abpDevice(server, "00000000000F0001", "26000F01", "app-outage");
    }

    @AfterEach
    void stop() throws Exception {
        radio.shutdownNow();
        operator.shutdownNow();
        metricsReader.shutdownNow();
        if (gateway != null) {
            gateway.close();
        }
        if (network != null) {
            network.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The device sends an uplink every 300 ms from now on, each with the next FCnt. */
    private void sendContinuously() {
        radio.scheduleAtFixedRate(() -> send(EU868_CH0), 0, SEND_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private byte[] send(long frequency) {
        byte[] phy = device.uplink(false, 1, new byte[] {(byte) device.fCntUp}, new byte[0], 5, 0);
        nextFCnt.set(device.fCntUp);
        transmit(phy, frequency);
        return phy;
    }

    private void transmit(byte[] phy, long frequency) {
        try {
            gateway.uplink(phy, System.nanoTime() / 1000 & 0xFFFFFFFFL, frequency, SF7, 9.0, -60);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * With the default {@code max_queue_delay} (200 ms) new frames are refused once Redis is that far behind, before
     * a request of theirs is sent; with a bound longer than the outage, the bound on pending requests sheds them.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "''                         | redis_backlog",
        "max_queue_delay = \"1m\"  | redis_overload"})
    void aFrozenRedisCostsBoundedMemoryAndNoFrameSentInOrderIsRefusedAsAReplay(String door, String shedAs)
            throws Exception {
        start(door);
        sendContinuously();
        network.webhook().await(uplink(device.devEui, 2), RECOVERY);

        redis.freeze();
        CompletableFuture<Long> thawed = new CompletableFuture<>();
        operator.schedule(() -> {
            redis.thaw();
            thawed.complete(nextFCnt.get());
        }, OUTAGE.toMillis(), TimeUnit.MILLISECONDS);

        // Liveness, readiness and the API answer within their own deadlines while Redis answers nothing.
        long asked = System.nanoTime();
        assertEquals(200, network.operations(server, "/health").statusCode());
        HttpResponse<String> ready = network.operations(server, "/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("\"redis\":\"") && !ready.body().contains("\"redis\":\"ok\""),
                ready.body());
        JsonObject refused = network.api(server, "GET", "/api/v1/devices/" + device.devEui, (String) null,
                TestNetwork.API_KEY, 503);
        assertTrue(refused.getString("error").contains("Redis"), refused.encode());
        assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(3), "answered within their deadlines");

        // A burst of other frames meanwhile: what is over the bounds is dropped, not queued.
        for (int i = 0; i < 3_000; i++) {
            byte[] noise = new byte[23];
            RANDOM.nextBytes(noise);
            noise[0] = 0x40;
            transmit(noise, EU868_CH1);
        }
        awaitMetric("lorawan_uplink_shed_total{reason=\"" + shedAs + "\"}", "frames over the bounds are shed");
        assertTrue(network.metric(server, "lorawan_redis_pending ") <= 200, "pending Redis requests bounded");
        assertTrue(network.metric(server, "lorawan_uplink_in_flight ") <= 1000, "frames in flight bounded");

        long fCntAtThaw = thawed.get(OUTAGE.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        network.webhook().await(uplink(device.devEui, fCntAtThaw + 2), RECOVERY);
        assertEquals(200, network.operations(server, "/ready").statusCode());
        awaitMetric("lorawan_uplink_shed_total{reason=\"redis_timeout\"}",
                "frames whose requests Redis did not answer in time are counted");
        finish();
    }

    @Test
    void aRedisThatDiesAndComesBackAcceptsNothingTwiceAndRefusesAReplay() throws Exception {
        start("", "appendonly yes", "appendfsync always");
        byte[] first = send(EU868_CH0);
        network.webhook().await(uplink(device.devEui, 0), RECOVERY);
        sendContinuously();
        network.webhook().await(uplink(device.devEui, 3), RECOVERY);

        redis.kill();
        CompletableFuture<Long> restarted = new CompletableFuture<>();
        operator.schedule(() -> {
            redis.startAgain();
            restarted.complete(nextFCnt.get());
        }, OUTAGE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(503, network.operations(server, "/ready").statusCode());

        long fCntAtRestart = restarted.get(OUTAGE.toMillis() + 20_000, TimeUnit.MILLISECONDS);
        network.webhook().await(uplink(device.devEui, fCntAtRestart + 2), RECOVERY);
        radio.shutdownNow();
        radio.awaitTermination(5, TimeUnit.SECONDS);

        // The first frame again, on another channel (so not a late copy of the first transmission): a replay.
        transmit(first, EU868_CH1);
        JsonObject replay = network.webhook().await(e -> "error".equals(e.getString("type"))
                && "replay".equals(e.getString("error")), RECOVERY);
        assertEquals(0, replay.getLong("f_cnt"));
        awaitMetric("lorawan_uplink_shed_total", "frames of the outage are counted");
        finish();
    }

    /** Awaits {@code series} above zero in the server's metrics (read every 50 ms), or fails after {@link #RECOVERY}. */
    private void awaitMetric(String series, String what) throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        ScheduledFuture<?> reading = metricsReader.scheduleWithFixedDelay(() -> {
            try {
                if (network.metric(server, series) > 0) {
                    seen.complete(null);
                }
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        try {
            seen.get(RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": " + series + " stayed at 0 for " + RECOVERY);
        } finally {
            reading.cancel(false);
        }
    }

    /**
     * A last frame proves that everything before it had its chance; then every uplink was delivered at most once,
     * in order, and no replay was reported but the test's own.
     */
    private void finish() throws Exception {
        radio.shutdownNow();
        radio.awaitTermination(5, TimeUnit.SECONDS);
        send(EU868_CH0);
        long last = nextFCnt.get() - 1;
        network.webhook().await(uplink(device.devEui, last), RECOVERY);
        List<JsonObject> events = network.webhook().all();
        Map<Long, Long> deliveries = events.stream().filter(e -> "uplink".equals(e.getString("type")))
                .collect(Collectors.groupingBy(e -> e.getLong("f_cnt"), Collectors.counting()));
        deliveries.forEach((fCnt, count) -> assertEquals(1L, count, "FCnt " + fCnt + " delivered " + count + " times"));
        List<JsonObject> replays = events.stream().filter(e -> "replay".equals(e.getString("error")))
                .filter(e -> e.getLong("f_cnt") != 0).toList();
        assertTrue(replays.isEmpty(), "frames sent in order were refused as replays: " + replays);
    }
}
