package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances sharing Redis, each with its gateway: what one instance's gateway shows of itself (PULL_DATA, a
 * PUSH_DATA with {@code stat}) is in the other's gateway list, online until the offline timeout (1 s here) passes
 * without a PULL_DATA; and a device's state after a join and an uplink heard by both gateways, read on the instance
 * that did not answer the join, holds its DevAddr, counters, DevNonce and the gateways' signal, and no key.
 */
class ResourcesEndToEndTest {
    private static final String APPLICATION = "app-resources";
    private static final String NEAR = "AA555A00000E2E01";
    private static final String FAR = "AA555A00000E2E02";

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server first;
    private static Server second;
    private static Air air;
    private static SimulatedGateway near;
    private static SimulatedGateway far;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        // The two gateways' copies of one uplink reach different instances: on a busy machine the second one's copy
        // may take longer than the usual 200 ms to join the cluster-wide window, and a late copy is not counted.
        network.deduplicationDelay = "1s";
        first = network.startInstance("offline_timeout = \"1s\"", "");
        second = network.startInstance("offline_timeout = \"1s\"", "");
        network.createApplication(first, APPLICATION);
        air = new Air();
        near = new SimulatedGateway(NEAR, first.udpPort());
        far = new SimulatedGateway(FAR, second.udpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        near.close();
        far.close();
        air.close();
        network.close();
    }

    @Test
    void aGatewaysPullAndStatusReachTheOtherInstancesListUntilItFallsSilent() throws Exception {
        String gateway = "AA555A00000E2E03";
        JsonObject location = new JsonObject().put("latitude", 52.3676).put("longitude", 4.9041).put("altitude", 12.5);
        network.api(first, "PUT", "/api/v1/gateways/" + gateway, new JsonObject().put("region", "eu868")
                .put("location", location), 200);
        JsonObject before = network.gateway(second, gateway, g -> true);
        assertEquals(location, before.getJsonObject("location"));
        assertEquals("eu868", before.getString("region"));
        assertFalse(before.getBoolean("online"));
        assertNull(before.getValue("last_seen"));
        assertNull(before.getValue("last_stats"));

        try (SimulatedGateway pulling = new SimulatedGateway(gateway, first.udpPort())) {
            Instant pulled = Instant.now();
            // As a packet forwarder keeps its downlink path open: the first instance records the status of a
            // registered gateway only, and may hear of the registration just after a first PULL_DATA.
            pulling.keepPulling(Duration.ofMillis(100));
            JsonObject online = network.gateway(second, gateway, g -> g.getBoolean("online"));
            pulling.stopPulling();
            assertFalse(Instant.parse(online.getString("last_seen")).isBefore(pulled.minusSeconds(1)),
                    online.encode());

            // PROTOCOL.TXT section 4's example status, with its time as the forwarder writes it.
            pulling.status("{\"time\":\"2026-11-30 01:02:03 GMT\",\"lati\":52.36760,\"long\":4.90410,\"alti\":12,"
                    + "\"rxnb\":7,\"rxok\":6,\"rxfw\":5,\"ackr\":100.0,\"dwnb\":2,\"txnb\":1}");
            JsonObject stats = network.gateway(second, gateway, g -> g.getValue("last_stats") != null)
                    .getJsonObject("last_stats");
            assertEquals(new JsonObject().put("time", "2026-11-30T01:02:03Z").put("rxnb", 7).put("rxok", 6)
                    .put("rxfw", 5).put("ackr", 100.0).put("dwnb", 2).put("txnb", 1), stats);

            // No PULL_DATA for longer than offline_timeout: offline on every instance, last seen and stats kept.
            JsonObject offline = network.gateway(second, gateway, g -> !g.getBoolean("online"));
            assertEquals(stats, offline.getJsonObject("last_stats"));
            assertTrue(offline.getValue("last_seen") instanceof String);
        }
    }

    @Test
    void aDevicesStateAfterAJoinAndAnUplinkHoldsItsSessionAndSignalButNoKey() throws Exception {
        near.pullData();
        far.pullData();
        SpecDevice device = network.otaaDevice(first, "00000000000E2E01", "1.0.4", APPLICATION)
                .inRegion(DeviceRegion.EU868, 3);
        JsonObject unjoined = network.api(second, "GET", "/api/v1/devices/" + device.devEui + "/state", null, 200);
        assertEquals(new JsonObject().put("dev_eui", device.devEui).put("activated", false).putNull("session")
                .putNull("last_dev_nonce").putNull("last_join_nonce").putNull("last_seen")
                .put("gateways", new JsonArray()), unjoined);

        air.transmit(device.joinRequest(0x2E01), Site.EU868_CH0, Site.SF9, List.of(new Air.Reception(near, 7, -60, 0)));
        device.acceptJoin(SimulatedGateway.awaitAny(List.of(near, far), Site.WAIT).downlink().phy());
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {1, 2, 3});
        Instant sent = Instant.now();
        air.transmit(up.phy(), up.frequencyHz(), up.datr(), List.of(new Air.Reception(near, 7, -60, 0),
                new Air.Reception(far, -4, -113, 0)));
        JsonObject state = awaitState(second, device.devEui, s -> s.getValue("last_seen") != null
                && s.getJsonArray("gateways").size() == 2);

        assertTrue(state.getBoolean("activated"));
        JsonObject session = state.getJsonObject("session");
        assertEquals(device.devAddr(), session.getString("dev_addr"));
        assertEquals("1.0.4", session.getString("mac_version"));
        assertEquals(up.fCnt(), session.getLong("f_cnt_up"));
        assertTrue(session.getValue("n_f_cnt_down") instanceof Number, session.encode());
        assertEquals(0, session.getLong("a_f_cnt_down"), "LoRaWAN 1.0 counts its downlinks in NFCntDown only");
        assertEquals(0x2E01, state.getInteger("last_dev_nonce"));
        assertEquals(device.joinNonce(), state.getInteger("last_join_nonce"), "the JoinNonce the device accepted");
        assertFalse(Instant.parse(state.getString("last_seen")).isBefore(sent.minusSeconds(1)));
        assertEquals(new JsonArray().add(new JsonObject().put("gateway_id", NEAR).put("rssi", -60).put("snr", 7.0))
                .add(new JsonObject().put("gateway_id", FAR).put("rssi", -113).put("snr", -4.0)),
                state.getJsonArray("gateways"), "best first, with the signal each gateway reported");

        String answer = state.encode();
        for (byte[] key : List.of(device.appKey, device.fNwkSIntKey, device.sNwkSIntKey, device.nwkSEncKey,
                device.appSKey)) {
            assertFalse(answer.toUpperCase().contains(HexFormat.of().withUpperCase().formatHex(key)), answer);
            assertFalse(answer.contains(Base64.getEncoder().encodeToString(key)), answer);
        }
    }

    /** The gateway as {@code server}'s paginated list shows it, once {@code wanted} holds (within 10 s). */
    private static JsonObject awaitState(Server server, String devEui, Predicate<JsonObject> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonObject state = null;
        while (System.nanoTime() < deadline) {
            state = network.api(server, "GET", "/api/v1/devices/" + devEui + "/state", null, 200);
            if (wanted.test(state)) {
                return state;
            }
        }
        throw new AssertionError("state of " + devEui + " not as expected within 10 s: " + state);
    }
}
