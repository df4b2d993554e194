package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.deploy.Server;
import net.lorawanns.joinclient.testing.TestJoinServer;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join-request goes to the join server of the JoinEUI the device is registered with. An attacker who knows a
 * DevEUI and writes another JoinEUI into a join-request (one whose join server it controls) is refused before any
 * join server is asked; the operator moves the device to another JoinEUI through the API.
 */
class JoinEuiRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DEV_EUI = "0004A30B001C0777";
    private static final String REGISTERED_JOIN_EUI = "70B3D57ED000AAAA";
    private static final String OTHER_JOIN_EUI = "70B3D57ED000BBBB";

    @TempDir
    Path dir;
    private Vertx vertx;
    private TestJoinServer registeredJs;
    private TestJoinServer otherJs;
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
        registeredJs = TestJoinServer.start(vertx, vendorCa.issue("registered-js"), operatorCa);
        otherJs = TestJoinServer.start(vertx, vendorCa.issue("other-js"), operatorCa);
        network = new TestNetwork(dir);
        String entry = """
                [[join_server.servers]]
                join_eui = "%s"
                server = "%s"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """;
        server = network.startInstance(
                entry.formatted(REGISTERED_JOIN_EUI, registeredJs.url(), vendorCa.certFile(), ourClient.certFile(),
                        ourClient.keyFile())
                + entry.formatted(OTHER_JOIN_EUI, otherJs.url(), vendorCa.certFile(), ourClient.certFile(),
                        ourClient.keyFile()));
        network.createApplication(server, "app-routing");
        air = new Air();
        gateway = new SimulatedGateway("AA555A0000000077", server.udpPort());
        gateway.pullData();
        register(REGISTERED_JOIN_EUI);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
        registeredJs.close();
        otherJs.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aJoinRequestNamingAnotherJoinEuiIsRefusedAndNoJoinServerIsAsked() throws Exception {
        byte[] attackerKey = TestNetwork.randomKey();
        otherJs.addDevice(DEV_EUI, attackerKey);
        SpecDevice attacker = new SpecDevice(DEV_EUI, OTHER_JOIN_EUI, "1.0.3", attackerKey, null, 0);

        transmit(attacker.joinRequest(0x0101));
        JsonObject refused = network.webhook().await(event("error", DEV_EUI), WAIT);
        assertEquals("join_rejected", refused.getString("error"), refused.encode());
        String text = refused.encode();
        assertTrue(text.contains(OTHER_JOIN_EUI) && text.contains(REGISTERED_JOIN_EUI),
                "the event names the JoinEUI of the frame and the registered one: " + text);
        assertEquals(0, otherJs.requests(), "the join server the frame names was not asked");
        assertEquals(0, registeredJs.requests(), "the frame's MIC is not the registered join server's to judge");
        assertEquals(1.0, network.metric(server, "lorawan_join_requests_total{result=\"join_eui_mismatch\""));
    }

    @Test
    void theOperatorMovesTheDeviceToAnotherJoinEuiThroughTheApi() throws Exception {
        byte[] appKey = TestNetwork.randomKey();
        otherJs.addDevice(DEV_EUI, appKey);
        JsonObject moved = register(OTHER_JOIN_EUI);
        assertEquals(OTHER_JOIN_EUI, moved.getString("join_eui"));
        SpecDevice device = new SpecDevice(DEV_EUI, OTHER_JOIN_EUI, "1.0.3", appKey, null, 0);

        transmit(device.joinRequest(0x0102));
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        JsonObject joined = network.webhook().await(event("join", DEV_EUI), WAIT);
        assertEquals(OTHER_JOIN_EUI, joined.getString("join_eui"));
        assertEquals(device.devAddr(), joined.getString("dev_addr"));
        assertEquals(1, otherJs.requests());
        assertEquals(0, registeredJs.requests());
    }

    private JsonObject register(String joinEui) throws Exception {
        return network.api(server, "PUT", "/api/v1/devices/" + DEV_EUI, new JsonObject()
                .put("application_id", "app-routing").put("mac_version", "1.0.3").put("join_eui", joinEui), 200);
    }

    private void transmit(byte[] phy) throws Exception {
        air.transmit(phy, 868_100_000L, "SF9BW125", List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000)));
    }
}
