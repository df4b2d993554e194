package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Class C device heard by two gateways, each served by its own instance: its items go through the gateway that
 * heard it best while that one is online, and through the other once the best one has gone offline (no PULL_DATA
 * within the instances' 1 s {@code offline_timeout}), sent by the instance that reaches it.
 */
class ClassCFailoverEndToEndTest {
    private static final String APPLICATION = "app-class-c-failover";
    /** Well inside the instances' 1 s offline_timeout. */
    private static final Duration KEEPALIVE = Duration.ofMillis(200);

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server first;
    private static Server second;
    private static Air air;
    private static SimulatedGateway best;
    private static SimulatedGateway lesser;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        first = network.startInstance("offline_timeout = \"1s\"", "");
        second = network.startInstance("offline_timeout = \"1s\"", "");
        network.createApplication(first, APPLICATION);
        network.api(first, "PUT", "/api/v1/device-profiles/class-c", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3")
                .put("supports_class_c", true), 200);
        air = new Air();
        best = new SimulatedGateway("AA555A0000000CF1", first.udpPort());
        lesser = new SimulatedGateway("AA555A0000000CF2", second.udpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        best.close();
        lesser.close();
        air.close();
        network.close();
    }

    private static List<Air.Reception> heard() {
        return List.of(new Air.Reception(best, 9, -50, 0), new Air.Reception(lesser, -3, -110, 2_000_000));
    }

    /** Until the instance's bridge counts {@code online} gateways online (its gauge), within the usual wait. */
    private static void awaitGatewaysOnline(Server server, int online) throws Exception {
        long deadline = System.nanoTime() + Site.WAIT.toNanos();
        while (network.metric(server, "lorawan_gateway_udp_gateways_online") != online) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the instance does not count " + online + " gateways online after "
                        + Site.WAIT);
            }
        }
    }

    private static SimulatedGateway.Received awaitEither() throws Exception {
        return SimulatedGateway.awaitAny(List.of(best, lesser), Site.WAIT);
    }

    private static void enqueue(String devEui, byte[] data) throws Exception {
        network.api(second, "POST", "/api/v1/devices/" + devEui + "/queue", new JsonObject().put("f_port", 3)
                .put("data", Base64.getEncoder().encodeToString(data)), 201);
    }

    @Test
    void theBestGatewayCarriesTheItemAndTheOtherOneOnceTheBestIsOffline() throws Exception {
        // Both gateways keep their downlink paths open, as packet forwarders do, however long each step takes.
        best.keepPulling(KEEPALIVE);
        lesser.keepPulling(KEEPALIVE);
        awaitGatewaysOnline(first, 1);
        awaitGatewaysOnline(second, 1);
        SpecDevice device = network.otaaDevice(first, "00000000000C0F01", "1.0.4", APPLICATION, "class-c")
                .inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0CF1), Site.EU868_CH0, Site.SF9, heard());
        device.acceptJoin(awaitEither().downlink().phy());
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {0});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard());
        device.receive(awaitEither().downlink().phy());
        network.awaitDownlinkPathFree(device.devEui);

        enqueue(device.devEui, new byte[] {1});
        SimulatedGateway.Received viaBest = awaitEither();
        assertEquals(best, viaBest.gateway(), "the gateway that heard the device best");
        assertArrayEquals(new byte[] {1}, device.read(viaBest.downlink().phy(), 0).frmPayload());

        // The best gateway stops pulling: its instance marks it offline after offline_timeout.
        best.stopPulling();
        awaitGatewaysOnline(first, 0);
        enqueue(device.devEui, new byte[] {2});
        SimulatedGateway.Received viaLesser = awaitEither();
        assertEquals(lesser, viaLesser.gateway(), "the other gateway, through the other instance");
        assertTrue(viaLesser.downlink().imme());
        assertArrayEquals(new byte[] {2}, device.read(viaLesser.downlink().phy(), 0).frmPayload());
    }
}
