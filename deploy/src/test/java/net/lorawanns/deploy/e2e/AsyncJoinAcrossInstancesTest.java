package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.redis.RedisSubscription;
import net.lorawanns.core.testing.SecretScan;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.Server;
import net.lorawanns.joinclient.testing.TestJoinServer;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one Redis; the join server answers in async mode, and POSTs its JoinAns to the instance that did
 * not send the JoinReq or RejoinReq (as it may behind one name for the cluster). The answer reaches the sender
 * through Redis, sealed, and the device joins (or rejoins) through the sender's gateway.
 */
class AsyncJoinAcrossInstancesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String JOIN_EUI = "70B3D57ED0005678";
    private static final String DEV_EUI = "0004A30B001C0888";
    private static final byte[] APP_KEY = TestNetwork.randomKey();

    @TempDir
    Path dir;
    private Vertx vertx;
    private TestJoinServer vendorJs;
    private TestNetwork network;
    private Air air;
    private SimulatedGateway gateway;
    private Server sender;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        TestPki.Authority vendorCa = TestPki.authority(dir, "vendor");
        TestPki.Authority operatorCa = TestPki.authority(dir, "operator");
        TestPki.Credentials ourClient = operatorCa.issue("our-ns");
        TestPki.Credentials ourAsyncServer = operatorCa.issue("our-async");
        vendorJs = TestJoinServer.start(vertx, vendorCa.issue("vendor-js"), operatorCa);
        vendorJs.addDevice(DEV_EUI, APP_KEY);
        network = new TestNetwork(dir);
        String toml = """
                [join_server]
                async_bind = "127.0.0.1:0"
                async_tls_cert = "%s"
                async_tls_key = "%s"
                async_client_ca_cert = "%s"
                [[join_server.servers]]
                join_eui = "%s"
                server = "%s"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                async = true
                """.formatted(ourAsyncServer.certFile(), ourAsyncServer.keyFile(), vendorCa.certFile(), JOIN_EUI,
                vendorJs.url(), vendorCa.certFile(), ourClient.certFile(), ourClient.keyFile());
        sender = network.startInstance(toml);
        Server other = network.startInstance(toml);
        vendorJs.answerAsync("https://localhost:" + other.asyncAnswersPort() + "/", vendorCa.issue("vendor-js-client"),
                operatorCa);
        network.createApplication(sender, "app-async");
        network.api(sender, "PUT", "/api/v1/devices/" + DEV_EUI, new JsonObject().put("application_id", "app-async")
                .put("mac_version", "1.0.3").put("join_eui", JOIN_EUI), 200);
        air = new Air();
        gateway = new SimulatedGateway("AA555A0000000088", sender.udpPort());
        gateway.pullData();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
        vendorJs.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerPostedToAnotherInstanceReachesTheOneThatAskedSealed() throws Exception {
        // What goes through Redis, as anyone who may subscribe to the channel sees it.
        List<String> relayed = new CopyOnWriteArrayList<>();
        RedisSubscription listener = RedisSubscription.start(vertx, TestRedis.settings(), List.of(TestRedis.url()),
                new RedisKeys(network.keyPrefix()).asyncJoinAnswers(), relayed::add, () -> { })
                .await(10, TimeUnit.SECONDS);
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        air.transmit(device.joinRequest(0x0401), 868_100_000L, "SF9BW125",
                List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000)));
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        JsonObject joined = network.webhook().await(event("join", DEV_EUI), WAIT);
        assertEquals(device.devAddr(), joined.getString("dev_addr"));
        assertEquals(1, vendorJs.requests());
        listener.close().await(10, TimeUnit.SECONDS);
        assertEquals(1, relayed.size(), "the answer went through Redis once");
        // The vendor's join server sends the session keys in clear (no KEK label): Redis must not see them so.
        for (byte[] key : List.of(device.nwkSEncKey, device.appSKey)) {
            assertEquals(List.of(), SecretScan.find(relayed.get(0), key), "a session key in the relayed message");
        }
    }

    @Test
    void aRejoinAnsweredLaterThroughAnotherInstanceGivesTheDeviceItsNewSession() throws Exception {
        String devEui = "0004A30B001C0889";
        byte[] nwkKey = HexFormat.of().parseHex("0F0E0D0C0B0A09080706050403020100");
        vendorJs.addDevice11(devEui, APP_KEY, nwkKey);
        network.api(sender, "PUT", "/api/v1/devices/" + devEui, new JsonObject().put("application_id", "app-async")
                .put("mac_version", "1.1").put("join_eui", JOIN_EUI), 200);
        SpecDevice device = new SpecDevice(devEui, JOIN_EUI, "1.1", APP_KEY, nwkKey, 0);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.0, -80, 10_000_000));
        air.transmit(device.joinRequest(1), 868_100_000L, "SF9BW125", heard);
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        network.webhook().await(event("join", devEui), WAIT);
        sendInSession(device, heard);

        air.transmit(device.rejoinRequest(0), 868_100_000L, "SF9BW125", heard);
        device.acceptRejoin(gateway.awaitDownlink(WAIT).phy());
        network.webhook().await(event("rejoin", devEui).and(e -> device.devAddr().equals(e.getString("dev_addr"))),
                WAIT);
        sendInSession(device, heard);
        assertEquals(2, vendorJs.requests(), "a JoinReq and a RejoinReq, both answered later");
    }

    /** An uplink in the device's new session (announced by RekeyInd), delivered, and the RekeyConf it gets. */
    private void sendInSession(SpecDevice device, List<Air.Reception> heard) throws Exception {
        long fCnt = device.fCntUp;
        air.transmit(device.uplink(false, 3, new byte[] {1}, new byte[] {0x0B, 0x01}, 3, 0), 868_100_000L,
                "SF9BW125", heard);
        network.webhook().await(e -> TestNetwork.uplink(device.devEui, fCnt).test(e)
                && device.devAddr().equals(e.getString("dev_addr")), WAIT);
        gateway.awaitDownlink(WAIT);
    }
}
