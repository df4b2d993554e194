package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.bridge.UdpBridge;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.NetworkSettings.RxWindowRule;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.GatewayDutyCycle;
import net.lorawanns.core.downlink.WindowOrder;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.sim.SpecGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Class C and Class B entry points of {@link DownlinkScheduler} over the real UDP bridge, a packet forwarder
 * built from PROTOCOL.TXT ({@link SpecGateway}) and the test Redis: {@code imme} and {@code tmms} in the txpk, the
 * outcome's window and reason, the gateway's reachability, the slot's lead time and the duty cycle.
 */
class ClassBAndCTransmitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Region EU868 = Regions.byId("eu868");
    /** EU868 RX2 and ping-slot channel (RP002-1.0.4): 869.525 MHz; DR0 is SF12BW125, DR3 SF9BW125. */
    private static final long RX2_HZ = 869_525_000L;
    private static final byte[] PHY = {0x60, 0x01, 0x02, 0x03, 0x04, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44};
    private static final String EUI = "AA555A0000000C01";
    /** GPS time = UTC + 18 s (the leap seconds since 1980-01-06), counted from 1980-01-06T00:00:00Z. */
    private static final Instant GPS_EPOCH = Instant.parse("1980-01-06T00:00:00Z");

    private Vertx vertx;
    private UdpBridge bridge;
    private Redis redis;
    private DownlinkScheduler scheduler;
    private SpecGateway gateway;
    private final String prefix = "bc-" + UUID.randomUUID() + ":";

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        bridge = new UdpBridge(vertx, new ConfigLoader(name -> null).parse("[gateway.udp]\nbind = \"127.0.0.1:0\"\n")
                .gateway().udp(), Set.of(), new SimpleMeterRegistry());
        bridge.start(new GatewayListener() {
            @Override
            public void uplink(UplinkFrame frame) {
            }

            @Override
            public void stats(GatewayStats stats) {
            }
        }).await(10, TimeUnit.SECONDS);
        redis = TestRedis.client(vertx, new RedisSettings(List.of(TestRedis.url()), "standalone", "", ""));
        scheduler = new DownlinkScheduler(bridge, new GatewayDutyCycle(redis, new RedisKeys(prefix), true),
                new WindowOrder(RxWindowRule.RX1_FIRST, 0), "instance", new SimpleMeterRegistry());
        gateway = new SpecGateway(EUI, bridge.port());
        gateway.pullData(2, 1);
        gateway.receive(WAIT);
        awaitReachable();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        bridge.stop().await(10, TimeUnit.SECONDS);
        redis.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private void awaitReachable() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!bridge.reachable(Eui64.parse(EUI))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the bridge did not take the PULL_DATA");
            }
            Thread.onSpinWait();
        }
    }

    /** The next PULL_RESP's txpk, answered with a TX_ACK carrying {@code error}. */
    private JsonNode txpk(String error) throws Exception {
        byte[] pullResp = gateway.receive(WAIT);
        assertEquals(SpecGateway.PULL_RESP, pullResp[3]);
        gateway.txAck(2, (pullResp[1] & 0xFF) << 8 | pullResp[2] & 0xFF,
                "{\"txpk_ack\":{\"error\":\"" + error + "\"}}");
        return new ObjectMapper().readTree(new String(pullResp, 4, pullResp.length - 4, StandardCharsets.UTF_8))
                .get("txpk");
    }

    @Test
    void classCGoesAtOnceOnTheGivenChannel() throws Exception {
        Future<DownlinkOutcome> sent = scheduler.sendImmediately(Eui64.parse(EUI), EU868, PHY, RX2_HZ, 0);
        JsonNode txpk = txpk("NONE");
        assertTrue(txpk.get("imme").asBoolean());
        assertFalse(txpk.has("tmst"));
        assertEquals(869.525, txpk.get("freq").asDouble(), 1e-6);
        assertEquals("SF12BW125", txpk.get("datr").asText());
        DownlinkOutcome outcome = sent.await(10, TimeUnit.SECONDS);
        assertEquals("class_c", outcome.window());
        assertEquals(TxStatus.SENT, outcome.result().status());
        assertEquals(Eui64.parse(EUI), outcome.gateway().orElseThrow());
        assertEquals("", outcome.reason());
    }

    @Test
    void aGatewayThisInstanceDoesNotReachIsNotTried() throws Exception {
        DownlinkOutcome outcome = scheduler.sendImmediately(Eui64.parse("AA555A0000000C02"), EU868, PHY, RX2_HZ, 0)
                .await(10, TimeUnit.SECONDS);
        assertEquals("none", outcome.window());
        assertEquals("gateway_unavailable", outcome.reason());
    }

    @Test
    void aPingSlotGoesAtItsGpsTimeUnlessItIsTooNear() throws Exception {
        Instant slot = Instant.now().plusSeconds(3);
        long gpsMillis = Duration.between(GPS_EPOCH, slot).plusSeconds(18).toMillis();
        Future<DownlinkOutcome> sent = scheduler.sendAt(Eui64.parse(EUI), EU868, PHY, gpsMillis, RX2_HZ, 3);
        JsonNode txpk = txpk("NONE");
        assertEquals(gpsMillis, txpk.get("tmms").asLong());
        assertEquals("SF9BW125", txpk.get("datr").asText());
        assertEquals("ping_slot", sent.await(10, TimeUnit.SECONDS).window());

        // 10 ms ahead: less than the forwarder's margin alone.
        long tooNear = Duration.between(GPS_EPOCH, Instant.now().plusMillis(10)).plusSeconds(18).toMillis();
        DownlinkOutcome late = scheduler.sendAt(Eui64.parse(EUI), EU868, PHY, tooNear, RX2_HZ, 3)
                .await(10, TimeUnit.SECONDS);
        assertEquals("none", late.window());
        assertEquals("too_late", late.reason());
        // Nothing reached the gateway: the next datagram it gets is the next frame's.
        Future<DownlinkOutcome> next = scheduler.sendImmediately(Eui64.parse(EUI), EU868, PHY, RX2_HZ, 0);
        assertTrue(txpk("NONE").get("imme").asBoolean());
        assertEquals("class_c", next.await(10, TimeUnit.SECONDS).window());
    }

    /**
     * 869.4-869.65 MHz allows 10 % (360 s an hour). A frame the gateway refuses gives its time on air back; with the
     * hour used up, a frame is not sent.
     */
    @Test
    void theDutyCycleCountsWhatWentOutAndStopsWhatWouldBreakIt() throws Exception {
        String key = prefix + "lorawan:gateway:{" + EUI + "}:airtime:869400000";
        Future<DownlinkOutcome> refused = scheduler.sendImmediately(Eui64.parse(EUI), EU868, PHY, RX2_HZ, 0);
        txpk("COLLISION_PACKET");
        DownlinkOutcome collision = refused.await(10, TimeUnit.SECONDS);
        assertEquals("collision_packet", collision.reason());
        assertEquals(0, airtime(key), "a refused frame is given back");

        Future<DownlinkOutcome> sent = scheduler.sendImmediately(Eui64.parse(EUI), EU868, PHY, RX2_HZ, 0);
        txpk("NONE");
        assertEquals("class_c", sent.await(10, TimeUnit.SECONDS).window());
        // 12 bytes at SF12BW125 without CRC: Tsym 32.768 ms, 8 + ceil((96 - 48 + 28) / 40) * 5 = 18 payload
        // symbols, 12.25 preamble symbols: 30.25 * 32.768 ms.
        assertEquals(991_232, airtime(key));

        redis.send(Request.cmd(Command.HINCRBY).arg(key).arg(System.currentTimeMillis() / 60_000)
                .arg(360_000_000L - 991_232)).await(10, TimeUnit.SECONDS);
        DownlinkOutcome over = scheduler.sendImmediately(Eui64.parse(EUI), EU868, PHY, RX2_HZ, 0)
                .await(10, TimeUnit.SECONDS);
        assertEquals("none", over.window());
        assertEquals("duty_cycle", over.reason());
    }

    private long airtime(String key) throws Exception {
        long sum = 0;
        for (var value : redis.send(Request.cmd(Command.HVALS).arg(key)).await(10, TimeUnit.SECONDS)) {
            sum += value.toLong();
        }
        return sum;
    }
}
