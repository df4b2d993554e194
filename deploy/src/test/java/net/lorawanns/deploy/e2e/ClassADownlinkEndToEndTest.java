package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceCrypto;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application downlinks through the queue, Class A, end to end over UDP with the spec device, in EU868 and US915
 * (sub-band 2): the application enqueues through the API, the device's next uplink opens the receive windows, and
 * the expected windows are RP002's (EU868: RX1 on the uplink's channel at its data rate, RX2 869.525 MHz DR0; US915:
 * RX1 on 923.3 MHz + 600 kHz x (channel mod 8) at DR10 for an uplink at DR0). Two instances serve the network, each
 * with a gateway that hears every frame, so that either may answer; each item goes out once.
 */
class ClassADownlinkEndToEndTest {
    private static final String APPLICATION = "app-queue";
    private static final String EU_GATEWAY = "AA555A0000000F01";
    private static final String US_GATEWAY = "AA555A0000000F02";
    private static final String SECOND_EU_GATEWAY = "AA555A0000000F03";

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Server second;
    private static Air air;
    private static SimulatedGateway eu;
    private static SimulatedGateway us;
    private static SimulatedGateway secondEu;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        network.networkLines = "region = \"eu868\"\nenabled_regions = [\"eu868\", \"us915\"]";
        String gateways = """

                [[regions]]
                id = "us915"
                sub_bands = [2]
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "us915"
                """.formatted(US_GATEWAY);
        server = network.startInstance(gateways);
        second = network.startInstance(gateways);
        network.createApplication(server, APPLICATION);
        network.api(server, "PUT", "/api/v1/device-profiles/us915-11", new JsonObject().put("region", "us915")
                .put("mac_version", "1.1").put("reg_params_revision", "RP002-1.0.3"), 200);
        air = new Air();
        eu = new SimulatedGateway(EU_GATEWAY, server.udpPort());
        us = new SimulatedGateway(US_GATEWAY, server.udpPort());
        secondEu = new SimulatedGateway(SECOND_EU_GATEWAY, second.udpPort());
        for (SimulatedGateway gateway : List.of(eu, us, secondEu)) {
            gateway.pullData();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (SimulatedGateway gateway : List.of(eu, us, secondEu)) {
            gateway.close();
        }
        air.close();
        network.close();
    }

    /** An EU868 LoRaWAN 1.0.4 device joined at DR3 (SF9) through the first server's gateway. */
    private static SpecDevice euDevice(String devEui) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, "1.0.4", APPLICATION).inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0101), Site.EU868_CH0, Site.SF9, List.of(euHeard()));
        device.acceptJoin(eu.awaitDownlink(Site.WAIT).phy());
        return device;
    }

    private static Air.Reception euHeard() {
        return new Air.Reception(eu, 7, -60, 0);
    }

    /** A US915 sub-band 2 LoRaWAN 1.1 device joined on channel 8 at DR0. */
    private static SpecDevice usDevice(String devEui) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, "1.1", APPLICATION, "us915-11")
                .inRegion(DeviceRegion.US915, 0);
        air.transmit(device.joinRequest(0x0201), 903_900_000L, "SF10BW125", usHeard());
        device.acceptJoin(us.awaitDownlink(Site.WAIT).phy());
        device.mac.state.pinChannel(8);
        return device;
    }

    private static List<Air.Reception> usHeard() {
        return List.of(new Air.Reception(us, 9, -70, 3_000_000));
    }

    /** Enqueues through the API; returns the item's id. */
    private static String enqueue(String devEui, int fPort, byte[] data, boolean confirmed) throws Exception {
        return enqueue(devEui, new JsonObject().put("f_port", fPort)
                .put("data", Base64.getEncoder().encodeToString(data)).put("confirmed", confirmed));
    }

    private static String enqueue(String devEui, JsonObject body) throws Exception {
        return network.api(server, "POST", "/api/v1/devices/" + devEui + "/queue", body, 201).getString("id");
    }

    private static Predicate<JsonObject> about(String type, String devEui, String id) {
        return event(type, devEui).and(e -> id.equals(e.getString("id")));
    }

    /**
     * A confirmed uplink after the join: its answer (the ACK, with the new session's MAC commands if any) is read,
     * so that the device starts the test with nothing pending.
     */
    private static void settle(SpecDevice device, SimulatedGateway gateway, List<Air.Reception> heard)
            throws Exception {
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {0});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        device.receive(SimulatedGateway.awaitAny(List.of(gateway, secondEu), Site.WAIT).downlink().phy());
    }

    @Test
    void anEnqueuedItemGoesInRx1OfTheNextUplinkAtRp002sFrequencyAndDataRate() throws Exception {
        SpecDevice device = euDevice("00000000000F0001");
        String id = enqueue(device.devEui, 5, "hello".getBytes(StandardCharsets.US_ASCII), false);
        network.webhook().await(about("downlink_queued", device.devEui, id), Site.WAIT);

        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
        SimulatedGateway.Downlink answer = eu.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(eu) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX1: 1 s after the uplink");
        assertEquals(up.frequencyHz() / 1e6, answer.freqMhz(), 1e-9, "EU868 RX1: the uplink's channel");
        assertEquals(up.datr(), answer.datr(), "EU868 RX1 at RX1DROffset 0: the uplink's data rate");
        SpecDevice.Downlink down = device.receive(answer.phy());
        assertEquals(5, down.fPort());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), down.frmPayload());
        assertFalse(down.confirmed());
        JsonObject event = network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT);
        assertEquals("rx1", event.getString("window"));
        assertEquals(EU_GATEWAY, event.getString("gateway_id"));
        assertEquals(down.fCnt(), event.getLong("f_cnt"));
    }

    /**
     * US915 sub-band 2, a LoRaWAN 1.1 device on channel 8 (903.9 MHz) at DR0: RX1 on 923.3 MHz + 600 kHz x (8 mod 8)
     * at DR10 (SF10BW500), RP002-1.0.3 section 2.5.7; the payload counted by AFCntDown, which starts at 0 while
     * NFCntDown counted the MAC-only answers before it.
     */
    @Test
    void aUs915ItemGoesOnRp002sRx1ChannelAndCountsByAFCntDown() throws Exception {
        SpecDevice device = usDevice("00000000000F0002");
        String id = enqueue(device.devEui, 7, new byte[] {1, 2, 3}, false);
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), usHeard());
        SimulatedGateway.Downlink answer = us.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(us) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst());
        assertEquals(923.3, answer.freqMhz(), 1e-9);
        assertEquals("SF10BW500", answer.datr());
        SpecDevice.Downlink down = device.receive(answer.phy());
        assertEquals(7, down.fPort());
        assertArrayEquals(new byte[] {1, 2, 3}, down.frmPayload());
        assertEquals(0, down.fCnt(), "the session's first application downlink: AFCntDown 0");
        network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT);
    }

    /** The gateway refuses RX1 (TX_ACK TOO_LATE): the same frame goes in RX2, 869.525 MHz DR0 (RP002 EU868). */
    @Test
    void anItemRefusedInRx1GoesInRx2() throws Exception {
        SpecDevice device = euDevice("00000000000F0003");
        settle(device, eu, List.of(euHeard()));
        String id = enqueue(device.devEui, 9, new byte[] {9, 9}, false);
        eu.refuseNextDownlink("TOO_LATE");
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
        SimulatedGateway.Downlink rx1 = eu.awaitDownlink(Site.WAIT);
        SimulatedGateway.Downlink rx2 = eu.awaitDownlink(Site.WAIT);
        assertArrayEquals(rx1.phy(), rx2.phy(), "the same frame");
        assertEquals((sent.tmstAt(eu) + 2_000_000L) & 0xFFFFFFFFL, rx2.tmst(), "RX2: 2 s after the uplink");
        assertEquals(869.525, rx2.freqMhz(), 1e-9);
        assertEquals("SF12BW125", rx2.datr());
        assertArrayEquals(new byte[] {9, 9}, device.receive(rx2.phy()).frmPayload());
        JsonObject event = network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT);
        assertEquals("rx2", event.getString("window"));
    }

    /** Items go in order, one per uplink, with FPending while more wait (LoRaWAN 1.0.4 section 4.3.1.7). */
    @Test
    void itemsGoInOrderWithFPendingWhileMoreWait() throws Exception {
        SpecDevice device = euDevice("00000000000F0004");
        settle(device, eu, List.of(euHeard()));
        for (int i = 1; i <= 3; i++) {
            enqueue(device.devEui, 20 + i, new byte[] {(byte) i}, false);
        }
        for (int i = 1; i <= 3; i++) {
            SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
            byte[] phy = eu.awaitDownlink(Site.WAIT).phy();
            SpecDevice.Downlink down = device.receive(phy);
            assertEquals(20 + i, down.fPort());
            assertEquals(i < 3, (phy[5] & 0x10) != 0, "FPending on item " + i);
        }
    }

    /**
     * EU868 DR0 carries at most 51 bytes, DR3 115 (RP002-1.0.3 table 2-7); the RX1 DR3 limit and RX2 DR0 apply. The
     * RX1 data rate comes from the settling uplink's MAC state, which the server stores just after its answer goes out.
     */
    @Test
    void anItemLargerThanTheDevicesWindowsCarryIsRefusedNamingTheLimit() throws Exception {
        SpecDevice device = euDevice("00000000000F0005");
        settle(device, eu, List.of(euHeard()));
        network.awaitMacState(device.devEui, m -> Integer.valueOf(3).equals(m.getInteger("dr")));
        JsonObject error = network.api(server, "POST", "/api/v1/devices/" + device.devEui + "/queue",
                new JsonObject().put("f_port", 1).put("data", Base64.getEncoder().encodeToString(new byte[116])), 400);
        assertTrue(error.encode().contains("at most 115 bytes at DR3 in RX1 / 51 bytes at DR0 in RX2"),
                "the limit is named: " + error.encode());
    }

    /**
     * A confirmed item on a LoRaWAN 1.1 device: the device's next uplink carries ACK, its MIC covering ConfFCnt
     * (section 4.4), and the application hears downlink_ack.
     */
    @Test
    void aConfirmedItemIsAcknowledgedByTheNextUplink() throws Exception {
        SpecDevice device = usDevice("00000000000F0006");
        String id = enqueue(device.devEui, 3, new byte[] {3}, true);
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), usHeard());
        SpecDevice.Downlink down = device.receive(us.awaitDownlink(Site.WAIT).phy());
        assertTrue(down.confirmed());
        SpecDevice.Uplink acking = device.uplinkNow(false, 10, new byte[] {2});
        air.transmit(acking.phy(), acking.frequencyHz(), acking.datr(), usHeard());
        JsonObject ack = network.webhook().await(about("downlink_ack", device.devEui, id), Site.WAIT);
        assertEquals(down.fCnt(), ack.getLong("f_cnt"));
        network.webhook().await(TestNetwork.uplink(device.devEui, acking.fCnt()), Site.WAIT);
    }

    /**
     * A confirmed item the device never acknowledges: each uplink without ACK is a downlink_nack, the item goes out
     * again as a fresh frame (a new FCnt) while confirmed_retries (2 by default) allows, then it is given up.
     */
    @Test
    void aConfirmedItemNeverAcknowledgedIsRetriedThenGivenUp() throws Exception {
        SpecDevice device = euDevice("00000000000F0007");
        settle(device, eu, List.of(euHeard()));
        String id = enqueue(device.devEui, 4, new byte[] {4}, true);
        List<Long> fCnts = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
            SpecDevice.Downlink down = device.read(eu.awaitDownlink(Site.WAIT).phy(), up.fCnt());
            assertTrue(down.confirmed());
            assertArrayEquals(new byte[] {4}, down.frmPayload());
            fCnts.add(down.fCnt());
        }
        assertEquals(3, fCnts.stream().distinct().count(), "a fresh frame each time: " + fCnts);
        SpecDevice.Uplink last = device.uplinkNow(false, 10, new byte[] {1});
        air.transmit(last.phy(), last.frequencyHz(), last.datr(), List.of(euHeard()));
        JsonObject givenUp = network.webhook().await(about("downlink_nack", device.devEui, id)
                .and(e -> !e.getBoolean("retry")), Site.WAIT);
        assertEquals(3, givenUp.getInteger("attempts"));
        long nacks = network.webhook().all().stream().filter(about("downlink_nack", device.devEui, id)).count();
        assertEquals(3, nacks);
    }

    /** A confirmed uplink with nothing queued gets an ACK and nothing else to carry. */
    @Test
    void aConfirmedUplinkIsAcknowledged() throws Exception {
        SpecDevice device = euDevice("00000000000F0008");
        settle(device, eu, List.of(euHeard()));
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {1});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
        SpecDevice.Downlink down = device.receive(eu.awaitDownlink(Site.WAIT).phy());
        assertTrue(down.ack());
        assertEquals(-1, down.fPort());
    }

    /**
     * Each answer takes the next downlink counter, with no gap (TR007 section 4.12): the ACKs of confirmed uplinks,
     * whose counter their counter step takes, then a confirmed item, and the same item sent again with the ACK of a
     * confirmed uplink that did not acknowledge it (its step leaves the counter to the item).
     */
    @Test
    void eachAnswerTakesTheNextDownlinkCounter() throws Exception {
        SpecDevice device = euDevice("00000000000F000B");
        List<Long> fCnts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {(byte) i});
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
            SpecDevice.Downlink down = device.receive(eu.awaitDownlink(Site.WAIT).phy());
            assertTrue(down.ack());
            fCnts.add(down.fCnt());
        }
        enqueue(device.devEui, 4, new byte[] {4}, true);
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {3});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
        SpecDevice.Downlink item = device.read(eu.awaitDownlink(Site.WAIT).phy(), up.fCnt());
        assertTrue(item.confirmed());
        fCnts.add(item.fCnt());
        SpecDevice.Uplink notAcking = device.uplinkNow(true, 10, new byte[] {4});
        air.transmit(notAcking.phy(), notAcking.frequencyHz(), notAcking.datr(), List.of(euHeard()));
        SpecDevice.Downlink again = device.read(eu.awaitDownlink(Site.WAIT).phy(), notAcking.fCnt());
        assertTrue(again.ack());
        assertTrue(again.confirmed());
        assertArrayEquals(new byte[] {4}, again.frmPayload());
        fCnts.add(again.fCnt());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), fCnts);
    }

    /**
     * The application encrypts the payload with the AppSKey itself (LoRaWAN 1.0.4 section 4.3.3, with the FCntDown
     * it chose): the frame carries exactly those bytes, with that counter, and the device decrypts them.
     */
    @Test
    void anApplicationEncryptedPayloadGoesOutUntouched() throws Exception {
        SpecDevice device = euDevice("00000000000F0009");
        settle(device, eu, List.of(euHeard()));
        long fCnt = 40;
        byte[] clear = "secret".getBytes(StandardCharsets.US_ASCII);
        byte[] encrypted = DeviceCrypto.cipherStream(device.appSKey, 1, device.devAddrLe, fCnt, clear, 0);
        String id = enqueue(device.devEui, new JsonObject().put("f_port", 8).put("encrypted", true)
                .put("f_cnt", fCnt).put("data", Base64.getEncoder().encodeToString(encrypted)));
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(euHeard()));
        byte[] phy = eu.awaitDownlink(Site.WAIT).phy();
        byte[] frmPayload = java.util.Arrays.copyOfRange(phy, phy.length - 4 - encrypted.length, phy.length - 4);
        assertArrayEquals(encrypted, frmPayload, "the application's bytes, untouched");
        SpecDevice.Downlink down = device.receive(phy);
        assertEquals(fCnt, down.fCnt());
        assertArrayEquals(clear, down.frmPayload());
        network.webhook().await(about("downlink_sent", device.devEui, id), Site.WAIT);
    }

    /**
     * Two instances, each with a gateway that hears the device: whichever instance takes each frame, the queue they
     * share gives each item once, in order. A last, confirmed uplink gets its ACK without an item: its answer, after
     * every earlier one had its time, proves that no copy of an item went out twice.
     */
    @Test
    void twoInstancesSharingTheQueueSendEachItemOnce() throws Exception {
        SpecDevice device = euDevice("00000000000F000A");
        List<Air.Reception> both = List.of(euHeard(), new Air.Reception(secondEu, 7, -60, 1_000_000));
        settle(device, eu, both);
        for (int i = 1; i <= 3; i++) {
            enqueue(device.devEui, 30 + i, new byte[] {(byte) i}, false);
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), both);
            SimulatedGateway.Downlink answer = SimulatedGateway.awaitAny(List.of(eu, secondEu), Site.WAIT).downlink();
            ports.add(device.receive(answer.phy()).fPort());
        }
        assertEquals(List.of(31, 32, 33), ports);
        SpecDevice.Uplink last = device.uplinkNow(true, 10, new byte[] {1});
        air.transmit(last.phy(), last.frequencyHz(), last.datr(), both);
        SpecDevice.Downlink ack = device.receive(SimulatedGateway.awaitAny(List.of(eu, secondEu), Site.WAIT)
                .downlink().phy());
        assertTrue(ack.ack());
        assertEquals(-1, ack.fPort(), "the queue is empty");
        assertEquals(null, eu.pollDownlink(Duration.ZERO), "no second copy of anything");
        assertEquals(null, secondEu.pollDownlink(Duration.ZERO), "no second copy of anything");
    }
}
