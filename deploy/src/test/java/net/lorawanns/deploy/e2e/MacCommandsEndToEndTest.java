package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceMac;
import net.lorawanns.sim.DeviceMacState;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MAC commands a device sends and the ones the network sends it, end to end in EU868 with the spec device: two
 * gateways hear each frame (SNR 6.5 dB and -2 dB at SF9, whose demodulation floor is -12.5 dB), the first with a
 * GPS clock. A second server of the network tells its devices an RX2 frequency and data rate other than RP002's and
 * answers in RX2 only.
 */
class MacCommandsEndToEndTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String APPLICATION = "app-mac";
    /** GPS time of the receptions the GPS gateway reports (tmms): 1 400 000 000 s and 625 ms = 160/256 s. */
    private static final long GPS_MILLIS = 1_400_000_000_625L;
    /** The second server's RX2 (RP002 EU868: 869.525 MHz, DR0). */
    private static final long RX2_HZ = 869_400_000L;
    private static final int RX2_DR = 3;

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Server rx2Server;
    private static Air air;
    private static SimulatedGateway gps;
    private static SimulatedGateway other;
    private static SimulatedGateway rx2Gateway;
    private static List<Air.Reception> heard;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.createApplication(server, APPLICATION);
        network.networkLines = "rx_window = \"rx2_only\"";
        rx2Server = network.startInstance("""

                [[regions]]
                id = "eu868"
                rx2_frequency = %d
                rx2_dr = %d
                """.formatted(RX2_HZ, RX2_DR));
        air = new Air();
        gps = new SimulatedGateway("AA555A0000000D01", server.udpPort());
        other = new SimulatedGateway("AA555A0000000D02", server.udpPort());
        rx2Gateway = new SimulatedGateway("AA555A0000000D03", rx2Server.udpPort());
        for (SimulatedGateway gateway : List.of(gps, other, rx2Gateway)) {
            gateway.pullData();
        }
        gps.gpsTime(GPS_MILLIS);
        heard = List.of(new Air.Reception(gps, 6.5, -70, 5_000_000), new Air.Reception(other, -2, -110, 0));
    }

    @AfterAll
    static void stop() throws Exception {
        for (SimulatedGateway gateway : List.of(gps, other, rx2Gateway)) {
            gateway.close();
        }
        air.close();
        network.close();
    }

    /** An EU868 LoRaWAN 1.0.4 device joined at DR3 (SF9) through both gateways, its profile {@code profileId}. */
    private static SpecDevice joined(String devEui, String profileId) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, "1.0.4", APPLICATION, profileId)
                .inRegion(DeviceRegion.EU868, 3);
        air.transmit(device.joinRequest(0x0401), Site.EU868_CH0, Site.SF9, heard);
        device.acceptJoin(gps.awaitDownlink(Site.WAIT).phy());
        return device;
    }

    /** Sends {@code up} through both gateways; returns the answer, which the best one (the GPS one) sends. */
    private static SimulatedGateway.Downlink exchange(SpecDevice.Uplink up) throws Exception {
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        SimulatedGateway.Downlink answer = gps.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(gps) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst(), "the answer to this uplink, RX1");
        return answer;
    }

    /**
     * LinkCheckAns: margin = best SNR 6.5 dB - SF9's floor -12.5 dB = 19 dB, GwCnt 2; DeviceTimeAns: the GPS
     * gateway's tmms exactly, 1 400 000 000 s and 160/256 s (LoRaWAN 1.0.4 sections 5.2 and 5.9).
     */
    @Test
    void linkCheckAnsCountsBothGatewaysAndDeviceTimeAnsIsTheGatewaysGpsTime() throws Exception {
        SpecDevice device = joined("00000000000D0001", null);
        device.mac.linkCheckReq();
        device.mac.deviceTimeReq();
        device.receive(exchange(device.uplinkNow(false, 10, new byte[] {1})).phy());
        assertEquals(List.of(new DeviceMac.LinkCheck(19, 2)), device.mac.linkChecks);
        assertEquals(List.of(new DeviceMac.DeviceTime(1_400_000_000L, 160)), device.mac.deviceTimes);
    }

    /**
     * FOpts 02 7F 0D: LinkCheckReq, then CID 0x7F, which no LoRaWAN version defines, then DeviceTimeReq. Reading stops
     * at the unknown CID, its length unknown (TS001 section 5), keeping the command before it: the answer carries
     * LinkCheckAns only.
     */
    @Test
    void anUnknownCidEndsTheCommandsButTheOnesBeforeItAreAnswered() throws Exception {
        SpecDevice device = joined("00000000000D0002", null);
        byte[] phy = device.uplink(false, 10, new byte[] {2}, new byte[] {0x02, 0x7F, 0x0D}, 3, 0);
        Air.Sent sent = air.transmit(phy, Site.EU868_CH0, Site.SF9, heard);
        SimulatedGateway.Downlink answer = gps.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(gps) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst());
        SpecDevice.Downlink down = device.receive(answer.phy());
        assertArrayEquals(new byte[] {0x02, 19, 2}, down.macCommands(), "LinkCheckAns (margin 19 dB, GwCnt 2) only");
        assertEquals(List.of(), device.mac.deviceTimes);
    }

    /**
     * A device past ADR_ACK_LIMIT uplinks without a downlink sets ADRACKReq; the network must answer within
     * ADR_ACK_DELAY uplinks (TS001 1.0.4 section 4.3.1.1): it answers this very uplink, with no other reason to.
     */
    @Test
    void adrAckReqIsAnsweredAtOnce() throws Exception {
        SpecDevice device = joined("00000000000D0003", null);
        device.mac.state.adrAckCnt = DeviceMacState.ADR_ACK_LIMIT;
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {3});
        assertTrue(up.adrAckReq());
        SpecDevice.Downlink down = device.receive(exchange(up).phy());
        assertFalse(down.ack());
        assertEquals(0, device.mac.state.adrAckCnt, "the downlink reset ADR_ACK_CNT");
        assertFalse(device.uplinkNow(false, 10, new byte[] {4}).adrAckReq());
    }

    /**
     * A profile with {@code dev_status_interval} 2 s: the first uplink's answer carries DevStatusReq; the DevStatusAns
     * (battery 200 of 254, margin -5 dB, a 6-bit signed field) becomes a {@code status} event and is kept in the MAC
     * state; the next answers carry none until 2 s after the first request.
     */
    @Test
    void devStatusReqFollowsTheProfilesScheduleAndTheAnswerIsStored() throws Exception {
        network.api(server, "PUT", "/api/v1/device-profiles/status-every-2s", new JsonObject()
                .put("region", "eu868").put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3")
                .put("dev_status_interval", 2), 200);
        SpecDevice device = joined("00000000000D0004", "status-every-2s");
        device.mac.battery = 200;
        device.mac.margin = -5;
        Instant firstSent = Instant.now();
        device.receive(exchange(device.uplinkNow(true, 10, new byte[] {5})).phy());
        assertEquals(1, statusRequests(device), "DevStatusReq in the first answer");

        device.receive(exchange(device.uplinkNow(true, 10, new byte[] {6})).phy());
        JsonObject status = network.webhook().await(event("status", device.devEui), Site.WAIT);
        // Battery 200 of 1-254: 200 / 254 = 78.7 %.
        assertEquals(78.7, status.getDouble("battery_level"), 1e-9);
        assertEquals(-5, status.getInteger("margin"));
        // The MAC state is stored after the answer went out.
        network.awaitMacState(device.devEui, m -> m.getJsonArray("st") != null
                && m.getJsonArray("st").getList().subList(0, 2).equals(List.of(200, -5)));
        assertEquals(1, statusRequests(device), "no DevStatusReq in the second answer");

        SimulatedGateway.Downlink second;
        int uplinks = 0;
        do {
            assertTrue(++uplinks < 40, "no second DevStatusReq");
            second = exchange(device.uplinkNow(true, 10, new byte[] {7}));
            device.receive(second.phy());
        } while (statusRequests(device) == 1);
        Duration between = Duration.between(firstSent, second.receivedAt());
        assertTrue(between.toMillis() >= 2_000, "the second DevStatusReq came " + between + " after the first");
    }

    private static long statusRequests(SpecDevice device) {
        return device.mac.handled.stream().filter(cid -> cid == 0x06).count();
    }

    /**
     * A LoRaWAN 1.0.3 ABP device has EU868's three default channels only (no join-accept, no CFList); the network runs
     * five more (867.1 to 867.9 MHz as channels 3 to 7). Five NewChannelReq (30 octets) do not fit in FOpts' 15: they
     * go as the FRMPayload of FPort 0 (TS001 1.0.4 section 4.3.1.6); the device takes them and acknowledges each, after
     * which the network asks nothing more and its MAC state has the eight channels.
     */
    @Test
    void newChannelReqsThatDoNotFitInFOptsGoOnFPort0() throws Exception {
        SpecDevice device = network.abpDevice(server, "00000000000D0006", "26000D06", APPLICATION)
                .inRegion(DeviceRegion.EU868, 3);
        device.mac.state.pinChannel(0);
        SpecDevice.Downlink down = device.receive(exchange(device.uplinkNow(true, 10, new byte[] {10})).phy());
        assertEquals(0, down.fPort(), "MAC commands as FRMPayload");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), device.mac.state.enabledChannels());
        for (int channel = 3; channel <= 7; channel++) {
            assertEquals(867_100_000L + (channel - 3) * 200_000L, device.mac.state.channel(channel).frequencyHz());
        }
        assertEquals(5, device.mac.handled.stream().filter(cid -> cid == 0x07).count());

        device.mac.state.pinChannel(-1);
        for (int i = 0; i < 2; i++) {
            assertTrue(device.receive(exchange(device.uplinkNow(true, 10, new byte[] {11})).phy()).ack());
        }
        assertEquals(5, device.mac.handled.stream().filter(cid -> cid == 0x07).count(), "no NewChannelReq again");
        List<Integer> eight = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        network.awaitMacState(device.devEui, m -> m.getJsonArray("ch").getList().equals(eight)
                && m.getJsonObject("xch").getMap().size() == 5);
    }

    /**
     * An ABP device with relax_fcnt that restarts (its counter back at 0) is back on its three default channels, as
     * after its first power-up: the counter step takes the frame as a reset, and the network gives it its five extra
     * channels again instead of believing it still has them.
     */
    @Test
    void aDeviceThatRestartsIsGivenItsChannelsAgain() throws Exception {
        SpecDevice device = network.abpDevice(server, "00000000000D0009", "26000D09", APPLICATION)
                .inRegion(DeviceRegion.EU868, 3);
        network.api(server, "PUT", "/api/v1/devices/" + device.devEui, new JsonObject()
                .put("application_id", APPLICATION).put("mac_version", "1.0.3").put("relax_fcnt", true)
                .put("abp", new JsonObject().put("dev_addr", "26000D09")
                        .put("nwk_s_key", HEX.formatHex(device.fNwkSIntKey))
                        .put("app_s_key", HEX.formatHex(device.appSKey))), 200);
        device.mac.state.pinChannel(0);
        for (int i = 0; i < 3; i++) {
            device.receive(exchange(device.uplinkNow(true, 10, new byte[] {15})).phy());
        }
        assertEquals(5, device.mac.handled.stream().filter(cid -> cid == 0x07).count(), "the channels, once");

        SpecDevice restarted = new SpecDevice(device.devEui, null, "1.0.3", null, null, 0)
                .inRegion(DeviceRegion.EU868, 3);
        restarted.activate("26000D09", device.fNwkSIntKey, device.appSKey);
        restarted.mac.state.pinChannel(0);
        SpecDevice.Downlink down = restarted.receive(exchange(restarted.uplinkNow(true, 10, new byte[] {16})).phy());
        assertEquals(0, down.fPort(), "the five NewChannelReq again, on FPort 0");
        assertEquals(5, restarted.mac.handled.stream().filter(cid -> cid == 0x07).count());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), restarted.mac.state.enabledChannels());
    }

    /**
     * The same requests for a device that misses the answers carrying them (it does not open them; the test reads
     * what the network sent): each of the next answers repeats the five NewChannelReq, three in all
     * ({@code MacState.MAX_ATTEMPTS}); the fourth carries none: they are given up for the session.
     */
    @Test
    void requestsInMissedAnswersAreSentAgainThreeTimesInAll() throws Exception {
        SpecDevice device = network.abpDevice(server, "00000000000D0008", "26000D08", APPLICATION)
                .inRegion(DeviceRegion.EU868, 3);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {14});
            sent.add(device.read(exchange(up).phy(), up.fCnt()).macCommands());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(30, sent.get(i).length, "answer " + (i + 1) + ": five NewChannelReq");
            assertEquals(0x07, sent.get(i)[0]);
        }
        assertArrayEquals(new byte[0], sent.get(3), "given up after three answers");
    }

    /**
     * An ABP device starts with a 1 s RX1 delay; its profile says 3 s: the first answer, in RX1 1 s after the uplink,
     * carries RXTimingSetupReq; once the device acknowledged it (RXTimingSetupAns, TS001 1.0.4 section 5.7) the answers
     * come 3 s after the uplink, where the device now listens.
     */
    @Test
    void rxTimingSetupReqMovesRx1ToTheProfilesDelay() throws Exception {
        SpecDevice device = rxTimingSetupDone("00000000000D0007", "26000D07", 3);

        for (int i = 0; i < 2; i++) {
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {13});
            assertEquals(3, up.rx1().delaySeconds());
            Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
            SimulatedGateway.Downlink answer = gps.awaitDownlink(Site.WAIT);
            assertEquals((sent.tmstAt(gps) + 3_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX1 3 s after the uplink");
            assertTrue(device.receive(answer.phy()).ack());
        }
        assertEquals(1, device.mac.handled.stream().filter(cid -> cid == 0x08).count(), "RXTimingSetupReq once");
        network.awaitMacState(device.devEui, m -> m.getInteger("rx1d") == 3);
    }

    /**
     * The server that moved a device's RX1 delay to 2 s is not the only one to hold its downlink path for it: the
     * second server, which never had a frame of the device before, answers in RX2 3 s after the uplink (RECEIVE_DELAY2
     * = RECEIVE_DELAY1 + 1 s, LoRaWAN 1.0.4 section 3.3) and keeps Class B and C downlinks off the path until RX2's
     * largest frame is over. That frame, at the device's RX2 DR0 (SF12, 125 kHz): RP002's 51-byte FRMPayload, a
     * 64-byte PHYPayload; by the SX1276 datasheet's formula (CR 4/5, 8-symbol preamble, explicit header, no CRC on a
     * downlink, low data rate optimisation) 12.25 preamble symbols and 8 + ceil((512 - 48 + 28) / 40) * 5 = 73 payload
     * symbols of 32.768 ms: 2,793.5 ms.
     */
    @Test
    void anotherServerHoldsTheDownlinkPathUntilTheMovedRx2IsOver() throws Exception {
        SpecDevice device = rxTimingSetupDone("00000000000D0009", "26000D09", 2);
        SpecDevice.Uplink acknowledging = device.uplinkNow(true, 10, new byte[] {16});
        Air.Sent sent = air.transmit(acknowledging.phy(), acknowledging.frequencyHz(), acknowledging.datr(), heard);
        SimulatedGateway.Downlink answer = gps.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(gps) + 2_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX1 2 s after the uplink");
        assertTrue(device.receive(answer.phy()).ack());
        network.awaitMacState(device.devEui, m -> m.getInteger("rx1d") == 2);

        SpecDevice.Uplink elsewhere = device.uplinkNow(true, 10, new byte[] {17});
        sent = air.transmit(elsewhere.phy(), elsewhere.frequencyHz(), elsewhere.datr(),
                List.of(new Air.Reception(rx2Gateway, 6.5, -70, 0)));
        SimulatedGateway.Downlink inRx2 = rx2Gateway.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(rx2Gateway) + 3_000_000L) & 0xFFFFFFFFL, inRx2.tmst(), "RX2 3 s after the uplink");
        assertEquals("SF12BW125", inRx2.datr());
        assertTrue(device.receive(inRx2.phy()).ack());
        // README, "Downlinks": the session records the span of the last uplink's receive windows (lw, in ms).
        long held = network.redis(Request.cmd(Command.HGET)
                .arg(network.keyPrefix() + "lorawan:device:{" + device.devEui + "}:session").arg("lw")).toLong();
        assertTrue(held >= 3_000 + 2_793, "the path is held " + held + " ms after the uplink");
    }

    /**
     * An ABP device whose profile has an RX1 delay of {@code seconds}, after its first confirmed uplink: the answer, in
     * RX1 1 s after the uplink, carried RXTimingSetupReq, which the device applied.
     */
    private static SpecDevice rxTimingSetupDone(String devEui, String devAddr, int seconds) throws Exception {
        String profile = "rx1-after-" + seconds + "s";
        network.api(server, "PUT", "/api/v1/device-profiles/" + profile, new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.3").put("reg_params_revision", "RP002-1.0.3").put("rx1_delay", seconds), 200);
        SpecDevice device = network.abpDevice(server, devEui, devAddr, APPLICATION, profile)
                .inRegion(DeviceRegion.EU868, 3);
        device.receive(exchange(device.uplinkNow(true, 10, new byte[] {12})).phy());
        assertEquals(seconds, device.mac.state.rx1Delay, "RXTimingSetupReq applied");
        return device;
    }

    /**
     * With RX2 configured as 869.4 MHz DR3: the join-accept tells DR3 (DLSettings; it has no field for the
     * frequency), so the first answer goes on RP002's 869.525 MHz at DR3, where the device listens, and carries
     * RXParamSetupReq; once the device acknowledged it, its RX2 downlinks are on 869.4 MHz at DR3 (SF9), 2 s after
     * the uplink.
     */
    @Test
    void rxParamSetupReqTellsTheDeviceTheConfiguredRx2AndLaterDownlinksUseIt() throws Exception {
        List<Air.Reception> rx2Heard = List.of(new Air.Reception(rx2Gateway, 6.5, -70, 0));
        SpecDevice device = network.otaaDevice(rx2Server, "00000000000D0005", "1.0.4", APPLICATION)
                .inRegion(DeviceRegion.EU868, 3);
        Air.Sent join = air.transmit(device.joinRequest(0x0405), Site.EU868_CH0, Site.SF9, rx2Heard);
        SimulatedGateway.Downlink accept = rx2Gateway.awaitDownlink(Site.WAIT);
        // JOIN_ACCEPT_DELAY2 with the device's default RX2: 869.525 MHz, DR0.
        assertEquals((join.tmstAt(rx2Gateway) + 6_000_000L) & 0xFFFFFFFFL, accept.tmst());
        assertEquals(869.525, accept.freqMhz(), 1e-6);
        assertEquals("SF12BW125", accept.datr());
        device.acceptJoin(accept.phy());
        assertEquals(RX2_DR, device.mac.state.rx2Dr, "the join-accept's DLSettings");

        SpecDevice.Uplink first = device.uplinkNow(true, 10, new byte[] {8});
        Air.Sent sent = air.transmit(first.phy(), first.frequencyHz(), first.datr(), rx2Heard);
        SimulatedGateway.Downlink answer = rx2Gateway.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(rx2Gateway) + 2_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX2");
        assertEquals(first.rx2().frequencyHz() / 1e6, answer.freqMhz(), 1e-6);
        assertEquals(869.525, answer.freqMhz(), 1e-6);
        assertEquals("SF9BW125", answer.datr());
        device.receive(answer.phy());
        assertEquals(RX2_HZ, device.mac.state.rx2FrequencyHz, "RXParamSetupReq applied");

        // Unconfirmed, but it repeats RXParamSetupAns, which only a downlink ends (LoRaWAN 1.0.4 section 5.4): the
        // answer comes for that alone.
        SpecDevice.Uplink second = device.uplinkNow(false, 10, new byte[] {9});
        sent = air.transmit(second.phy(), second.frequencyHz(), second.datr(), rx2Heard);
        answer = rx2Gateway.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(rx2Gateway) + 2_000_000L) & 0xFFFFFFFFL, answer.tmst(), "RX2");
        assertEquals(second.rx2().frequencyHz() / 1e6, answer.freqMhz(), 1e-6);
        assertEquals(869.4, answer.freqMhz(), 1e-6);
        assertEquals("SF9BW125", answer.datr());
        assertFalse(device.receive(answer.phy()).ack());
        assertEquals(1, device.mac.handled.stream().filter(cid -> cid == 0x05).count(), "RXParamSetupReq sent once");
        network.awaitMacState(device.devEui, m -> m.getLong("rx2f") == RX2_HZ && m.getInteger("rx2dr") == RX2_DR);
    }
}
