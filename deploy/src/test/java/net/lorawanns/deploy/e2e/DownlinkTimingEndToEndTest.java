package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class A downlink timing end to end in EU868: a gateway on a slow (cellular) backhaul, whose round trip the server
 * measures and then plans with, and a gateway whose duty cycle (ETSI EN 300 220: 1 % in 868.0-868.6 MHz, where RX1
 * of channel 0 is; 10 % in 869.4-869.65 MHz, where RX2 is) is used up.
 */
class DownlinkTimingEndToEndTest {
    private static final String APPLICATION = "app-timing";
    /** LinkCheckReq (CID 0x02) in FOpts: the server answers it in the uplink's receive windows. */
    private static final byte[] LINK_CHECK_REQ = {0x02};
    private static final Duration CELLULAR_ONE_WAY = Duration.ofMillis(450);
    private static final long MINUTE_MILLIS = 60_000;

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Air air;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.createApplication(server, APPLICATION);
        air = new Air();
    }

    @AfterAll
    static void stop() throws Exception {
        air.close();
        network.close();
    }

    /**
     * 450 ms each way: a frame's PUSH_DATA arrives 450 ms after the uplink ended, so RX1 (1 s after that end) opens
     * 550 ms after the server hears of it, and a PULL_RESP needs 450 ms to get there: RX1 is out of reach once the
     * deduplication window (200 ms) has passed. The join-accept (RX1 5 s after the join-request) goes through in
     * time, and its TX_ACK, 900 ms after its PULL_RESP left, teaches the server the round trip; the answer to the
     * next uplink then goes straight to RX2, which it reaches in time, and RX1 is not even tried.
     */
    @Test
    void aGatewayOnASlowBackhaulIsMeasuredAndAnsweredInTheWindowItCanStillMake() throws Exception {
        try (SimulatedGateway cellular = new SimulatedGateway("AA555A0000000E01", server.udpPort())) {
            cellular.pullData();
            cellular.backhaul(CELLULAR_ONE_WAY);
            List<Air.Reception> heard = List.of(new Air.Reception(cellular, 5, -90, 7_000_000));
            SpecDevice device = network.otaaDevice(server, "00000000000E1001", "1.0.4", APPLICATION)
                    .inRegion(DeviceRegion.EU868, 3);
            Air.Sent join = air.transmit(device.joinRequest(1), Site.EU868_CH0, Site.SF9, heard);
            SimulatedGateway.Downlink accept = cellular.awaitDownlink(Site.WAIT);
            assertEquals((join.tmstAt(cellular) + 5_000_000L) & 0xFFFFFFFFL, accept.tmst(), "RX1 at tmst + 5 s");
            device.acceptJoin(accept.phy());
            // The join event carries the TX_ACK's outcome: by then the round trip was measured.
            JsonObject joined = network.webhook().await(event("join", device.devEui), Site.WAIT);
            assertEquals("SENT", joined.getJsonObject("downlink").getString("status"));

            double tooLateBefore = network.metric(server, "lorawan_downlink_refused_total{reason=\"too_late\"");
            byte[] phy = device.uplink(false, 10, new byte[] {1}, LINK_CHECK_REQ, 3, 0);
            Air.Sent data = air.transmit(phy, Site.EU868_CH0, Site.SF9, heard);
            SimulatedGateway.Downlink answer = cellular.awaitDownlink(Site.WAIT);
            assertEquals((data.tmstAt(cellular) + 2_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX2 at tmst + 2 s");
            assertEquals(869.525, answer.freqMhz(), 1e-6);
            assertEquals("SF12BW125", answer.datr());
            Instant rx2 = data.receivedAt(cellular).plusSeconds(2);
            assertTrue(answer.receivedAt().isBefore(rx2.minusMillis(40)), "reached the gateway "
                    + Duration.between(answer.receivedAt(), rx2).toMillis() + " ms before RX2; it needs 40 ms");
            device.receive(answer.phy());
            assertEquals(1, device.mac.linkChecks.size(), "the LinkCheckAns arrived");
            assertEquals(List.of(), cellular.refusals(), "no PULL_RESP came too late: RX1 was not tried");
            assertEquals(tooLateBefore + 1, network.metric(server,
                    "lorawan_downlink_refused_total{reason=\"too_late\""), "RX1 was given up by the server");
            assertTrue(network.metric(server, "lorawan_gateway_udp_tx_ack_round_trip_seconds_count") >= 1);
        }
    }

    /**
     * The gateway's hour in 868.0-868.6 MHz is used up (36 s, 1 % of an hour, as another instance could have left
     * it in Redis): the answer goes in RX2 (869.525 MHz). Once 869.4-869.65 MHz is used up too (360 s), the next
     * answer is not sent at all; the uplink itself is still delivered.
     */
    @Test
    void aGatewayWhoseDutyCycleIsUsedUpAnswersInTheOtherWindowOrNotAtAll() throws Exception {
        try (SimulatedGateway gateway = new SimulatedGateway("AA555A0000000E02", server.udpPort())) {
            gateway.pullData();
            List<Air.Reception> heard = List.of(new Air.Reception(gateway, 8, -70, 0));
            SpecDevice device = network.abpDevice(server, "00000000000E1002", "26E01002", APPLICATION);
            useUp(gateway, 868_000_000L, 36_000_000L);

            Air.Sent first = air.transmit(device.uplink(false, 10, new byte[] {1}, LINK_CHECK_REQ, 3, 0),
                    Site.EU868_CH0, Site.SF9, heard);
            SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
            assertEquals((first.tmstAt(gateway) + 2_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX2 at tmst + 2 s");
            assertEquals(869.525, answer.freqMhz(), 1e-6);
            device.receive(answer.phy());
            assertEquals(1, device.mac.linkChecks.size());
            assertEquals(1, network.metric(server, "lorawan_downlink_refused_total{reason=\"duty_cycle\""));

            useUp(gateway, 869_400_000L, 360_000_000L);
            long fCnt = device.fCntUp;
            air.transmit(device.uplink(false, 10, new byte[] {2}, LINK_CHECK_REQ, 3, 0), Site.EU868_CH0, Site.SF9,
                    heard);
            network.webhook().await(TestNetwork.uplink(device.devEui, fCnt), Site.WAIT);
            network.awaitMetric(server, "lorawan_downlink_refused_total{reason=\"duty_cycle\"", 3);
            assertEquals(1, network.metric(server, "lorawan_downlink_class_a_total{window=\"none\""));
            assertNull(gateway.pollDownlink(Duration.ofMillis(100)), "neither window was sent");
        }
    }

    /** Fills the gateway's count in a sub-band for the current minute, as the server's Lua script keeps it. */
    private static void useUp(SimulatedGateway gateway, long subBandFromHz, long micros) throws Exception {
        // README, "Keys in Redis": gateway:{EUI}:airtime:<the sub-band's lowest frequency>, minute -> microseconds.
        String key = network.keyPrefix() + "lorawan:gateway:{" + gateway.eui + "}:airtime:" + subBandFromHz;
        network.redis(Request.cmd(Command.HSET).arg(key).arg(System.currentTimeMillis() / MINUTE_MILLIS).arg(micros));
        network.redis(Request.cmd(Command.PEXPIRE).arg(key).arg(62 * MINUTE_MILLIS));
    }
}
