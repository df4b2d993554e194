package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceClassB;
import net.lorawanns.sim.DeviceMac;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Class B MAC commands end to end in EU868 with the spec device, through a gateway with a GPS clock: the device
 * announces its ping-slot periodicity and takes the profile's ping-slot channel (LoRaWAN 1.0.4 sections 12.1 and
 * 12.3), then switches to Class B; a LoRaWAN 1.0.2 device asks for the beacon timing (1.0.2 section 14.4).
 */
class ClassBEndToEndTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String APPLICATION = "app-class-b";
    /** GPS time of the receptions the gateway reports (tmms): 10 s after the beacon of GPS second 1 448 448 000. */
    private static final long GPS_MILLIS = 1_448_448_010_000L;

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Air air;
    private static SimulatedGateway gateway;
    private static List<Air.Reception> heard;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.createApplication(server, APPLICATION);
        air = new Air();
        gateway = new SimulatedGateway("AA555A0000000B01", server.udpPort());
        gateway.pullData();
        gateway.gpsTime(GPS_MILLIS);
        heard = List.of(new Air.Reception(gateway, 6.5, -70, 0));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
    }

    private static SpecDevice joined(String devEui, String version, String profileId) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, version, APPLICATION, profileId)
                .inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0B01), Site.EU868_CH0, Site.SF9, heard);
        device.acceptJoin(gateway.awaitDownlink(Site.WAIT).phy());
        return device;
    }

    private static SpecDevice.Downlink exchange(SpecDevice device) throws Exception {
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        return device.receive(gateway.awaitDownlink(Site.WAIT).phy());
    }

    /**
     * PingSlotInfoReq (periodicity 4) is answered with PingSlotInfoAns, and the profile's ping-slot channel (869.1 MHz,
     * DR5) comes with it as PingSlotChannelReq; the device accepts both fields and answers, in Class B mode (the Class
     * B bit of FCtrl); the server keeps all of it and shows it in the device's {@code mac_state}.
     */
    @Test
    void theDeviceAnnouncesItsPeriodicityTakesTheProfilesPingSlotChannelAndSwitchesToClassB() throws Exception {
        network.api(server, "PUT", "/api/v1/device-profiles/class-b", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3").put("supports_class_b", true)
                .put("class_b_ping_slot_periodicity", 7).put("class_b_ping_slot_frequency", 869_100_000L)
                .put("class_b_ping_slot_dr", 5), 200);
        SpecDevice device = joined("00000000000B0001", "1.0.4", "class-b");
        DeviceClassB classB = device.mac.classB(4);
        device.mac.pingSlotInfoReq();
        SpecDevice.Downlink answer = exchange(device);
        // PingSlotInfoAns (10), PingSlotChannelReq (11) 869.1 MHz = 8691000 x 100 Hz = 0x849D38, DR5.
        assertTrue(HEX.formatHex(answer.macCommands()).contains("10" + "11389d8405"),
                HEX.formatHex(answer.macCommands()));
        assertTrue(classB.pingSlotInfoAcknowledged);
        assertEquals(869_100_000L, classB.pingSlotFrequencyHz);
        assertEquals(5, classB.pingSlotDataRate);

        // The answer needs no downlink: the MAC state shows the server took it.
        classB.active = true;
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {2});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        network.awaitMacState(device.devEui, m -> Boolean.TRUE.equals(m.getBoolean("cb"))
                && new JsonArray(List.of(869_100_000L, 5)).equals(m.getJsonArray("psc")));
        JsonObject mac = network.api(server, "GET", "/api/v1/devices/" + device.devEui, (JsonObject) null, 200)
                .getJsonObject("mac_state");
        assertEquals(true, mac.getBoolean("class_b"));
        assertEquals(4, mac.getInteger("ping_slot_periodicity"));
        assertEquals(869_100_000L, mac.getLong("ping_slot_frequency"));
        assertEquals(5, mac.getInteger("ping_slot_dr"));
    }

    /**
     * A device whose profile has no Class B gets no PingSlotInfoAns: the network does not serve it in Class B. The
     * LinkCheckReq beside it is answered, which shows the uplink's answer went out.
     */
    @Test
    void aDeviceWithoutAClassBProfileIsNotAnswered() throws Exception {
        SpecDevice device = joined("00000000000B0003", "1.0.4", null);
        DeviceClassB classB = device.mac.classB(4);
        device.mac.pingSlotInfoReq();
        device.mac.linkCheckReq();
        exchange(device);
        assertEquals(1, device.mac.linkChecks.size(), "LinkCheckAns");
        assertFalse(device.mac.handled.contains(0x10), "no PingSlotInfoAns");
        assertFalse(classB.pingSlotInfoAcknowledged);
    }

    /**
     * A LoRaWAN 1.0.2 device's BeaconTimingReq: the uplink ends 10 s into a beacon period (tmms); counted from RX2,
     * 2 s later (RX1 delay 1 s), the next beacon is 116 s away: Delay = floor(116 000 / 30) = 3866 (1.0.2 section
     * 14.5: 30 ms x (Delay + 1) > RTime >= 30 ms x Delay), Channel 0 (EU868's beacon does not hop).
     */
    @Test
    void aLoRaWan102DeviceLearnsTheNextBeaconFromTheGpsTimeOfItsUplink() throws Exception {
        network.api(server, "PUT", "/api/v1/device-profiles/class-b-102", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.2").put("reg_params_revision", "1.0.2rB").put("supports_class_b", true)
                .put("class_b_ping_slot_periodicity", 7), 200);
        SpecDevice device = joined("00000000000B0002", "1.0.2", "class-b-102");
        device.mac.classB(7);
        device.mac.beaconTimingReq();
        exchange(device);
        assertEquals(List.of(new DeviceMac.BeaconTiming(3866, 0)), device.mac.beaconTimings);
    }

    /**
     * A queued item goes out in one of the device's ping slots, computed by the device itself from the spec's formula
     * (1.0.4 section 11.2), through the GPS gateway that heard it ({@code txpk.tmms}), on the ping-slot channel (RP002
     * EU868: 869.525 MHz at DR3, SF9BW125), within the device's next three slots after the enqueue (periodicity 0: a
     * slot about every 0.96 s, none in the beacon guard and reserved time); the device decrypts it.
     */
    @Test
    void aQueuedItemGoesInTheDevicesNextPingSlot() throws Exception {
        network.api(server, "PUT", "/api/v1/device-profiles/class-b-queue", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3").put("supports_class_b", true)
                .put("class_b_ping_slot_periodicity", 0), 200);
        SpecDevice device = joined("00000000000B0004", "1.0.4", "class-b-queue");
        DeviceClassB classB = device.mac.classB(0);
        device.mac.pingSlotInfoReq();
        exchange(device);
        assertTrue(classB.pingSlotInfoAcknowledged);
        classB.active = true;
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {2});
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        network.awaitMacState(device.devEui, m -> Boolean.TRUE.equals(m.getBoolean("cb")));
        network.awaitDownlinkPathFree(device.devEui);

        long enqueuedGps = gpsMillisNow();
        String id = network.api(server, "POST", "/api/v1/devices/" + device.devEui + "/queue", new JsonObject()
                .put("f_port", 11).put("data", Base64.getEncoder().encodeToString(new byte[] {0x0B})), 201)
                .getString("id");
        SimulatedGateway.Downlink ping = gateway.awaitDownlink(Site.WAIT);
        DeviceClassB.Slot slot = device.nextPingSlot(ping.tmms());
        assertEquals(ping.tmms(), slot.gpsMillis(), "one of the device's own ping slots");
        // No slot opens in the beacon guard and reserved time (1.0.4 section 11.2), so "soon" counts the device's
        // slots, not milliseconds: the server needs a lead time, so its first or second, or a third under load.
        long thirdSlot = enqueuedGps;
        for (int n = 0; n < 3; n++) {
            thirdSlot = device.nextPingSlot(thirdSlot + 1).gpsMillis();
        }
        assertTrue(ping.tmms() > enqueuedGps && ping.tmms() <= thirdSlot, "one of the device's next three slots after"
                + " the enqueue: " + (ping.tmms() - enqueuedGps) + " ms after it, the third "
                + (thirdSlot - enqueuedGps) + " ms");
        assertEquals(869.525, ping.freqMhz(), 1e-9);
        assertEquals(869_525_000L, slot.frequencyHz());
        assertEquals("SF9BW125", ping.datr());
        SpecDevice.Downlink down = device.read(ping.phy(), 0);
        assertEquals(11, down.fPort());
        assertEquals(0, down.fOpts().length, "no MAC commands in a ping (1.0.4 section 9.3.1)");
        JsonObject sent = network.webhook().await(e -> "downlink_sent".equals(e.getString("type"))
                && id.equals(e.getString("id")), Site.WAIT);
        assertEquals("B", sent.getString("class"));
        assertEquals("ping_slot", sent.getString("window"));
    }

    /** GPS time now, from the clock: UTC since the GPS epoch plus the 18 leap seconds since 2017 (IERS Bulletin C). */
    private static long gpsMillisNow() {
        return Duration.between(Instant.parse("1980-01-06T00:00:00Z"), Instant.now()).toMillis() + 18_000;
    }
}
