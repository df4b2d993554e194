package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.assertExactlyOnce;
import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static net.lorawanns.deploy.e2e.TestNetwork.gatewaysOf;
import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import net.lorawanns.sim.TestVectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server over real UDP and a real Redis: three gateways hear every frame with jitter, devices of each
 * LoRaWAN version join through the internal join server and send data, and the application side receives the
 * events through the webhook. The devices' side is {@link SpecDevice}, which shares no code with the server.
 */
class EndToEndTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long EU868_CH0 = 868_100_000L;
    private static final String SF9 = "SF9BW125";
    /** EU868 DR3 (SF9/125 kHz) on channel 0 (868.1 MHz): TxDr and TxCh of the LoRaWAN 1.1 uplink MIC. */
    private static final int TX_DR = 3;
    private static final int TX_CH = 0;

    @TempDir
    Path dir;
    private TestNetwork network;
    private Air air;
    private Server server;
    private SimulatedGateway weak;
    private SimulatedGateway best;
    private SimulatedGateway far;
    private List<Air.Reception> everyGateway;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        air = new Air();
        server = network.startInstance();
        weak = new SimulatedGateway("AA555A0000000001", server.udpPort());
        best = new SimulatedGateway("AA555A0000000002", server.udpPort());
        far = new SimulatedGateway("AA555A0000000003", server.udpPort());
        for (SimulatedGateway gateway : List.of(weak, best, far)) {
            gateway.pullData();
        }
        // The far gateway's counter is about to wrap: its windows are at tmst + delay mod 2^32.
        everyGateway = List.of(new Air.Reception(weak, 2.5, -97, 1_000_000),
                new Air.Reception(best, 9.5, -71, 50_000_000), new Air.Reception(far, -6.0, -118, 0xFFFF_0000L));
        network.createApplication(server, "app-e2e");
    }

    @AfterEach
    void stop() throws Exception {
        for (SimulatedGateway gateway : List.of(weak, best, far)) {
            gateway.close();
        }
        air.close();
        network.close();
    }

    @Test
    void devicesOfEveryLoRaWANVersionJoinAndSendData() throws Exception {
        Map<String, SpecDevice> devices = new HashMap<>();
        int n = 0;
        for (String version : List.of("1.0.2", "1.0.3", "1.0.4", "1.1")) {
            SpecDevice device = otaaDevice("00000000000A000" + n++, version);
            devices.put(device.devEui, device);

            Air.Sent join = air.transmit(device.joinRequest(0x0100 + n), EU868_CH0, SF9, everyGateway);
            SimulatedGateway.Downlink accept = best.awaitDownlink(WAIT);
            assertEquals((join.tmstAt(best) + 5_000_000) & 0xFFFFFFFFL, accept.tmst(), "RX1 at tmst + 5 s");
            assertEquals(868.1, accept.freqMhz(), 1e-6);
            assertEquals(SF9, accept.datr());
            assertTrue(accept.ipol());
            device.acceptJoin(accept.phy());
            assertEquals(0x13, Integer.parseUnsignedInt(device.devAddr(), 16) >>> 25, "DevAddr in NetID 000013's range");
            assertEquals(0, device.rx1DrOffset);
            assertEquals(0, device.rx2Dr);
            assertEquals(1, device.rxDelay);
            assertArrayEquals(TestVectors.bytes(TestVectors.group("cflist").get(0), "cflist"), device.cfList,
                    "EU868 CFList with 867.1-867.9 MHz");
            JsonObject joined = network.webhook().await(event("join", device.devEui), WAIT);
            assertEquals(device.devAddr(), joined.getString("dev_addr"));
            assertEquals("rx1", joined.getJsonObject("downlink").getString("window"));
            assertEquals(best.eui, joined.getJsonObject("downlink").getString("gateway_id"));

            // A LoRaWAN 1.1 device announces its session with RekeyInd until it hears RekeyConf.
            byte[] fOpts = device.lorawan11() ? new byte[] {0x0B, 0x01} : new byte[0];
            byte[] payload = ("hello from " + version).getBytes();
            Air.Sent data = air.transmit(device.uplink(false, 10, payload, fOpts, TX_DR, TX_CH), EU868_CH0, SF9,
                    everyGateway);
            JsonObject up = network.webhook().await(uplink(device.devEui, 0), WAIT);
            assertArrayEquals(payload, Base64.getDecoder().decode(up.getString("data")));
            assertEquals(10, up.getInteger("f_port"));
            assertEquals("app-e2e", up.getString("application_id"));
            assertEquals(EU868_CH0, up.getLong("frequency"));
            assertEquals(TX_DR, up.getInteger("dr"));
            assertEquals(Set.of(weak.eui, best.eui, far.eui), Set.copyOf(gatewaysOf(up).getList()));
            assertEquals(best.eui, gatewaysOf(up).getString(0), "metadata best first");
            if (device.lorawan11()) {
                SimulatedGateway.Downlink conf = best.awaitDownlink(WAIT);
                assertEquals((data.tmstAt(best) + 1_000_000) & 0xFFFFFFFFL, conf.tmst(), "RX1 at tmst + 1 s");
                assertArrayEquals(new byte[] {0x0B, 0x01}, device.read(conf.phy(), 0).fOpts(), "RekeyConf");
            }

            byte[] second = device.uplink(true, 11, new byte[] {1, 2, 3}, new byte[0], TX_DR, TX_CH);
            Air.Sent confirmed = air.transmit(second, EU868_CH0, SF9, everyGateway);
            SimulatedGateway.Downlink ack = best.awaitDownlink(WAIT);
            assertEquals((confirmed.tmstAt(best) + 1_000_000) & 0xFFFFFFFFL, ack.tmst());
            SpecDevice.Downlink read = device.read(ack.phy(), 1);
            assertTrue(read.ack(), "confirmed uplink acknowledged");
            network.webhook().await(uplink(device.devEui, 1), WAIT);
        }
        assertExactlyOnce(network.webhook().all(), devices.size() * 2);
        assertEquals(devices.size(), network.webhook().all().stream().filter(e -> "join".equals(e.getString("type"))).count());
    }

    @Test
    void theJoinAcceptGoesOutInRx2WhenTheGatewayRefusesRx1() throws Exception {
        SpecDevice device = otaaDevice("00000000000B0001", "1.0.3");
        best.refuseNextDownlink("TOO_LATE");
        Air.Sent join = air.transmit(device.joinRequest(7), EU868_CH0, SF9, everyGateway);
        SimulatedGateway.Downlink refused = best.awaitDownlink(WAIT);
        assertEquals((join.tmstAt(best) + 5_000_000) & 0xFFFFFFFFL, refused.tmst());
        SimulatedGateway.Downlink rx2 = best.awaitDownlink(WAIT);
        assertEquals((join.tmstAt(best) + 6_000_000) & 0xFFFFFFFFL, rx2.tmst(), "RX2 at tmst + 6 s");
        assertEquals(869.525, rx2.freqMhz(), 1e-6);
        assertEquals("SF12BW125", rx2.datr());
        device.acceptJoin(rx2.phy());
        assertEquals("rx2", network.webhook().await(event("join", device.devEui), WAIT).getJsonObject("downlink")
                .getString("window"));
    }

    @Test
    void replaysRetransmissionsAndMicFailuresAreNotDelivered() throws Exception {
        SpecDevice device = abpDevice("00000000000C0001", "26000001");
        EventCollector operatorStream = network.followStream(server);
        byte[] first = device.uplink(false, 5, new byte[] {1}, new byte[0], TX_DR, TX_CH);
        air.transmit(first, EU868_CH0, SF9, everyGateway);
        network.webhook().await(uplink(device.devEui, 0), WAIT);
        byte[] second = device.uplink(false, 5, new byte[] {2}, new byte[0], TX_DR, TX_CH);
        air.transmit(second, EU868_CH0, SF9, everyGateway);
        network.webhook().await(uplink(device.devEui, 1), WAIT);

        // The same frame again on other channels: a retransmission (not delivered) and a replay (rejected).
        air.transmit(second, 868_300_000L, SF9, everyGateway);
        air.transmit(first, 868_500_000L, SF9, everyGateway);
        JsonObject replay = network.webhook().await(e -> "replay".equals(e.getString("error")), WAIT);
        assertEquals(device.devEui, replay.getString("dev_eui"));
        assertEquals("app-e2e", replay.getString("application_id"));

        byte[] forged = device.frame(false, 2, 5, new byte[] {3}, new byte[0], TX_DR, TX_CH);
        forged[forged.length - 1] ^= 0x01;
        air.transmit(forged, EU868_CH0, SF9, everyGateway);
        JsonObject micFailed = operatorStream.await(e -> "mic_failed".equals(e.getString("error")), WAIT);
        assertEquals(new JsonArray().add(device.devEui), micFailed.getJsonArray("candidates"));

        air.transmit(device.uplink(false, 5, new byte[] {4}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, everyGateway);
        network.webhook().await(uplink(device.devEui, 2), WAIT);
        assertExactlyOnce(network.webhook().all(), 3);
    }

    @Test
    void reusedOrNonIncreasingDevNoncesAreRejected() throws Exception {
        SpecDevice random = otaaDevice("00000000000D0001", "1.0.3");
        air.transmit(random.joinRequest(0x4242), EU868_CH0, SF9, everyGateway);
        best.awaitDownlink(WAIT);
        network.webhook().await(event("join", random.devEui), WAIT);
        air.transmit(random.joinRequest(0x4242), 868_300_000L, SF9, everyGateway);
        JsonObject reused = network.webhook().await(event("error", random.devEui), WAIT);
        assertEquals("join_rejected", reused.getString("error"));
        assertEquals("JoinReqFailed", reused.getString("result"));
        assertTrue(reused.getString("description").contains("DevNonce"), reused.encode());

        SpecDevice counting = otaaDevice("00000000000D0002", "1.0.4");
        air.transmit(counting.joinRequest(5), EU868_CH0, SF9, everyGateway);
        best.awaitDownlink(WAIT);
        network.webhook().await(event("join", counting.devEui), WAIT);
        air.transmit(counting.joinRequest(4), EU868_CH0, SF9, everyGateway);
        JsonObject lower = network.webhook().await(event("error", counting.devEui), WAIT);
        assertTrue(lower.getString("description").contains("not greater"), lower.encode());
        assertNull(best.pollDownlink(Duration.ofMillis(300)), "no join-accept for a refused join");

        network.api(server, "DELETE", "/api/v1/devices/" + counting.devEui + "/dev-nonces", null, 200);
        air.transmit(counting.joinRequest(4), 868_500_000L, SF9, everyGateway);
        best.awaitDownlink(WAIT);
    }

    @Test
    void twoInstancesOnOneRedisProcessEveryFrameExactlyOnce() throws Exception {
        Server second = network.startInstance();
        try (SimulatedGateway other = new SimulatedGateway("AA555A0000000004", second.udpPort())) {
            other.pullData();
            List<Air.Reception> split = List.of(everyGateway.get(0), everyGateway.get(1),
                    new Air.Reception(other, 4.0, -90, 7_000_000));
            List<SpecDevice> devices = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                devices.add(abpDevice(String.format("00000000000E%04X", i), String.format("2600%04X", 0x100 + i)));
            }
            for (int round = 0; round < 2; round++) {
                for (SpecDevice device : devices) {
                    air.transmit(device.uplink(false, 1, new byte[] {(byte) round}, new byte[0], TX_DR, TX_CH),
                            EU868_CH0, SF9, split);
                }
                for (SpecDevice device : devices) {
                    JsonObject up = network.webhook().await(uplink(device.devEui, round), WAIT);
                    assertEquals(3, up.getJsonArray("rx_info").size(), "copies from both instances' gateways");
                }
            }
            int frames = devices.size() * 2;
            assertExactlyOnce(network.webhook().all(), frames);
        }
    }

    /**
     * An instance with three pipeline event loops: the copies of each frame meet in the one its PHYPayload and
     * frequency hash to, and frames of one device spread over the three are each decided once.
     */
    @Test
    void framesSpreadOverSeveralPipelineEventLoopsAreEachDecidedOnceWithAllTheirCopies() throws Exception {
        network.networkLines = "pipeline_event_loops = 3";
        Server sharded = network.startInstance();
        List<SimulatedGateway> gateways = new ArrayList<>();
        try {
            List<Air.Reception> receptions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SimulatedGateway gateway = new SimulatedGateway("AA555A00000000B" + i, sharded.udpPort());
                gateway.pullData();
                gateways.add(gateway);
                receptions.add(new Air.Reception(gateway, 5.0 - i, -80 - i, 1_000_000L * i));
            }
            List<SpecDevice> devices = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                devices.add(abpDevice(String.format("00000000000B%04X", i), String.format("2600%04X", 0x300 + i)));
            }
            int rounds = 3;
            for (int round = 0; round < rounds; round++) {
                for (SpecDevice device : devices) {
                    air.transmit(device.uplink(false, 1, new byte[] {(byte) round}, new byte[0], TX_DR, TX_CH),
                            EU868_CH0, SF9, receptions);
                }
            }
            for (SpecDevice device : devices) {
                for (int round = 0; round < rounds; round++) {
                    JsonObject up = network.webhook().await(uplink(device.devEui, round), WAIT);
                    assertEquals(3, up.getJsonArray("rx_info").size(), "every copy in the frame's one set");
                }
            }
            assertExactlyOnce(network.webhook().all(), devices.size() * rounds);
        } finally {
            for (SimulatedGateway gateway : gateways) {
                gateway.close();
            }
        }
    }

    /**
     * One instance serves the device's uplinks from its session cache while the operator changes the device through
     * another instance: new keys on the same DevAddr, a counter reset with the relax option, then deletion. Each
     * change applies from the next uplink.
     */
    @Test
    void changesMadeThroughAnotherInstanceApplyToTheNextUplink() throws Exception {
        Server admin = network.startInstance();
        SpecDevice device = abpDevice("00000000000E1001", "26001001");
        SpecDevice control = abpDevice("00000000000E1002", "26001002");
        air.transmit(device.uplink(false, 1, new byte[] {1}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, everyGateway);
        air.transmit(device.uplink(false, 1, new byte[] {2}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, everyGateway);
        network.webhook().await(payload(device, 2), WAIT);

        byte[] nwkSKey = TestNetwork.randomKey();
        byte[] appSKey = TestNetwork.randomKey();
        device.activate(device.devAddr(), nwkSKey, appSKey);
        network.api(admin, "PUT", "/api/v1/devices/" + device.devEui, new JsonObject()
                .put("application_id", "app-e2e").put("mac_version", "1.0.3").put("relax_fcnt", true)
                .put("abp", new JsonObject().put("dev_addr", device.devAddr()).put("nwk_s_key", HEX.formatHex(nwkSKey))
                        .put("app_s_key", HEX.formatHex(appSKey))), 200);
        for (int i = 3; i <= 5; i++) {
            air.transmit(device.uplink(false, 1, new byte[] {(byte) i}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9,
                    everyGateway);
            network.webhook().await(payload(device, i), WAIT);
        }
        device.fCntUp = 0;
        air.transmit(device.uplink(false, 1, new byte[] {6}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, everyGateway);
        assertEquals(0, network.webhook().await(payload(device, 6), WAIT).getLong("f_cnt"), "taken as a reset");

        network.api(admin, "DELETE", "/api/v1/devices/" + device.devEui, null, 200);
        air.transmit(device.uplink(false, 1, new byte[] {7}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, everyGateway);
        air.transmit(control.uplink(false, 1, new byte[] {7}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9,
                everyGateway);
        network.webhook().await(payload(control, 7), WAIT);
        assertTrue(network.webhook().all().stream().noneMatch(payload(device, 7)), "a deleted device is not served");
    }

    /**
     * LoRaWAN 1.0.4 section 4.3.1.5: the frame header carries FCnt's 16 low bits, while the MIC's B0 block and the
     * FRMPayload's keystream take all 32 (sections 4.4 and 4.3.3.1), as the device computes them. Crossing 0xFFFF the
     * server takes 0x0000 as 0x10000; a frame of the old half sent again afterwards reads as 0x1FFFF, which its MIC
     * does not verify, and is not delivered.
     */
    @Test
    void anUplinkCounterCrossing0xFFFFGoesOnWithItsHighHalf() throws Exception {
        SpecDevice device = abpDevice("00000000000E1003", "26001003");
        for (long fCnt = 0xFFFE; fCnt <= 0x1_0001; fCnt++) {
            air.transmit(device.frame(false, fCnt, 1, new byte[] {(byte) fCnt}, new byte[0], TX_DR, TX_CH),
                    EU868_CH0, SF9, everyGateway);
            assertEquals(fCnt, network.webhook().await(payload(device, (int) fCnt & 0xFF), WAIT).getLong("f_cnt"));
        }
        air.transmit(device.frame(false, 0xFFFF, 1, new byte[] {0x55}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9,
                everyGateway);
        air.transmit(device.frame(false, 0x1_0002, 1, new byte[] {0x02}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9,
                everyGateway);
        assertEquals(0x1_0002, network.webhook().await(payload(device, 0x02), WAIT).getLong("f_cnt"));
        assertTrue(network.webhook().all().stream().noneMatch(payload(device, 0x55)), "the old half's frame");
    }

    /** The uplink event of {@code device} whose decrypted payload is the single byte {@code value}. */
    private static java.util.function.Predicate<JsonObject> payload(SpecDevice device, int value) {
        String data = Base64.getEncoder().encodeToString(new byte[] {(byte) value});
        return e -> "uplink".equals(e.getString("type")) && device.devEui.equals(e.getString("dev_eui"))
                && data.equals(e.getString("data"));
    }

    @Test
    void theApiRefusesBadRequestsWithAReasonAndNeverReturnsRootKeys() throws Exception {
        String path = "/api/v1/devices/00000000000F0002";
        String valid = "{\"application_id\":\"app-e2e\",\"mac_version\":\"1.0.3\",\"join_eui\":\"70B3D57ED00F0000\"}";
        network.api(server, "GET", path, null, null, 401);
        network.api(server, "GET", path, null, "not-the-api-key-at-all", 401);
        assertTrue(network.api(server, "PUT", path, "{not json", TestNetwork.API_KEY, 400).getString("error")
                .contains("JSON"));
        assertTrue(network.api(server, "PUT", path, valid.replace("app-e2e", "no-such-app"), TestNetwork.API_KEY,
                400).getString("error").contains("no application"));
        assertTrue(network.api(server, "PUT", path, valid.replace("}", ",\"app_key\":\"00\"}"),
                TestNetwork.API_KEY, 400).getString("error").contains("app_key"));
        network.api(server, "GET", path, null, TestNetwork.API_KEY, 404);
        // The test network allows 127.0.0.0/8 only: its own receiver, not the rest of the host or the LAN.
        assertEquals("webhook_url: 169.254.169.254 is a link-local address; webhooks reach it only when "
                + "api.webhook_allowed_networks allows it", network.api(server, "PUT", "/api/v1/applications/metadata",
                new JsonObject().put("webhook_url", "http://169.254.169.254/latest/meta-data/"), 400).getString("error"));
        assertTrue(network.api(server, "PUT", "/api/v1/applications/redis", new JsonObject()
                .put("webhook_url", "http://[::1]:6379/"), 400).getString("error").contains("loopback"));
        assertTrue(network.api(server, "PUT", "/api/v1/applications/lan", new JsonObject()
                .put("webhook_url", "https://192.168.1.10/hook"), 400).getString("error").contains("private"));
        network.api(server, "GET", "/api/v1/applications/metadata", null, 404);
        assertEquals("webhook_headers: Host is set by the server itself", network.api(server, "PUT",
                "/api/v1/applications/headers", new JsonObject().put("webhook_url", "https://app.example.com/")
                        .put("webhook_headers", new JsonObject().put("Host", "elsewhere")), 400).getString("error"));
        assertEquals("webhook_headers: X-Token must be one line (value not shown)", network.api(server, "PUT",
                "/api/v1/applications/headers", new JsonObject().put("webhook_url", "https://app.example.com/")
                        .put("webhook_headers", new JsonObject().put("X-Token", "a\r\nX-Evil: 1")), 400)
                .getString("error"));

        SpecDevice device = otaaDevice("00000000000F0001", "1.1");
        JsonObject shown = network.api(server, "GET", "/api/v1/devices/" + device.devEui, null, 200);
        assertTrue(shown.getBoolean("root_keys_in_internal_js"));
        String text = shown.encode().toUpperCase();
        assertFalse(text.contains(HEX.formatHex(device.appKey)) || text.contains(HEX.formatHex(device.nwkKey)));
        assertFalse(text.contains("KEY\":"), text);
    }

    private SpecDevice otaaDevice(String devEui, String version) throws Exception {
        return network.otaaDevice(server, devEui, version, "app-e2e");
    }

    private SpecDevice abpDevice(String devEui, String devAddr) throws Exception {
        return network.abpDevice(server, devEui, devAddr, "app-e2e");
    }
}
