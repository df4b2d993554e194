package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRaWAN 1.1 rejoin-requests of every type through the built-in join server, over real UDP and Redis: the
 * rejoin-accept goes out at the join-accept delay, the device (built from the specification, {@link SpecDevice})
 * opens it, and its next uplink, with RekeyInd, is delivered under the new session and answered with RekeyConf.
 */
class RejoinTest {
    private static final Duration WAIT = Site.WAIT;
    private static final long EU868_CH0 = Site.EU868_CH0;
    private static final long EU868_CH1 = 868_300_000L;
    private static final String SF9 = Site.SF9;
    private static final int TX_DR = 3;
    private static final String APP = "app-rejoin";

    @TempDir
    Path dir;
    private Site site;
    private TestNetwork network;
    private Air air;
    private Server server;
    private SimulatedGateway gateway;
    private List<Air.Reception> heard;

    @BeforeEach
    void start() throws Exception {
        site = new Site(dir, "AA555A00000000E1", APP);
        network = site.network;
        air = site.air;
        server = site.server;
        gateway = site.gateway;
        heard = site.heard;
    }

    @AfterEach
    void stop() throws Exception {
        site.close();
    }

    @Test
    void everyRejoinTypeGivesTheDeviceANewSession() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000000E0001", "1.1", APP);
        join(device, 1);
        sendInNewSession(device, "joined");
        // The operator's network settings, which types 0 and 1 send again and type 2 keeps.
        int rx1DrOffset = device.rx1DrOffset;
        int rxDelay = device.rxDelay;

        JsonObject type0 = rejoin(device, device.rejoinRequest(0));
        assertEquals(0, type0.getInteger("rejoin_type"));
        assertEquals(device.joinEui, type0.getString("join_eui"));
        assertTrue(device.cfList != null, "type 0 resets the radio settings, CFList included");
        sendInNewSession(device, "after type 0");

        JsonObject type2 = rejoin(device, device.rejoinRequest(2));
        assertEquals(2, type2.getInteger("rejoin_type"));
        assertNull(device.cfList, "type 2 keeps the radio settings: no CFList");
        assertEquals(rx1DrOffset, device.rx1DrOffset);
        assertEquals(rxDelay, device.rxDelay);
        sendInNewSession(device, "after type 2");

        JsonObject type1 = rejoin(device, device.rejoinRequest1());
        assertEquals(1, type1.getInteger("rejoin_type"));
        sendInNewSession(device, "after type 1");
        assertEquals(3, network.webhook().all().stream().filter(e -> "rejoin".equals(e.getString("type"))).count());
        for (int type : new int[] {0, 1, 2}) {
            assertEquals(1.0, network.metric(server, "lorawan_rejoin_requests_total{result=\"accepted\",type=\""
                    + type + "\"}"), "type " + type);
        }
    }

    @Test
    void replayedRejoinCountsAreRefused() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000000E0002", "1.1", APP);
        join(device, 1);
        sendInNewSession(device, "joined");

        byte[] type0 = device.rejoinRequest(0);
        air.transmit(type0, EU868_CH0, SF9, heard);
        gateway.awaitDownlink(WAIT);
        network.webhook().await(event("rejoin", device.devEui), WAIT);
        // The same frame on another channel is another transmission: RJcount0 0 again, refused by us.
        air.transmit(type0, EU868_CH1, SF9, heard);
        JsonObject replay0 = network.webhook().await(event("error", device.devEui)
                .and(e -> e.getInteger("rejoin_type", -1) == 0), WAIT);
        assertEquals("join_rejected", replay0.getString("error"), replay0.encode());
        assertTrue(replay0.getString("description").contains("RJcount0 0 is not greater"), replay0.encode());
        assertEquals(1.0, network.metric(server,
                "lorawan_rejoin_requests_total{result=\"rj_count_replay\",type=\"0\"}"));

        byte[] type1 = device.rejoinRequest1();
        air.transmit(type1, EU868_CH0, SF9, heard);
        gateway.awaitDownlink(WAIT);
        network.webhook().await(event("rejoin", device.devEui).and(e -> e.getInteger("rejoin_type") == 1), WAIT);
        air.transmit(device.rejoinRequest1(0), EU868_CH1, SF9, heard);
        JsonObject replay1 = network.webhook().await(event("error", device.devEui)
                .and(e -> e.getInteger("rejoin_type", -1) == 1), WAIT);
        assertEquals("join_rejected", replay1.getString("error"), replay1.encode());
        assertEquals("JoinReqFailed", replay1.getString("result"), "the join server refuses RJcount1");
        assertTrue(replay1.getString("description").contains("RJcount1 0 is not greater"), replay1.encode());
    }

    @Test
    void aRejoinRequestSignedWithAnotherKeyIsAMicFailure() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000000E0003", "1.1", APP);
        join(device, 1);
        sendInNewSession(device, "joined");
        byte[] forged = device.rejoinRequest(2);
        forged[forged.length - 1] ^= 0x01;
        EventCollector operator = network.followStream(server);
        air.transmit(forged, EU868_CH0, SF9, heard);
        JsonObject failed = operator.await(e -> "mic_failed".equals(e.getString("error"))
                && device.devEui.equals(e.getString("dev_eui")), WAIT);
        assertEquals(2, failed.getInteger("rejoin_type"));
        // The session is untouched: the device goes on with it, and a genuine rejoin still works.
        sendInNewSession(device, "still the joined session");
        rejoin(device, device.rejoinRequest(2));
    }

    /** The operator asks for a rejoin through the API; the device hears ForceRejoinReq and sends type 2. */
    @Test
    void aForceRejoinReqWhoseAnswerWasNotSentGoesWithTheNextFrame() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000000E0006", "1.1", APP);
        join(device, 1);
        sendInNewSession(device, "joined");
        // No body at all: rejoin_type 2, the default.
        assertEquals(2, network.api(server, "POST", "/api/v1/devices/" + device.devEui + "/force-rejoin", null, 200)
                .getInteger("rejoin_type"));
        // The gateway refuses the answer in RX1 and again in RX2: the request did not reach the device.
        gateway.refuseNextDownlink("COLLISION_PACKET");
        gateway.refuseNextDownlink("COLLISION_PACKET");
        long fCnt = device.fCntUp;
        air.transmit(device.uplink(false, 10, new byte[] {1}, new byte[0], TX_DR, 0), EU868_CH0, SF9, heard);
        gateway.awaitDownlink(WAIT);
        gateway.awaitDownlink(WAIT);
        network.webhook().await(TestNetwork.uplink(device.devEui, fCnt), WAIT);

        fCnt = device.fCntUp;
        air.transmit(device.uplink(false, 10, new byte[] {2}, new byte[0], TX_DR, 0), EU868_CH0, SF9, heard);
        byte[] fOpts = device.read(gateway.awaitDownlink(WAIT).phy(), fCnt).fOpts();
        assertEquals(0x0E, fOpts[0], "the ForceRejoinReq goes with the answer to the next frame");
    }

    @Test
    void aForceRejoinReqFromTheOperatorMakesTheDeviceRejoin() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000000E0004", "1.1", APP);
        String path = "/api/v1/devices/" + device.devEui + "/force-rejoin";
        network.api(server, "POST", path, new JsonObject(), 409);
        join(device, 1);
        sendInNewSession(device, "joined");
        network.api(server, "POST", path, new JsonObject().put("rejoin_type", 1), 400);
        SpecDevice abp = network.abpDevice(server, "00000000000E0005", "26000E05", APP);
        network.api(server, "POST", "/api/v1/devices/" + abp.devEui + "/force-rejoin", new JsonObject(), 409);
        assertEquals(2, network.api(server, "POST", path, new JsonObject().put("rejoin_type", 2), 200)
                .getInteger("rejoin_type"));

        long fCnt = device.fCntUp;
        air.transmit(device.uplink(false, 10, new byte[] {1}, new byte[0], TX_DR, 0), EU868_CH0, SF9, heard);
        byte[] fOpts = device.read(gateway.awaitDownlink(WAIT).phy(), fCnt).fOpts();
        // LoRaWAN 1.1 section 5.13: CID 0x0E, then Period[13:11] Max_Retries[10:8] RejoinType[6:4] DR[3:0].
        assertEquals(3, fOpts.length);
        assertEquals(0x0E, fOpts[0]);
        int payload = (fOpts[1] & 0xFF) | (fOpts[2] & 0xFF) << 8;
        assertEquals(2, (payload >>> 4) & 0x07, "RejoinType");
        assertEquals(TX_DR, payload & 0x0F, "DR of the uplink");

        rejoin(device, device.rejoinRequest((payload >>> 4) & 0x07));
        sendInNewSession(device, "after the forced rejoin");
        // Sent once: the answer to the next confirmed uplink carries only its ACK.
        fCnt = device.fCntUp;
        air.transmit(device.uplink(true, 10, new byte[] {2}, new byte[0], TX_DR, 0), EU868_CH0, SF9, heard);
        SpecDevice.Downlink ack = device.read(gateway.awaitDownlink(WAIT).phy(), fCnt);
        assertTrue(ack.ack());
        assertEquals(0, ack.fOpts().length);
    }

    private void join(SpecDevice device, int devNonce) throws Exception {
        site.join(device, devNonce);
    }

    /** Sends a rejoin-request and opens its rejoin-accept; the {@code rejoin} event. */
    private JsonObject rejoin(SpecDevice device, byte[] request) throws Exception {
        String before = device.devAddr();
        Site.Rejoined rejoined = site.rejoin(device, request);
        assertEquals((rejoined.sent().tmstAt(gateway) + 5_000_000) & 0xFFFFFFFFL, rejoined.accept().tmst(),
                "RX1 at tmst + 5 s");
        assertNotEquals(before, device.devAddr(), "a rejoin gives a new DevAddr");
        assertEquals("rx1", rejoined.event().getJsonObject("downlink").getString("window"));
        return rejoined.event();
    }

    /** The device's next uplink, with RekeyInd (LoRaWAN 1.1 section 5.10), under the keys it holds now. */
    private void sendInNewSession(SpecDevice device, String text) throws Exception {
        long fCnt = device.fCntUp;
        byte[] payload = text.getBytes();
        Air.Sent data = air.transmit(device.uplink(false, 10, payload, new byte[] {0x0B, 0x01}, TX_DR, 0), EU868_CH0,
                SF9, heard);
        JsonObject up = network.webhook().await(e -> "uplink".equals(e.getString("type"))
                && device.devEui.equals(e.getString("dev_eui")) && device.devAddr().equals(e.getString("dev_addr"))
                && e.getLong("f_cnt") == fCnt, WAIT);
        assertArrayEquals(payload, Base64.getDecoder().decode(up.getString("data")));
        SimulatedGateway.Downlink conf = gateway.awaitDownlink(WAIT);
        assertEquals((data.tmstAt(gateway) + 1_000_000) & 0xFFFFFFFFL, conf.tmst());
        assertArrayEquals(new byte[] {0x0B, 0x01}, device.read(conf.phy(), fCnt).fOpts(), "RekeyConf");
    }
}
