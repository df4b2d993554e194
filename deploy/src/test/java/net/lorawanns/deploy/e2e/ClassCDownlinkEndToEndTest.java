package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class C end to end in EU868 with the spec device (LoRaWAN 1.0.4 section 17, 1.1 section 5.15): a device whose
 * profile supports Class C gets its queue at once ({@code imme}) on its RX2 parameters (RP002 EU868: 869.525 MHz,
 * DR0 = SF12BW125) through the gateway that heard its last uplink, except while the receive windows of an uplink are
 * open; confirmed items wait for the ACK until the profile's class_c_timeout (1 s here); a LoRaWAN 1.1 device leaves
 * Class C with DeviceModeInd.
 */
class ClassCDownlinkEndToEndTest {
    private static final String APPLICATION = "app-class-c";
    /** Within this of the enqueue, the Class C downlink is at the gateway (issue: Class C out within 100 ms). */
    private static final Duration CLASS_C_LATENCY = Duration.ofMillis(100);

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Air air;
    private static SimulatedGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.createApplication(server, APPLICATION);
        for (String version : List.of("1.0.4", "1.1")) {
            network.api(server, "PUT", "/api/v1/device-profiles/class-c-" + version, new JsonObject()
                    .put("region", "eu868").put("mac_version", version).put("reg_params_revision", "RP002-1.0.3")
                    .put("supports_class_c", true).put("class_c_timeout", 1), 200);
        }
        air = new Air();
        gateway = new SimulatedGateway("AA555A0000000C01", server.udpPort());
        gateway.pullData();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
    }

    private static List<Air.Reception> heard() {
        return List.of(new Air.Reception(gateway, 8, -50, 0));
    }

    /** A Class C device joined at DR3, its first uplink answered and its receive windows over. */
    private static SpecDevice classCDevice(String devEui, String version) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, version, APPLICATION, "class-c-" + version)
                .inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0C01), Site.EU868_CH0, Site.SF9, heard());
        device.acceptJoin(gateway.awaitDownlink(Site.WAIT).phy());
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {0});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard());
        device.receive(gateway.awaitDownlink(Site.WAIT).phy());
        network.awaitDownlinkPathFree(devEui);
        return device;
    }

    private static String enqueue(String devEui, int fPort, byte[] data, boolean confirmed) throws Exception {
        return network.api(server, "POST", "/api/v1/devices/" + devEui + "/queue", new JsonObject()
                .put("f_port", fPort).put("data", Base64.getEncoder().encodeToString(data))
                .put("confirmed", confirmed), 201).getString("id");
    }

    private static Predicate<JsonObject> about(String type, String devEui, String id) {
        return event(type, devEui).and(e -> id.equals(e.getString("id")));
    }

    /** RX2's parameters, sent at once. */
    private static void assertClassC(SimulatedGateway.Downlink downlink) {
        assertTrue(downlink.imme(), "sent at once");
        assertEquals(869.525, downlink.freqMhz(), 1e-9);
        assertEquals("SF12BW125", downlink.datr());
    }

    @Test
    void aClassCItemIsAtTheGatewayWithin100MsOfTheEnqueue() throws Exception {
        SpecDevice device = classCDevice("00000000000C0001", "1.0.4");
        Instant enqueued = Instant.now();
        String id = enqueue(device.devEui, 2, new byte[] {0x0C}, false);
        SimulatedGateway.Downlink downlink = gateway.awaitDownlink(Site.WAIT);
        Duration took = Duration.between(enqueued, downlink.receivedAt());
        assertTrue(took.compareTo(CLASS_C_LATENCY) <= 0, "at the gateway " + took.toMillis() + " ms after the enqueue");
        assertClassC(downlink);
        SpecDevice.Downlink down = device.read(downlink.phy(), 0);
        assertEquals(2, down.fPort());
        assertArrayEquals(new byte[] {0x0C}, down.frmPayload());
        JsonObject sent = network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT);
        assertEquals("class_c", sent.getString("window"));
        assertEquals("C", sent.getString("class"));
    }

    /** Items queued together go one after the other, in order, FPending unset (Class C needs no uplink to pull). */
    @Test
    void aClassCQueueDrainsInOrderWithoutAnUplink() throws Exception {
        SpecDevice device = classCDevice("00000000000C0002", "1.0.4");
        for (int i = 1; i <= 3; i++) {
            enqueue(device.devEui, 40 + i, new byte[] {(byte) i}, false);
        }
        for (int i = 1; i <= 3; i++) {
            SimulatedGateway.Downlink downlink = gateway.awaitDownlink(Site.WAIT);
            assertClassC(downlink);
            assertEquals(40 + i, device.read(downlink.phy(), 0).fPort());
        }
    }

    /**
     * Enqueued while an uplink's receive windows are open, the item does not go out until they have passed (RX2 ends
     * 2 s after the uplink at RX1 delay 1 s): the device listens in its Class A windows then, not on RX2 at large.
     */
    @Test
    void aClassCItemWaitsWhileAClassAWindowIsOpen() throws Exception {
        SpecDevice device = classCDevice("00000000000C0003", "1.0.4");
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        Instant uplinkSent = Instant.now();
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard());
        network.webhook().await(TestNetwork.uplink(device.devEui, up.fCnt()), Site.WAIT);
        enqueue(device.devEui, 5, new byte[] {5}, false);
        SimulatedGateway.Downlink downlink = gateway.awaitDownlink(Site.WAIT);
        assertClassC(downlink);
        assertTrue(Duration.between(uplinkSent, downlink.receivedAt()).toMillis() >= 2_000,
                "not before RX2 of the uplink has passed");
        assertEquals(5, device.read(downlink.phy(), 0).fPort());
    }

    /** A confirmed Class C item, acknowledged by the device's next uplink: downlink_ack. */
    @Test
    void aConfirmedClassCItemIsAcknowledged() throws Exception {
        SpecDevice device = classCDevice("00000000000C0004", "1.1");
        String id = enqueue(device.devEui, 6, new byte[] {6}, true);
        SimulatedGateway.Downlink downlink = gateway.awaitDownlink(Site.WAIT);
        assertClassC(downlink);
        SpecDevice.Downlink down = device.receive(downlink.phy());
        assertTrue(down.confirmed());
        SpecDevice.Uplink acking = device.uplinkNow(false, 10, new byte[] {1});
        air.transmit(acking.phy(), acking.frequencyHz(), acking.datr(), heard());
        JsonObject ack = network.webhook().await(about("downlink_ack", device.devEui, id), Site.WAIT);
        assertEquals(down.fCnt(), ack.getLong("f_cnt"));
    }

    /**
     * A confirmed Class C item never acknowledged: after class_c_timeout (1 s) it is unacknowledged and sent again
     * as a fresh frame, twice (confirmed_retries 2), then given up.
     */
    @Test
    void aConfirmedClassCItemNeverAcknowledgedTimesOutAndIsRetried() throws Exception {
        SpecDevice device = classCDevice("00000000000C0005", "1.0.4");
        String id = enqueue(device.devEui, 7, new byte[] {7}, true);
        long previous = -1;
        for (int attempt = 1; attempt <= 3; attempt++) {
            SimulatedGateway.Downlink downlink = gateway.awaitDownlink(Site.WAIT);
            assertClassC(downlink);
            SpecDevice.Downlink down = device.read(downlink.phy(), 0);
            assertTrue(down.confirmed());
            assertTrue(down.fCnt() > previous, "a fresh frame each time");
            previous = down.fCnt();
        }
        JsonObject givenUp = network.webhook().await(about("downlink_nack", device.devEui, id)
                .and(e -> !e.getBoolean("retry")), Site.WAIT);
        assertEquals("ack_timeout", givenUp.getString("reason"));
        assertEquals(3, givenUp.getInteger("attempts"));
    }

    /**
     * A LoRaWAN 1.1 device says with DeviceModeInd (CID 0x20, class 0) that it works in Class A: an item queued then
     * waits for its next uplink and goes in RX1; DeviceModeInd class 2 brings it back to Class C.
     */
    @Test
    void deviceModeIndSwitchesALoRaWan11DeviceBetweenClassesAAndC() throws Exception {
        SpecDevice device = classCDevice("00000000000C0006", "1.1");
        byte[] toClassA = device.uplink(false, 10, new byte[] {1}, new byte[] {0x20, 0x00}, 3, 0);
        air.transmit(toClassA, Site.EU868_CH0, Site.SF9, heard());
        SpecDevice.Downlink conf = device.receive(gateway.awaitDownlink(Site.WAIT).phy());
        assertArrayEquals(new byte[] {0x20, 0x00}, conf.macCommands(), "DeviceModeConf, Class A");
        network.awaitMacState(device.devEui, mac -> mac.getInteger("mode", -1) == 0);
        network.awaitDownlinkPathFree(device.devEui);

        String id = enqueue(device.devEui, 8, new byte[] {8}, false);
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {2});
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard());
        SimulatedGateway.Downlink rx1 = gateway.awaitDownlink(Site.WAIT);
        assertFalse(rx1.imme(), "the item waited for the uplink: " + rx1);
        assertEquals((sent.tmstAt(gateway) + 1_000_000L) & 0xFFFFFFFFL, rx1.tmst());
        assertEquals(8, device.receive(rx1.phy()).fPort());
        assertEquals("A", network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT)
                .getString("class"));

        byte[] toClassC = device.uplink(false, 10, new byte[] {3}, new byte[] {0x20, 0x02}, 3, 0);
        air.transmit(toClassC, Site.EU868_CH0, Site.SF9, heard());
        device.receive(gateway.awaitDownlink(Site.WAIT).phy());
        network.awaitMacState(device.devEui, mac -> mac.getInteger("mode", -1) == 2);
        network.awaitDownlinkPathFree(device.devEui);
        enqueue(device.devEui, 9, new byte[] {9}, false);
        SimulatedGateway.Downlink classC = gateway.awaitDownlink(Site.WAIT);
        assertClassC(classC);
        assertEquals(9, device.read(classC.phy(), 0).fPort());
    }
}
