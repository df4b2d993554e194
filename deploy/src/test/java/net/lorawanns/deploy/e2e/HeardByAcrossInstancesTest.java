package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
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
 * The instance that owns a frame's deduplication set starts the frame's counter step with its own copies while the
 * others' are on their way: when a copy another instance hands over came from a better gateway, the gateways kept
 * for the device's Class C downlinks are stored again, best first. Here the weaker gateway's instance owns the set,
 * and the device's next Class C item still goes through the better gateway, on the other instance.
 */
class HeardByAcrossInstancesTest {
    private static final String APPLICATION = "app-heard-by";
    private static final String FIRST_COPIES = "lorawan_uplink_copies_total{outcome=\"first\"";

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
        // Long enough for the second copy to reach Redis inside the window on a loaded machine; RX2 is still reached.
        network.deduplicationDelay = "600ms";
        first = network.startInstance();
        second = network.startInstance();
        network.createApplication(first, APPLICATION);
        network.api(first, "PUT", "/api/v1/device-profiles/class-c", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3")
                .put("supports_class_c", true), 200);
        air = new Air();
        best = new SimulatedGateway("AA555A0000000CB1", first.udpPort());
        lesser = new SimulatedGateway("AA555A0000000CB2", second.udpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        best.close();
        lesser.close();
        air.close();
        network.close();
    }

    private static SimulatedGateway.Received awaitEither() throws Exception {
        return SimulatedGateway.awaitAny(List.of(best, lesser), Site.WAIT);
    }

    @Test
    void aBetterGatewayOfAnotherInstanceIsKeptForClassCDownlinks() throws Exception {
        best.pullData();
        lesser.pullData();
        SpecDevice device = network.otaaDevice(first, "00000000000C0B01", "1.0.4", APPLICATION, "class-c")
                .inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0CB1), Site.EU868_CH0, Site.SF9,
                List.of(new Air.Reception(best, 9, -50, 0), new Air.Reception(lesser, -3, -110, 0)));
        device.acceptJoin(awaitEither().downlink().phy());

        // The weaker gateway's copy reaches Redis first: its instance owns the set; the better one's joins it.
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {0});
        best.pullData();
        lesser.pullData();
        double opened = network.metric(second, FIRST_COPIES);
        lesser.uplink(up.phy(), 1_000_000, up.frequencyHz(), up.datr(), -3, -110);
        network.awaitMetric(second, FIRST_COPIES, opened + 1);
        best.uplink(up.phy(), 2_000_000, up.frequencyHz(), up.datr(), 9, -50);
        device.receive(awaitEither().downlink().phy());
        network.awaitDownlinkPathFree(device.devEui);

        best.pullData();
        lesser.pullData();
        network.api(second, "POST", "/api/v1/devices/" + device.devEui + "/queue", new JsonObject().put("f_port", 3)
                .put("data", Base64.getEncoder().encodeToString(new byte[] {1})), 201);
        SimulatedGateway.Received item = awaitEither();
        assertEquals(best, item.gateway(), "the gateway that heard the device best, though another instance's");
        assertArrayEquals(new byte[] {1}, device.read(item.downlink().phy(), 0).frmPayload());
    }
}
