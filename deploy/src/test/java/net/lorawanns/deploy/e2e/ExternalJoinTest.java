package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.deploy.Server;
import net.lorawanns.joinclient.testing.TestDnsServer;
import net.lorawanns.joinclient.testing.TestJoinServer;
import net.lorawanns.sim.DeviceCrypto;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

/**
 * A device whose root key only its vendor's join server holds: the server finds that join server through DNS,
 * asks it over mutual TLS, unwraps the session keys, sends the join-accept over UDP, and the device's next uplink
 * passes the MIC with the unwrapped keys.
 */
class ExternalJoinTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String JOIN_EUI = "70B3D57ED0001234";
    private static final byte[] APP_KEY = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] NWK_KEY = HEX.parseHex("3C4FCF098815F7ABA6D2AE2816157E2B");
    private static final byte[] NS_KEK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    private static final byte[] AS_KEK = HEX.parseHex("0F0E0D0C0B0A09080706050403020100");

    @TempDir
    Path dir;
    private Vertx vertx;
    private TestDnsServer dns;
    private TestJoinServer vendorJs;
    private TestNetwork network;
    private Server server;
    private Air air;
    private SimulatedGateway gateway;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        TestPki.Authority vendorCa = TestPki.authority(dir, "vendor");
        TestPki.Authority operatorCa = TestPki.authority(dir, "operator");
        TestPki.Credentials ourClient = operatorCa.issue("our-ns");
        vendorJs = TestJoinServer.start(vertx, vendorCa.issue("vendor-js"), operatorCa);
        vendorJs.nsKek("operator-ns", NS_KEK);
        vendorJs.asKek("operator-as", AS_KEK);

        dns = new TestDnsServer();
        Name name = Name.fromString("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.");
        Name service = Name.fromString("_lwns._tcp.vendor.test.");
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "S", "LWNS", "", service));
        dns.add(new SRVRecord(service, DClass.IN, 300, 0, 0, vendorJs.port(), Name.fromString("localhost.")));
        dns.address("localhost", "127.0.0.1");

        network = new TestNetwork(dir);
        server = network.startInstance("""
                [join_server]
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                [join_server.default]
                server = ""
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                [[join_server.kek]]
                label = "operator-ns"
                kek = "%s"
                [[join_server.kek]]
                label = "operator-as"
                kek = "%s"
                """.formatted(dns.hostPort(), vendorCa.certFile(), ourClient.certFile(), ourClient.keyFile(),
                HEX.formatHex(NS_KEK), HEX.formatHex(AS_KEK)));
        network.createApplication(server, "app-vendor");
        air = new Air();
        gateway = new SimulatedGateway("AA555A0000000009", server.udpPort());
        gateway.pullData();
        network.api(server, "PUT", "/api/v1/devices/0004A30B001C0530", new JsonObject()
                .put("application_id", "app-vendor").put("mac_version", "1.0.3").put("join_eui", JOIN_EUI), 200);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
        vendorJs.close();
        dns.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theApiChecksTheJoinServerOfAJoinEuiStepByStep() throws Exception {
        vendorJs.addDevice("0004A30B001C0530", APP_KEY);
        JsonObject report = network.api(server, "GET", "/api/v1/join-servers/check/" + JOIN_EUI
                + "?dev_eui=0004A30B001C0530", (JsonObject) null, 200);
        assertEquals(JOIN_EUI, report.getString("join_eui"));
        assertTrue(report.getBoolean("join_would_work"), report.encodePrettily());
        List<String> steps = report.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("step"))
                .toList();
        assertEquals(List.of("resolution", "tls", "backend_interfaces"), steps);
        String resolution = report.getJsonArray("steps").getJsonObject(0).getJsonArray("findings").encode();
        assertTrue(resolution.contains("NAPTR 4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.: order 10, preference 10, "
                + "flags \\\"S\\\", service \\\"LWNS\\\""), resolution);
        JsonArray backendInterfaces = report.getJsonArray("steps").getJsonObject(2).getJsonArray("findings");
        JsonObject last = backendInterfaces.getJsonObject(backendInterfaces.size() - 1);
        assertEquals("ok", last.getString("verdict"), report.encodePrettily());
        assertEquals("the server knows DevEUI 0004A30B001C0530; its home NetID is 000013", last.getString("text"));
        assertEquals("HomeNSReq", vendorJs.lastMessageType());

        JsonObject refused = network.api(server, "GET", "/api/v1/join-servers/check/70B3D57E", (JsonObject) null, 400);
        assertEquals("path.joinEui: does not match ^[0-9A-Fa-f]{16}$", refused.getString("error"));
    }

    @Test
    void aDeviceOfAnotherJoinServerJoinsAndSendsData() throws Exception {
        vendorJs.addDevice("0004A30B001C0530", APP_KEY);
        SpecDevice device = new SpecDevice("0004A30B001C0530", JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000));

        Air.Sent join = air.transmit(device.joinRequest(0x2A), 868_100_000L, "SF9BW125", heard);
        SimulatedGateway.Downlink accept = gateway.awaitDownlink(WAIT);
        assertEquals((join.tmstAt(gateway) + 5_000_000) & 0xFFFFFFFFL, accept.tmst(), "RX1 at tmst + 5 s");
        device.acceptJoin(accept.phy());
        assertEquals(1, vendorJs.requests());
        JsonObject joined = network.webhook().await(event("join", device.devEui), WAIT);
        assertEquals(device.devAddr(), joined.getString("dev_addr"));

        byte[] payload = "sealed by the vendor".getBytes();
        air.transmit(device.uplink(false, 3, payload, new byte[0], 3, 0), 868_100_000L, "SF9BW125", heard);
        JsonObject up = network.webhook().await(uplink(device.devEui, 0), WAIT);
        assertArrayEquals(payload, Base64.getDecoder().decode(up.getString("data")),
                "the MIC passed with the unwrapped NwkSKey and the payload opened with the unwrapped AppSKey");
    }

    /**
     * A LoRaWAN 1.1 device of the vendor's join server rejoins with each type: the RejoinReq goes to the server
     * DNS names for its JoinEUI, whose rejoin-accept the device opens; a replayed RJcount0 is refused by us, a
     * replayed RJcount1 by the vendor's server.
     */
    @Test
    void aLoRaWAN11DeviceOfAnotherJoinServerRejoinsWithEveryType() throws Exception {
        String devEui = "0004A30B001C0540";
        vendorJs.addDevice11(devEui, APP_KEY, NWK_KEY);
        network.api(server, "PUT", "/api/v1/devices/" + devEui, new JsonObject()
                .put("application_id", "app-vendor").put("mac_version", "1.1").put("join_eui", JOIN_EUI), 200);
        SpecDevice device = new SpecDevice(devEui, JOIN_EUI, "1.1", APP_KEY, NWK_KEY, 0);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000));

        air.transmit(device.joinRequest(3), 868_100_000L, "SF9BW125", heard);
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        network.webhook().await(event("join", devEui), WAIT);
        sendInSession(device, heard);

        for (int type : new int[] {0, 2, 1}) {
            byte[] request = type == 1 ? device.rejoinRequest1() : device.rejoinRequest(type);
            Air.Sent sent = air.transmit(request, 868_100_000L, "SF9BW125", heard);
            SimulatedGateway.Downlink accept = gateway.awaitDownlink(WAIT);
            assertEquals((sent.tmstAt(gateway) + 5_000_000) & 0xFFFFFFFFL, accept.tmst(), "RX1 at tmst + 5 s");
            device.acceptRejoin(accept.phy());
            network.webhook().await(event("rejoin", devEui).and(e -> e.getInteger("rejoin_type") == type
                    && device.devAddr().equals(e.getString("dev_addr"))), WAIT);
            sendInSession(device, heard);
        }
        assertEquals(4, vendorJs.requests(), "one JoinReq, three RejoinReqs");

        byte[] first0 = device.rejoinRequest(0);
        air.transmit(first0, 868_100_000L, "SF9BW125", heard);
        gateway.awaitDownlink(WAIT);
        air.transmit(first0, 868_300_000L, "SF9BW125", heard);
        JsonObject replay0 = network.webhook().await(event("error", devEui)
                .and(e -> e.getInteger("rejoin_type", -1) == 0), WAIT);
        assertTrue(replay0.getString("description").contains("RJcount0"), replay0.encode());
        assertEquals(5, vendorJs.requests(), "a replayed RJcount0 does not reach the join server");

        air.transmit(device.rejoinRequest1(0), 868_300_000L, "SF9BW125", heard);
        JsonObject replay1 = network.webhook().await(event("error", devEui)
                .and(e -> e.getInteger("rejoin_type", -1) == 1), WAIT);
        assertEquals("join_rejected", replay1.getString("error"), replay1.encode());
        assertEquals("JoinReqFailed", replay1.getString("result"), replay1.encode());
    }

    /** An uplink with RekeyInd under the device's current keys, delivered and answered with RekeyConf. */
    private void sendInSession(SpecDevice device, List<Air.Reception> heard) throws Exception {
        long fCnt = device.fCntUp;
        byte[] payload = ("session " + device.devAddr()).getBytes();
        air.transmit(device.uplink(false, 3, payload, new byte[] {0x0B, 0x01}, 3, 0), 868_100_000L, "SF9BW125",
                heard);
        JsonObject up = network.webhook().await(e -> uplink(device.devEui, fCnt).test(e)
                && device.devAddr().equals(e.getString("dev_addr")), WAIT);
        assertArrayEquals(payload, Base64.getDecoder().decode(up.getString("data")),
                "the MIC passed with the unwrapped network keys and the payload opened with the unwrapped AppSKey");
        assertArrayEquals(new byte[] {0x0B, 0x01}, device.read(gateway.awaitDownlink(WAIT).phy(), fCnt).fOpts(),
                "RekeyConf");
    }

    @Test
    void whenTheJoinServerKeepsTheAppSKeyEventsSayWhereToFetchIt() throws Exception {
        vendorJs.addDevice("0004A30B001C0530", APP_KEY);
        vendorJs.keepAppSKey();
        SpecDevice device = new SpecDevice("0004A30B001C0530", JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000));

        air.transmit(device.joinRequest(0x2C), 868_100_000L, "SF9BW125", heard);
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        JsonObject joined = network.webhook().await(event("join", device.devEui), WAIT);
        // The test join server answers with SessionKeyID 0A0B0C0D and, as SenderID, the JoinEUI it was asked for.
        assertEquals("0a0b0c0d", joined.getString("session_key_id"), joined.encode());
        assertEquals(JOIN_EUI, joined.getString("join_server_id"), joined.encode());

        byte[] payload = "only the application opens this".getBytes();
        air.transmit(device.uplink(false, 3, payload, new byte[0], 3, 0), 868_100_000L, "SF9BW125", heard);
        JsonObject up = network.webhook().await(uplink(device.devEui, 0), WAIT);
        assertEquals("0a0b0c0d", up.getString("session_key_id"), up.encode());
        assertEquals(JOIN_EUI, up.getString("join_server_id"), up.encode());
        assertArrayEquals(payload, DeviceCrypto.cipherStream(device.appSKey, 0, device.devAddrLe, 0,
                Base64.getDecoder().decode(up.getString("frm_payload")), 0), "the payload is passed on still encrypted");
    }

    @Test
    void aRefusalOfTheExternalJoinServerIsReported() throws Exception {
        SpecDevice device = new SpecDevice("0004A30B001C0530", JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        air.transmit(device.joinRequest(0x2B), 868_100_000L, "SF9BW125",
                List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000)));
        JsonObject refused = network.webhook().await(event("error", device.devEui), WAIT);
        assertEquals("join_rejected", refused.getString("error"), refused.encode());
        assertTrue(refused.encode().contains("UnknownDevEUI"), refused.encode());
    }
}
