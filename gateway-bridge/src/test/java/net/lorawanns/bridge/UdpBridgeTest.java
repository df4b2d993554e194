package net.lorawanns.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.gateway.BackhaulLatency;
import net.lorawanns.core.gateway.DownlinkFrame;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.GatewayStatusRecorder;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.gateway.TxTiming;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.sim.SpecGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bridge against test gateways over real UDP sockets on loopback. */
class UdpBridgeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String EUI = "0016C001FF10A235";
    private static final String UPLINK = "{\"rxpk\":[{\"tmst\":1000,\"freq\":868.1,\"stat\":1,\"modu\":\"LORA\","
            + "\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"rssi\":-50,\"lsnr\":7.5,\"size\":17,"
            + "\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}]}";
    private static final byte[] DOWNLINK_PAYLOAD = HexFormat.of().parseHex("600403020100010001a5609fa9");

    /** The transport the server runs on (epoll on Linux: batched reads and writes), as deploy's Server asks. */
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BlockingQueue<UplinkFrame> uplinks = new LinkedBlockingQueue<>();
    private final BlockingQueue<GatewayStats> stats = new LinkedBlockingQueue<>();
    private final AtomicInteger unexpectedErrors = new AtomicInteger();
    /** What the bridge told the gateway status recorder, in order ("pulled EUI", "reported EUI"). */
    private final BlockingQueue<String> recorded = new LinkedBlockingQueue<>();
    private final List<SpecGateway> gateways = new ArrayList<>();
    private UdpBridge bridge;

    private UdpBridge start(String udpToml, Set<Eui64> registered) throws Exception {
        return start(null, udpToml, registered);
    }

    /** A bridge on {@code context} (null: one made when it starts). */
    private UdpBridge start(Context context, String udpToml, Set<Eui64> registered) throws Exception {
        vertx.exceptionHandler(e -> unexpectedErrors.incrementAndGet());
        UdpGatewaySettings settings = new ConfigLoader(name -> null)
                .parse("[gateway.udp]\nbind = \"127.0.0.1:0\"\n" + udpToml).gateway().udp();
        bridge = new UdpBridge(vertx, context, settings, registered, new GatewayStatusRecorder() {
            @Override
            public void pulled(Eui64 gateway, Instant at) {
                recorded.add("pulled " + gateway);
            }

            @Override
            public void reported(GatewayStats report, Instant at) {
                recorded.add("reported " + report.gatewayEui());
            }
        }, meters);
        bridge.start(new GatewayListener() {
            @Override
            public void uplink(UplinkFrame frame) {
                uplinks.add(frame);
            }

            @Override
            public void stats(GatewayStats report) {
                stats.add(report);
            }
        }).await(10, TimeUnit.SECONDS);
        return bridge;
    }

    private SpecGateway gateway(String eui) throws Exception {
        return gateway(eui, "127.0.0.1");
    }

    private SpecGateway gateway(String eui, String localAddress) throws Exception {
        SpecGateway gateway = new SpecGateway(eui, bridge.port(), localAddress);
        gateways.add(gateway);
        return gateway;
    }

    /** A gateway that has sent PULL_DATA in the given protocol version and got its PULL_ACK. */
    private SpecGateway connected(String eui, int version) throws Exception {
        SpecGateway gateway = gateway(eui);
        gateway.pullData(version, 0x0101);
        assertArrayEquals(SpecGateway.ack(version, 0x0101, SpecGateway.PULL_ACK), gateway.receive(DEADLINE));
        return gateway;
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(SpecGateway::close);
        if (bridge != null) {
            bridge.stop().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        assertEquals(0, unexpectedErrors.get(), "no exception escaped the bridge");
    }

    @Test
    void pushDataIsAcknowledgedWithItsTokenAndDecoded() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pushData(2, 0xABCD, new String(PushDataDecoderTest.fixture("sx1302_hal_v2_stat.json"), StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {2, (byte) 0xAB, (byte) 0xCD, SpecGateway.PUSH_ACK}, gw.receive(DEADLINE));
        UplinkFrame frame = uplinks.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame);
        assertEquals(Eui64.parse(EUI), frame.rxInfo().get(0).gatewayEui());
        assertEquals(868_100_000L, frame.frequencyHz());
        GatewayStats report = stats.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(41.5, report.temperature());
        assertEquals(report, bridge.lastStats(Eui64.parse(EUI)).await(10, TimeUnit.SECONDS));
    }

    @Test
    void onlyRegisteredGatewaysPullsAndStatusReportsAreRecordedForTheOtherInstances() throws Exception {
        String registered = "0016C001FF10A236";
        start("", Set.of(Eui64.parse(registered)));
        String status = "{\"stat\":{\"time\":\"2026-11-30 01:02:03 GMT\",\"rxnb\":1,\"rxok\":1,\"rxfw\":1,"
                + "\"ackr\":100.0,\"dwnb\":0,\"txnb\":0}}";
        // unknown_gateways = "accept" (the default): the stranger is served, but its status is not kept.
        SpecGateway stranger = connected(EUI, 2);
        stranger.pushData(2, 0x0202, status);
        assertArrayEquals(SpecGateway.ack(2, 0x0202, SpecGateway.PUSH_ACK), stranger.receive(DEADLINE));
        SpecGateway known = connected(registered, 2);
        known.pushData(2, 0x0203, status);
        assertArrayEquals(SpecGateway.ack(2, 0x0203, SpecGateway.PUSH_ACK), known.receive(DEADLINE));
        // The bridge handles datagrams one after another on its event loop: the stranger's came first.
        assertEquals("pulled " + registered, recorded.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals("reported " + registered, recorded.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(), List.copyOf(recorded));
        assertEquals(Eui64.parse(EUI), stats.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS).gatewayEui(),
                "the stranger's report still reached this instance's listener");
    }

    @Test
    void versionOneIsAnsweredInVersionOne() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pushData(1, 0x0102, UPLINK);
        assertArrayEquals(SpecGateway.ack(1, 0x0102, SpecGateway.PUSH_ACK), gw.receive(DEADLINE));
        gw.pullData(1, 0x0304);
        assertArrayEquals(SpecGateway.ack(1, 0x0304, SpecGateway.PULL_ACK), gw.receive(DEADLINE));
    }

    @Test
    void pullDataIsAcknowledgedWithItsToken() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pullData(2, 0x7F01);
        assertArrayEquals(SpecGateway.ack(2, 0x7F01, SpecGateway.PULL_ACK), gw.receive(DEADLINE));
        assertTrue(bridge.isOnline(Eui64.parse(EUI)).await(10, TimeUnit.SECONDS));
    }

    @Test
    void downlinksGoToTheLatestPullAddressAndSettleByTxAck() throws Exception {
        start("tx_ack_timeout = \"5s\"\n", Set.of());
        SpecGateway before = connected(EUI, 2);
        SpecGateway moved = connected(EUI, 2);

        var result = bridge.send(downlink(new TxTiming.AtCounter(1_005_000), new DataRate.LoRa(7, 125_000)));
        byte[] pullResp = moved.receive(DEADLINE);
        assertEquals(2, pullResp[0]);
        assertEquals(SpecGateway.PULL_RESP, pullResp[3]);
        int token = (pullResp[1] & 0xFF) << 8 | (pullResp[2] & 0xFF);
        assertNotEquals(0, token, "version 2 PULL_RESP carries a token for the TX_ACK");
        String json = new String(pullResp, 4, pullResp.length - 4, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"freq\":868.1,"), json);
        JsonNode txpk = new ObjectMapper().readTree(json).get("txpk");
        assertEquals(1_005_000, txpk.get("tmst").asLong());
        assertEquals(0, txpk.get("rfch").asInt());
        assertEquals(14, txpk.get("powe").asInt());
        assertEquals("LORA", txpk.get("modu").asText());
        assertEquals("SF7BW125", txpk.get("datr").asText());
        assertEquals("4/5", txpk.get("codr").asText());
        assertTrue(txpk.get("ipol").asBoolean());
        assertEquals(DOWNLINK_PAYLOAD.length, txpk.get("size").asInt());
        assertArrayEquals(DOWNLINK_PAYLOAD, Base64.getDecoder().decode(txpk.get("data").asText()));
        assertEquals(null, before.receiveOrNull(Duration.ofMillis(100)), "nothing goes to the old address");

        moved.txAck(2, token, "{\"txpk_ack\":{\"error\":\"TOO_LATE\"}}");
        assertEquals(TxResult.of(TxStatus.TOO_LATE), result.await(10, TimeUnit.SECONDS));
    }

    /**
     * The pipeline sends from its own event loop and goes on from the result: the result must come on its context,
     * not on the bridge's loop, which settles the TX_ACK.
     */
    @Test
    void aDownlinkResultComesOnTheSendersContextNotTheBridges() throws Exception {
        start(((VertxInternal) vertx).createEventLoopContext(), "tx_ack_timeout = \"5s\"\n", Set.of());
        SpecGateway gateway = connected(EUI, 2);
        Context sender = ((VertxInternal) vertx).createEventLoopContext();
        CompletableFuture<Context> settledOn = new CompletableFuture<>();
        sender.runOnContext(v -> bridge.send(downlink(new TxTiming.AtCounter(1_005_000), new DataRate.LoRa(7, 125_000)))
                .onComplete(result -> settledOn.complete(Vertx.currentContext())));
        byte[] pullResp = gateway.receive(DEADLINE);
        gateway.txAck(2, (pullResp[1] & 0xFF) << 8 | (pullResp[2] & 0xFF), null);
        assertSame(sender, settledOn.get(10, TimeUnit.SECONDS), "the sender's context, not the bridge's");
    }

    @Test
    void everyTxAckOutcome() throws Exception {
        start("tx_ack_timeout = \"5s\"\n", Set.of());
        SpecGateway gw = connected(EUI, 2);
        Object[][] cases = {
            {null, TxResult.of(TxStatus.SENT)},
            {"{\"txpk_ack\":{\"error\":\"NONE\"}}", TxResult.of(TxStatus.SENT)},
            {"{\"txpk_ack\":{\"warn\":\"TX_POWER\",\"value\":20}}", new TxResult(TxStatus.SENT, "TX_POWER 20")},
            {"{\"txpk_ack\":{\"error\":\"TOO_EARLY\"}}", TxResult.of(TxStatus.TOO_EARLY)},
            {"{\"txpk_ack\":{\"error\":\"COLLISION_PACKET\"}}", TxResult.of(TxStatus.COLLISION_PACKET)},
            {"{\"txpk_ack\":{\"error\":\"COLLISION_BEACON\"}}", TxResult.of(TxStatus.COLLISION_BEACON)},
            {"{\"txpk_ack\":{\"error\":\"TX_FREQ\"}}", TxResult.of(TxStatus.TX_FREQ)},
            {"{\"txpk_ack\":{\"error\":\"TX_POWER\"}}", TxResult.of(TxStatus.TX_POWER)},
            {"{\"txpk_ack\":{\"error\":\"GPS_UNLOCKED\"}}", TxResult.of(TxStatus.GPS_UNLOCKED)},
            {"{\"txpk_ack\":{\"error\":\"HALTED\"}}", new TxResult(TxStatus.REJECTED, "HALTED")},
        };
        for (Object[] c : cases) {
            var result = bridge.send(downlink(new TxTiming.Immediately(), new DataRate.Fsk(50_000)));
            byte[] pullResp = gw.receive(DEADLINE);
            JsonNode txpk = new ObjectMapper().readTree(new String(pullResp, 4, pullResp.length - 4,
                    StandardCharsets.UTF_8)).get("txpk");
            assertTrue(txpk.get("imme").asBoolean());
            assertEquals("FSK", txpk.get("modu").asText());
            assertEquals(50_000, txpk.get("datr").asInt());
            gw.txAck(2, (pullResp[1] & 0xFF) << 8 | (pullResp[2] & 0xFF), (String) c[0]);
            assertEquals(c[1], result.await(10, TimeUnit.SECONDS), String.valueOf(c[0]));
        }
    }

    @Test
    void aMissingTxAckIsReported() throws Exception {
        start("tx_ack_timeout = \"200ms\"\n", Set.of());
        SpecGateway gw = connected(EUI, 2);
        var result = bridge.send(downlink(new TxTiming.AtGpsTime(1_400_000_000_000L), new DataRate.LoRa(12, 125_000)));
        byte[] pullResp = gw.receive(DEADLINE);
        assertTrue(new String(pullResp, 4, pullResp.length - 4, StandardCharsets.UTF_8).contains("\"tmms\":1400000000000"));
        assertEquals(TxStatus.NO_ACK, result.await(10, TimeUnit.SECONDS).status());
        assertEquals(new BackhaulLatency(Duration.ofMillis(200), 1), bridge.latency(Eui64.parse(EUI)),
                "a round trip of at least the timeout");
    }

    /**
     * The round trip from PULL_RESP to TX_ACK is measured per gateway (after one sample, the estimate is that sample);
     * until then the configured default holds.
     */
    @Test
    void theDownlinkRoundTripIsMeasuredPerGateway() throws Exception {
        start("default_round_trip = \"250ms\"\ntx_ack_timeout = \"5s\"\n", Set.of());
        Eui64 eui = Eui64.parse(EUI);
        SpecGateway gw = connected(EUI, 2);
        assertEquals(new BackhaulLatency(Duration.ofMillis(250), 0), bridge.latency(eui));
        long before = System.nanoTime();
        var result = bridge.send(downlink(new TxTiming.Immediately(), new DataRate.LoRa(7, 125_000)));
        byte[] pullResp = gw.receive(DEADLINE);
        int token = (pullResp[1] & 0xFF) << 8 | (pullResp[2] & 0xFF);
        long held = 150;
        // A slow backhaul: the TX_ACK leaves 150 ms after the PULL_RESP arrived.
        vertx.setTimer(held, id -> {
            try {
                gw.txAck(2, token, null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(TxStatus.SENT, result.await(10, TimeUnit.SECONDS).status());
        Duration atMost = Duration.ofNanos(System.nanoTime() - before);
        BackhaulLatency measured = bridge.latency(eui);
        assertEquals(1, measured.samples());
        assertTrue(measured.roundTrip().compareTo(Duration.ofMillis(held)) >= 0, measured.toString());
        assertTrue(measured.roundTrip().compareTo(atMost) <= 0, measured + " vs " + atMost);
        assertEquals(1, meters.get("lorawan.gateway.udp.tx_ack.round_trip").timer().count());
        assertEquals(new BackhaulLatency(Duration.ofMillis(250), 0), bridge.latency(Eui64.parse("0016C001FF10A236")),
                "another gateway keeps the default");
    }

    @Test
    void versionOneDownlinksHaveAZeroTokenAndNoAcknowledgement() throws Exception {
        start("", Set.of());
        SpecGateway gw = connected(EUI, 1);
        var result = bridge.send(downlink(new TxTiming.Immediately(), new DataRate.LoRa(9, 125_000)));
        byte[] pullResp = gw.receive(DEADLINE);
        assertArrayEquals(new byte[] {1, 0, 0, SpecGateway.PULL_RESP}, java.util.Arrays.copyOf(pullResp, 4));
        assertEquals(TxResult.of(TxStatus.UNCONFIRMED), result.await(10, TimeUnit.SECONDS));
    }

    @Test
    void gatewaysThatStopPullingGoOfflineAndGetNoDownlinks() throws Exception {
        start("offline_timeout = \"300ms\"\n", Set.of());
        assertEquals(TxStatus.GATEWAY_UNAVAILABLE,
                bridge.send(downlink(new TxTiming.Immediately(), new DataRate.LoRa(7, 125_000))).await(10, TimeUnit.SECONDS).status());
        assertFalse(bridge.reachable(Eui64.parse(EUI)));
        SpecGateway gw = connected(EUI, 2);
        assertTrue(bridge.isOnline(Eui64.parse(EUI)).await(10, TimeUnit.SECONDS));
        assertTrue(bridge.reachable(Eui64.parse(EUI)));
        awaitTrue(() -> !bridge.isOnline(Eui64.parse(EUI)).await(), "gateway marked offline");
        assertFalse(bridge.reachable(Eui64.parse(EUI)));
        assertEquals(TxStatus.GATEWAY_UNAVAILABLE,
                bridge.send(downlink(new TxTiming.Immediately(), new DataRate.LoRa(7, 125_000))).await(10, TimeUnit.SECONDS).status());
    }

    @Test
    void unknownGatewaysAreRefusedWhenOnlyRegisteredOnesMayTalk() throws Exception {
        start("unknown_gateways = \"reject\"\n", Set.of(Eui64.parse(EUI)));
        SpecGateway stranger = gateway("0102030405060708");
        SpecGateway known = gateway(EUI);
        stranger.pullData(2, 0x1111);
        known.pullData(2, 0x2222);
        assertArrayEquals(SpecGateway.ack(2, 0x2222, SpecGateway.PULL_ACK), known.receive(DEADLINE));
        awaitTrue(() -> dropped("unknown_gateway") == 1, "the stranger's datagram is counted");
        assertEquals(null, stranger.receiveOrNull(Duration.ofMillis(100)), "and not answered");
    }

    @Test
    void aPinnedGatewayIgnoresOtherSourceAddresses() throws Exception {
        start("pin_source_address = true\n", Set.of());
        SpecGateway first = gateway(EUI, "127.0.0.1");
        SpecGateway impostor = gateway(EUI, "127.0.0.2");
        first.pullData(2, 1);
        first.receive(DEADLINE);
        impostor.pullData(2, 2);
        awaitTrue(() -> dropped("address_mismatch") == 1, "the other address is refused");
        first.pullData(2, 3);
        assertArrayEquals(SpecGateway.ack(2, 3, SpecGateway.PULL_ACK), first.receive(DEADLINE));
        assertEquals(null, impostor.receiveOrNull(Duration.ofMillis(100)));
    }

    @Test
    void aGatewayOverItsRateLimitIsThrottled() throws Exception {
        start("rate_limit = 5\n", Set.of());
        SpecGateway gw = gateway(EUI);
        for (int i = 0; i < 40; i++) {
            gw.pullData(2, i);
        }
        awaitTrue(() -> datagrams("pull_data") + dropped("rate_limited") >= 40, "all 40 datagrams handled");
        int acks = 0;
        while (gw.receiveOrNull(Duration.ofMillis(200)) != null) {
            acks++;
        }
        assertTrue(acks >= 5 && acks < 20, "a burst of 5 plus 5/s refill, got " + acks);
        assertEquals(40 - acks, (int) dropped("rate_limited"));
    }

    @Test
    void aGatewayWhoseFramesAreOverTheLimitKeepsItsKeepalives() throws Exception {
        start("rate_limit = 5\n", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pushData(2, 1, rxpks(8));
        assertArrayEquals(SpecGateway.ack(2, 1, SpecGateway.PUSH_ACK), gw.receive(DEADLINE));
        awaitTrue(() -> dropped("rate_limited") == 3, "the frames past the limit are dropped");
        gw.pullData(2, 2);
        assertArrayEquals(SpecGateway.ack(2, 2, SpecGateway.PULL_ACK), gw.receive(DEADLINE),
                "PULL_DATA is counted apart from frames and still answered");
    }

    @Test
    void theRateLimitCountsFramesNotDatagrams() throws Exception {
        start("rate_limit = 5\n", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pushData(2, 1, rxpks(8));
        assertArrayEquals(SpecGateway.ack(2, 1, SpecGateway.PUSH_ACK), gw.receive(DEADLINE));
        assertEquals(5, drain(uplinks, 5).size(), "a burst of 5 frames");
        awaitTrue(() -> dropped("rate_limited") == 3, "the 3 rxpk past the limit are counted");
        gw.pushData(2, 2, rxpks(1));
        awaitTrue(() -> dropped("rate_limited") == 4, "a gateway already over its limit loses the whole datagram");
        assertEquals(null, gw.receiveOrNull(Duration.ofMillis(100)), "and gets no PUSH_ACK");
        assertTrue(uplinks.isEmpty());
    }

    @Test
    void aGatewayRemovedUnderRejectIsCutOffAtOnce() throws Exception {
        start("unknown_gateways = \"reject\"\n", Set.of(Eui64.parse(EUI)));
        SpecGateway gw = connected(EUI, 2);
        bridge.setRegisteredGateways(Set.of()).await(10, TimeUnit.SECONDS);
        gw.pullData(2, 0x0202);
        gw.pushData(2, 0x0303, UPLINK);
        awaitTrue(() -> dropped("unknown_gateway") == 2, "both datagrams refused");
        assertEquals(null, gw.receiveOrNull(Duration.ofMillis(100)), "and not answered");
        assertTrue(uplinks.isEmpty());
        assertEquals(TxStatus.GATEWAY_UNAVAILABLE, bridge.send(downlink(new TxTiming.Immediately(),
                new DataRate.LoRa(7, 125_000))).await(10, TimeUnit.SECONDS).status(), "its downlink path is closed");
        assertEquals(0, meters.get("lorawan.gateway.udp.gateways.online").gauge().value());

        bridge.setRegisteredGateways(Set.of(Eui64.parse(EUI))).await(10, TimeUnit.SECONDS);
        gw.pullData(2, 0x0404);
        assertArrayEquals(SpecGateway.ack(2, 0x0404, SpecGateway.PULL_ACK), gw.receive(DEADLINE),
                "registered again, served again");
    }

    @Test
    void spoofedEuisReplaceEachOtherButNeverRegisteredOrOnlineGateways() throws Exception {
        start("max_unknown_gateways = 20\n", Set.of(Eui64.parse(EUI)));
        SpecGateway registered = connected(EUI, 2);
        SpecGateway honest = connected("AA555A0000000001", 2);
        SpecGateway spoofer = gateway("0000000000000000");
        for (int i = 0; i < 500; i++) {
            spoofer.send(spoofed(i, SpecGateway.PUSH_DATA, UPLINK));
        }
        awaitTrue(() -> datagrams("push_data") == 500, "every spoofed datagram read");
        assertEquals(0, dropped("too_many_gateways"), "spoofed EUIs without a downlink path replace each other");
        assertEquals(21, meters.get("lorawan.gateway.udp.gateways.known").gauge().value(),
                "the registered gateway plus at most max_unknown_gateways others");
        registered.pullData(2, 0x0A0A);
        assertArrayEquals(SpecGateway.ack(2, 0x0A0A, SpecGateway.PULL_ACK), registered.receive(DEADLINE));
        honest.pullData(2, 0x0B0B);
        assertArrayEquals(SpecGateway.ack(2, 0x0B0B, SpecGateway.PULL_ACK), honest.receive(DEADLINE));
        assertTrue(bridge.isOnline(Eui64.parse("AA555A0000000001")).await(10, TimeUnit.SECONDS),
                "the online unregistered gateway was not replaced");

        for (int i = 0; i < 40; i++) {
            spoofer.send(spoofed(1_000 + i, SpecGateway.PULL_DATA, null));
        }
        awaitTrue(() -> datagrams("pull_data") == 2 + 2 + 40, "every spoofed PULL_DATA read");
        assertEquals(21, dropped("too_many_gateways"), "once all are online, newcomers are refused: 19 fit");
        registered.pullData(2, 0x0C0C);
        assertArrayEquals(SpecGateway.ack(2, 0x0C0C, SpecGateway.PULL_ACK), registered.receive(DEADLINE),
                "the registered gateway is still served");
        registered.pushData(2, 0x0D0D, UPLINK);
        registered.receive(DEADLINE);
        UplinkFrame frame = drain(uplinks, 501).stream().filter(f -> f.rxInfo().get(0).gatewayEui()
                .equals(Eui64.parse(EUI))).findFirst().orElse(null);
        assertNotNull(frame, "and its frames go through");
    }

    @Test
    void badFramesAreCountedAndDroppedWhileTheDatagramIsStillAcknowledged() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        gw.pushData(2, 5, new String(PushDataDecoderTest.fixture("packet_forwarder_v1.json"), StandardCharsets.UTF_8));
        assertArrayEquals(SpecGateway.ack(2, 5, SpecGateway.PUSH_ACK), gw.receive(DEADLINE));
        awaitTrue(() -> dropped("crc_bad") == 1, "CRC-failed rxpk counted");
        assertEquals(2, drain(uplinks, 2).size());
        gw.pushData(2, 6, "{\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\","
                + "\"size\":3,\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}]}");
        gw.receive(DEADLINE);
        awaitTrue(() -> dropped("size_mismatch") == 1, "size mismatch counted");
        gw.send(new byte[] {2, 0, 1});
        gw.send(new byte[] {3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        gw.send(new byte[] {2, 0, 1, 9});
        gw.send(new byte[] {2, 0, 1, SpecGateway.PULL_RESP});
        gw.send(new byte[] {2, 0, 1, SpecGateway.PUSH_DATA, 1, 2, 3});
        gw.send(gw.withMac(2, 7, SpecGateway.PUSH_DATA, "{not json"));
        gw.txAck(2, 0x4242, null);
        awaitTrue(() -> dropped("too_short") == 2 && dropped("unknown_version") == 1
                && dropped("unknown_identifier") == 1 && dropped("wrong_direction") == 1
                && dropped("invalid_json") == 1 && dropped("unmatched_tx_ack") == 1, "each malformed datagram counted");
    }

    @Test
    void aPushDataLargerThanNettysDefaultBufferArrivesWhole() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        byte[] payload = new byte[255];
        payload[0] = 0x40;
        String data = Base64.getEncoder().encodeToString(payload);
        StringBuilder json = new StringBuilder("{\"rxpk\":[");
        for (int i = 0; i < 8; i++) {
            json.append(i == 0 ? "" : ",").append("{\"tmst\":").append(i).append(",\"freq\":868.1,\"stat\":1,")
                    .append("\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"rssi\":-50,\"lsnr\":7,")
                    .append("\"size\":255,\"data\":\"").append(data).append("\"}");
        }
        json.append("]}");
        assertTrue(json.length() > 2048);
        gw.pushData(2, 1, json.toString());
        gw.receive(DEADLINE);
        assertEquals(8, drain(uplinks, 8).size());
    }

    @Test
    void onLinuxTheBridgeRunsOnEpoll() {
        assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"),
                "epoll is Linux's");
        assertTrue(vertx.isNativeTransportEnabled(), () -> "no epoll: " + vertx.unavailableNativeTransportCause());
    }

    @Test
    void aBurstOfPushDataIsAcknowledgedDatagramByDatagram() throws Exception {
        start("rate_limit = 0\n", Set.of());
        SpecGateway gw = gateway(EUI);
        int burst = 200;
        for (int token = 1; token <= burst; token++) {
            gw.pushData(2, token, UPLINK);
        }
        Set<Integer> acknowledged = new java.util.HashSet<>();
        for (int i = 0; i < burst; i++) {
            byte[] ack = gw.receive(DEADLINE);
            assertEquals(SpecGateway.PUSH_ACK, ack[3]);
            acknowledged.add(((ack[1] & 0xFF) << 8) | (ack[2] & 0xFF));
        }
        assertEquals(burst, acknowledged.size(), "every token acknowledged once");
        assertEquals(burst, drain(uplinks, burst).size());
    }

    /**
     * The socket reads every datagram into one array: a burst of long and short PUSH_DATA, read in batches, gives
     * each frame the payload its own datagram carried.
     */
    @Test
    void eachDatagramOfABurstKeepsItsOwnPayload() throws Exception {
        start("rate_limit = 0\n", Set.of());
        SpecGateway gw = gateway(EUI);
        int burst = 100;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            byte[] payload = new byte[i % 2 == 0 ? 255 : 12];
            java.util.Arrays.fill(payload, (byte) i);
            payload[0] = 0x40;
            sent.add(HexFormat.of().formatHex(payload));
            gw.pushData(2, i + 1, "{\"rxpk\":[{\"tmst\":" + i + ",\"freq\":868.1,\"stat\":1,\"modu\":\"LORA\","
                    + "\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"rssi\":-50,\"lsnr\":7,\"size\":" + payload.length
                    + ",\"data\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}]}");
        }
        List<String> received = drain(uplinks, burst).stream().map(f -> HexFormat.of().formatHex(f.phyPayload()))
                .toList();
        assertEquals(sent, received);
    }

    @Test
    void aDatagramLongerThanTheBridgeReadsIsDroppedAndTheNextOneIsRead() throws Exception {
        start("", Set.of());
        SpecGateway gw = gateway(EUI);
        StringBuilder padded = new StringBuilder("{\"rxpk\":[],\"pad\":\"");
        padded.append("x".repeat(GatewaySocket.MAX_DATAGRAM));
        gw.pushData(2, 1, padded.append("\"}").toString());
        gw.pushData(2, 2, UPLINK);
        assertArrayEquals(SpecGateway.ack(2, 2, SpecGateway.PUSH_ACK), gw.receive(DEADLINE),
                "the long datagram is not acknowledged, the next one is");
        assertEquals(1, drain(uplinks, 1).size());
        awaitTrue(() -> dropped("too_long") == 1, "the long datagram counted");
    }

    @Test
    void survivesOneHundredThousandRandomAndMutatedDatagrams() throws Exception {
        start("rate_limit = 0\n", Set.of());
        SpecGateway gw = gateway(EUI);
        byte[][] templates = {
            gw.withMac(2, 1, SpecGateway.PUSH_DATA, UPLINK),
            gw.withMac(2, 1, SpecGateway.PUSH_DATA, new String(PushDataDecoderTest.fixture("rsig_v2.json"), StandardCharsets.UTF_8)),
            gw.withMac(2, 1, SpecGateway.PUSH_DATA, new String(PushDataDecoderTest.fixture("sx1302_hal_v2_stat.json"), StandardCharsets.UTF_8)),
            gw.withMac(1, 1, SpecGateway.PULL_DATA, null),
            gw.withMac(2, 1, SpecGateway.TX_ACK, "{\"txpk_ack\":{\"error\":\"TOO_LATE\"}}"),
        };
        Random random = new Random(20261122);
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        // Send until the bridge has read 100,000 datagrams; pace the sender so that the kernel queue (which
        // drops what does not fit) is not the thing under test.
        for (int i = 0; received() < 100_000; i++) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the bridge read only " + received() + " datagrams in 120 s");
            }
            if (i % 200 == 0) {
                long pauseEnd = System.nanoTime() + Duration.ofMillis(500).toNanos();
                while (received() < i - 1_000 && System.nanoTime() < pauseEnd) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }
            byte[] datagram;
            switch (i % 4) {
                case 0 -> {
                    datagram = new byte[random.nextInt(64)];
                    random.nextBytes(datagram);
                }
                case 1 -> {
                    datagram = templates[random.nextInt(templates.length)].clone();
                    for (int f = 1 + random.nextInt(4); f > 0; f--) {
                        datagram[random.nextInt(datagram.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> {
                    byte[] template = templates[random.nextInt(templates.length)];
                    datagram = java.util.Arrays.copyOf(template, random.nextInt(template.length + 1));
                }
                default -> {
                    datagram = templates[random.nextInt(3)].clone();
                    datagram[12 + random.nextInt(datagram.length - 12)] = (byte) (0x80 + random.nextInt(0x80));
                }
            }
            gw.send(datagram);
            if (i % 10_000 == 0) {
                gw.send(new byte[65_000]);
            }
        }
        // UDP may drop under load: resend a real uplink, marked by its tmst, until it comes out of the bridge
        // behind whatever mutated-but-valid frames the fuzzing left in flight.
        String marked = UPLINK.replace("\"tmst\":1000", "\"tmst\":3141592653");
        end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        UplinkFrame frame = null;
        while (frame == null && System.nanoTime() < end) {
            gw.pushData(2, 0x5555, marked);
            long resend = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            for (UplinkFrame f = uplinks.poll(1, TimeUnit.SECONDS); f != null && frame == null;
                    f = System.nanoTime() < resend ? uplinks.poll(1, TimeUnit.SECONDS) : null) {
                if (f.rxInfo().get(0).tmst() == 3141592653L) {
                    frame = f;
                }
            }
        }
        assertNotNull(frame, "a normal uplink still gets through");
        assertArrayEquals(Base64.getDecoder().decode("QPF9vkkAAgABlUN4disR/w0="), frame.phyPayload());
        double dropped = meters.find("lorawan.gateway.udp.dropped").counters().stream().mapToDouble(c -> c.count()).sum();
        assertTrue(dropped > 50_000, "the garbage was counted by reason: " + dropped);
    }

    /** A PUSH_DATA carrying {@code count} rxpk of distinct tmst. */
    private static String rxpks(int count) {
        StringBuilder json = new StringBuilder("{\"rxpk\":[");
        for (int i = 0; i < count; i++) {
            String rxpk = UPLINK.substring(UPLINK.indexOf('[') + 1, UPLINK.lastIndexOf(']'));
            json.append(i == 0 ? "" : ",").append(rxpk.replace("\"tmst\":1000", "\"tmst\":" + (1000 + i)));
        }
        return json.append("]}").toString();
    }

    /** A datagram claiming gateway EUI {@code n} (big-endian in bytes 4-11). */
    private static byte[] spoofed(long n, int identifier, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        byte[] datagram = new byte[12 + body.length];
        datagram[0] = 2;
        datagram[3] = (byte) identifier;
        for (int i = 0; i < 8; i++) {
            datagram[11 - i] = (byte) (n >>> (8 * i));
        }
        System.arraycopy(body, 0, datagram, 12, body.length);
        return datagram;
    }

    private DownlinkFrame downlink(TxTiming timing, DataRate dataRate) {
        return new DownlinkFrame(Eui64.parse(EUI), DOWNLINK_PAYLOAD, timing, 868_100_000L, 14, dataRate, "4/5", true,
                0, null, false, dataRate instanceof DataRate.Fsk ? 25_000 : null);
    }

    private double received() {
        return meters.get("lorawan.gateway.udp.received").counter().count();
    }

    private double dropped(String reason) {
        return meters.get("lorawan.gateway.udp.dropped").tag("reason", reason).counter().count();
    }

    private double datagrams(String identifier) {
        return meters.get("lorawan.gateway.udp.datagrams").tag("identifier", identifier).counter().count();
    }

    private static <T> List<T> drain(BlockingQueue<T> queue, int count) throws InterruptedException {
        List<T> out = new ArrayList<>();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (out.size() < count && System.nanoTime() < end) {
            T item = queue.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (item != null) {
                out.add(item);
            }
        }
        return out;
    }

    /** Re-checks a condition until it holds or the deadline passes. */
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
