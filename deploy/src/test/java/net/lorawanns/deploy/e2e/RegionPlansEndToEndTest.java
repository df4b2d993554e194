package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One server serving EU868, US915 and AU915 on sub-band 2, AS923-1 with three extra channels, and CN470 on sub-band 1
 * at once, each gateway assigned to its region in the configuration; a second one serving US915 on sub-band 1
 * beside EU868, through a gateway registered for US915 by the API. Spec devices join in each region: the channels
 * the join-accept's CFList leaves them with, the join-accept's RX1 channel and data rate, and the answer to a
 * confirmed uplink in the RX1 window the device computes from its own RP002 tables. Expected values are RP002's.
 */
class RegionPlansEndToEndTest {
    private static final String EU = "AA555A0000000E01";
    private static final String US = "AA555A0000000E02";
    private static final String AU = "AA555A0000000E03";
    private static final String AS = "AA555A0000000E04";
    private static final String CN = "AA555A0000000E05";
    /** Registered for US915 through the API, served by the second server, whose default region is EU868. */
    private static final String US_SUB_BAND_1 = "AA555A0000000E06";
    private static final String APPLICATION = "app-regions";

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Server subBand1Server;
    private static Air air;
    private static Map<String, SimulatedGateway> gateways;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        network.networkLines = "region = \"eu868\"\nenabled_regions = [\"eu868\", \"us915\", \"au915\", \"as923-1\", "
                + "\"cn470\"]";
        server = network.startInstance("""

                [[regions]]
                id = "as923-1"
                extra_channels = [{ frequency = 923600000 }, { frequency = 923800000 }, { frequency = 924000000 }]
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "us915"
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "au915"
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "as923-1"
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "cn470"
                """.formatted(US, AU, AS, CN));
        network.createApplication(server, APPLICATION);
        // A device's region is its profile's (the network's default region without one). CN470's 96-channel plan is
        // that of RP002-1.0.0 to 1.0.2; the others follow RP002-1.0.3.
        for (String region : List.of("us915", "au915", "as923-1", "cn470")) {
            network.api(server, "PUT", "/api/v1/device-profiles/" + region, new JsonObject().put("region", region)
                    .put("mac_version", "1.0.4").put("reg_params_revision",
                            region.equals("cn470") ? "RP002-1.0.2" : "RP002-1.0.3"), 200);
        }
        network.api(server, "PUT", "/api/v1/gateways/" + US_SUB_BAND_1, new JsonObject().put("region", "us915"), 200);
        // The second server reads the registered gateways before it starts serving.
        network.networkLines = "region = \"eu868\"\nenabled_regions = [\"eu868\", \"us915\"]";
        subBand1Server = network.startInstance("""

                [[regions]]
                id = "us915"
                sub_bands = [1]
                """);
        air = new Air();
        gateways = Map.of(EU, gateway(EU, server), US, gateway(US, server), AU, gateway(AU, server),
                AS, gateway(AS, server), CN, gateway(CN, server), US_SUB_BAND_1, gateway(US_SUB_BAND_1,
                        subBand1Server));
    }

    private static SimulatedGateway gateway(String eui, Server to) throws Exception {
        SimulatedGateway gateway = new SimulatedGateway(eui, to.udpPort());
        gateway.pullData();
        return gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        for (SimulatedGateway gateway : gateways.values()) {
            gateway.close();
        }
        air.close();
        network.close();
    }

    /**
     * Per region: the gateway, the device's tables, the join-request's channel and data rate, and from RP002 the
     * join-accept's RX1 frequency and data rate and the channels the device has after the join-accept.
     */
    static Stream<Arguments> plans() {
        return Stream.of(
                // EU868: RX1 on the uplink channel at the uplink's DR5 (offset 0); CFList type 0 adds 867.1 to
                // 867.9 MHz as channels 3 to 7.
                Arguments.of("eu868", EU, DeviceRegion.EU868, 0, 5, 868_100_000L, "SF7BW125",
                        List.of(0, 1, 2, 3, 4, 5, 6, 7)),
                // US915 sub-band 2: channel 8 (903.9 MHz) DR0 answers on 923.3 MHz + 600 kHz x (8 mod 8) at DR10;
                // CFList type 1 masks leave 125 kHz channels 8-15 and 500 kHz channel 65.
                Arguments.of("us915 sub-band 2", US, DeviceRegion.US915, 8, 0, 923_300_000L, "SF10BW500",
                        List.of(8, 9, 10, 11, 12, 13, 14, 15, 65)),
                // US915 sub-band 1: channel 3 (902.9 MHz) DR0 answers on 923.3 + 0.6 x 3 = 925.1 MHz at DR10;
                // channels 0-7 and 64.
                Arguments.of("us915 sub-band 1", US_SUB_BAND_1, DeviceRegion.US915, 3, 0, 925_100_000L, "SF10BW500",
                        List.of(0, 1, 2, 3, 4, 5, 6, 7, 64)),
                // AU915 sub-band 2: channel 9 (917.0 MHz) DR2 (within the 400 ms dwell time) answers on 923.3 +
                // 0.6 x 1 = 923.9 MHz at DR8 + 2 = DR10; channels 8-15 and 65.
                Arguments.of("au915", AU, DeviceRegion.AU915, 9, 2, 923_900_000L, "SF10BW500",
                        List.of(8, 9, 10, 11, 12, 13, 14, 15, 65)),
                // AS923-1: RX1 on the uplink channel (923.4 MHz) at the uplink's DR2; CFList type 0 adds the three
                // extra channels as channels 2 to 4.
                Arguments.of("as923-1", AS, DeviceRegion.AS923_1, 1, 2, 923_400_000L, "SF10BW125",
                        List.of(0, 1, 2, 3, 4)),
                // CN470 sub-band 1: channel 3 (470.9 MHz) DR0 answers on 500.3 MHz + 200 kHz x (3 mod 48) =
                // 500.9 MHz at DR0; CFList type 1 leaves channels 0-7.
                Arguments.of("cn470", CN, DeviceRegion.CN470, 3, 0, 500_900_000L, "SF12BW125",
                        List.of(0, 1, 2, 3, 4, 5, 6, 7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void theJoinAcceptGivesTheRegionsChannelsAndTheAnswerComesWhereTheDeviceListens(
            String plan, String gatewayEui, DeviceRegion region, int joinChannel, int joinDr, long acceptHz,
            String acceptDatr, List<Integer> channels) throws Exception {
        SimulatedGateway gateway = gateways.get(gatewayEui);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
        SpecDevice device = network.otaaDevice(server, devEui(gatewayEui), "1.0.4", APPLICATION,
                region == DeviceRegion.EU868 ? null : regionId(plan)).inRegion(region, joinDr);
        Air.Sent join = air.transmit(device.joinRequest(0x0301),
                region.defaultChannels.get(joinChannel).frequencyHz(), region.datr(joinDr), heard);
        SimulatedGateway.Downlink accept = gateway.awaitDownlink(Site.WAIT);
        assertEquals((join.tmstAt(gateway) + 5_000_000) & 0xFFFFFFFFL, accept.tmst(), "JOIN_ACCEPT_DELAY1");
        assertEquals(acceptHz / 1e6, accept.freqMhz(), 1e-6, plan + " join-accept RX1 frequency");
        assertEquals(acceptDatr, accept.datr(), plan + " join-accept RX1 data rate");
        device.acceptJoin(accept.phy());
        assertEquals(channels, device.mac.state.enabledChannels(), plan + ": the channels the CFList leaves");

        // DR3 is an uplink data rate of every one of these regions' 125 kHz channels.
        device.mac.state.dataRate = 3;
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {3});
        assertTrue(channels.contains(up.channel()));
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(gateway) + up.rx1().delaySeconds() * 1_000_000L) & 0xFFFFFFFFL, answer.tmst());
        assertEquals(up.rx1().frequencyHz() / 1e6, answer.freqMhz(), 1e-6, plan + " RX1 frequency");
        assertEquals(up.rx1().datr(), answer.datr(), plan + " RX1 data rate");
        assertTrue(device.receive(answer.phy()).ack(), "confirmed uplink acknowledged");
        JsonObject event = network.webhook().await(uplink(device.devEui, 0), Site.WAIT);
        assertEquals(up.frequencyHz(), event.getLong("frequency"));
        assertEquals(3, event.getInteger("dr"));
    }

    /**
     * Per region: a profile's RX1DROffset, the uplink data rate, and the RX1 data rate of the answer by RP002's table
     * (EU868 DR5 - 2; US915 DR3 + 10 - 3; AU915 DR5 + 8 - 5; AS923 offset 7 raises DR3 by 2; CN470 DR5 - 5).
     */
    static Stream<Arguments> offsets() {
        return Stream.of(
                Arguments.of("eu868", EU, DeviceRegion.EU868, 0, 2, 5, "SF9BW125"),
                Arguments.of("us915", US, DeviceRegion.US915, 8, 3, 3, "SF10BW500"),
                Arguments.of("au915", AU, DeviceRegion.AU915, 8, 5, 5, "SF12BW500"),
                Arguments.of("as923-1", AS, DeviceRegion.AS923_1, 0, 7, 3, "SF7BW125"),
                Arguments.of("cn470", CN, DeviceRegion.CN470, 0, 5, 5, "SF12BW125"));
    }

    /**
     * A profile's RX1DROffset reaches the device in the join-accept's DLSettings (the join-accept itself answers at
     * offset 0), and the answers to its uplinks come at the RX1 data rate the device computes from it.
     */
    @ParameterizedTest(name = "{0} offset {4}")
    @MethodSource("offsets")
    void theAnswerComesAtTheRx1DataRateOfTheProfilesOffset(String regionId, String gatewayEui, DeviceRegion region,
            int joinChannel, int offset, int uplinkDr, String rx1Datr) throws Exception {
        String profile = regionId + "-offset";
        network.api(server, "PUT", "/api/v1/device-profiles/" + profile, new JsonObject().put("region", regionId)
                .put("mac_version", "1.0.4").put("rx1_dr_offset", offset).put("reg_params_revision",
                        regionId.equals("cn470") ? "RP002-1.0.2" : "RP002-1.0.3"), 200);
        SimulatedGateway gateway = gateways.get(gatewayEui);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
        SpecDevice device = network.otaaDevice(server, "00000000000E1" + gatewayEui.substring(13), "1.0.4",
                APPLICATION, profile).inRegion(region, 2);
        air.transmit(device.joinRequest(0x0303), region.defaultChannels.get(joinChannel).frequencyHz(),
                region.datr(2), heard);
        SimulatedGateway.Downlink accept = gateway.awaitDownlink(Site.WAIT);
        assertEquals(region.datr(region.rx1Dr(2, 0, false)), accept.datr(), "the join-accept at offset 0");
        device.acceptJoin(accept.phy());
        assertEquals(offset, device.rx1DrOffset, "DLSettings");

        device.mac.state.dataRate = uplinkDr;
        SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {4});
        Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
        assertEquals((sent.tmstAt(gateway) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst());
        assertEquals(rx1Datr, up.rx1().datr(), "the device's own table");
        assertEquals(rx1Datr, answer.datr());
        assertEquals(up.rx1().frequencyHz() / 1e6, answer.freqMhz(), 1e-6);
        assertTrue(device.receive(answer.phy()).ack());
    }

    /**
     * Where RP002 has TxParamSetupReq (AS923, AU915), a profile whose max_eirp is below the region's default is told
     * to the device: the MaxEIRP code of the largest table value not above it (TS001 1.0.4 section 5.12: 14 dBm is
     * code 4, 20 dBm code 7); the device takes it and acknowledges, and is not asked again.
     */
    @ParameterizedTest(name = "{0} max_eirp {4}")
    @CsvSource({"as923-1, AA555A0000000E04, 1, 2, 14, 4", "au915, AA555A0000000E03, 8, 2, 20, 7"})
    void aLowerMaxEirpIsToldWithTxParamSetupReq(String regionId, String gatewayEui, int joinChannel, int joinDr,
            int maxEirp, int maxEirpCode) throws Exception {
        DeviceRegion region = regionId.equals("au915") ? DeviceRegion.AU915 : DeviceRegion.AS923_1;
        String profile = regionId + "-eirp";
        network.api(server, "PUT", "/api/v1/device-profiles/" + profile, new JsonObject().put("region", regionId)
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3").put("max_eirp", maxEirp), 200);
        SimulatedGateway gateway = gateways.get(gatewayEui);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
        SpecDevice device = network.otaaDevice(server, "00000000000E2" + gatewayEui.substring(13), "1.0.4",
                APPLICATION, profile).inRegion(region, joinDr);
        air.transmit(device.joinRequest(0x0304), region.defaultChannels.get(joinChannel).frequencyHz(),
                region.datr(joinDr), heard);
        device.acceptJoin(gateway.awaitDownlink(Site.WAIT).phy());
        device.mac.state.dataRate = 3;
        for (int i = 0; i < 3; i++) {
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {5});
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
            SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
            assertEquals(up.rx1().datr(), answer.datr());
            assertTrue(device.receive(answer.phy()).ack());
        }
        assertEquals(maxEirp, device.mac.state.maxEirpDbm);
        assertEquals(1, device.mac.handled.stream().filter(cid -> cid == 0x09).count(), "TxParamSetupReq once");
        network.awaitMacState(device.devEui, m -> m.getJsonArray("txpar") != null
                && m.getJsonArray("txpar").getInteger(2) == maxEirpCode);
    }

    /**
     * A US915 sub-band 2 device's frame heard by the US915 gateway on 902.3 MHz (channel 0, sub-band 1, not enabled
     * here) is counted and dropped on arrival: neither its deduplication lock nor its frame counter is taken, so the
     * same frame on an enabled channel right after is delivered.
     */
    @Test
    void aCopyOnAChannelTheGatewaysRegionDoesNotEnableIsRefusedBeforeAnyLockOrCounter() throws Exception {
        SimulatedGateway gateway = gateways.get(US);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
        SpecDevice device = network.otaaDevice(server, "00000000000E0F01", "1.0.4", APPLICATION, "us915")
                .inRegion(DeviceRegion.US915, 0);
        air.transmit(device.joinRequest(0x0302), 903_900_000L, "SF10BW125", heard);
        device.acceptJoin(gateway.awaitDownlink(Site.WAIT).phy());

        device.mac.state.dataRate = 3;
        device.mac.state.pinChannel(10);
        SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {9});
        String refused = "lorawan_uplink_copies_refused_total";
        double before = network.metric(server, refused);
        air.transmit(up.phy(), 902_300_000L, up.datr(), heard);
        awaitMetric(server, refused, before + 1);

        air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
        JsonObject event = network.webhook().await(uplink(device.devEui, 0), Site.WAIT);
        assertEquals(904_300_000L, event.getLong("frequency"), "channel 10: 902.3 MHz + 10 x 200 kHz");
        assertEquals(before + 1, network.metric(server, refused), "the copy on the enabled channel was taken");
    }

    /** The metric's sum reaches {@code expected} within the usual wait (the refusal has no other visible effect). */
    private static void awaitMetric(Server on, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + Site.WAIT.toNanos();
        double value = network.metric(on, series);
        while (value < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(series + " stayed at " + value + ", expected " + expected);
            }
            value = network.metric(on, series);
        }
        assertEquals(expected, value, series);
    }

    /** The region id a plan's name starts with, which is also its device profile's id. */
    private static String regionId(String plan) {
        return plan.split(" ")[0];
    }

    private static String devEui(String gatewayEui) {
        return "00000000000E" + gatewayEui.substring(12);
    }
}
