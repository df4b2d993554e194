package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The network drives the spec device's radio settings with LinkADRReq: a US915 device that starts on all 72
 * channels gets the sub-band's channel mask, and EU868 devices with ADR on are moved by the default ADR algorithm
 * (Semtech's note, as {@code DefaultAdrAlgorithmTest} documents it) from the SNR their gateway reports. Each uplink is
 * confirmed, so that each has exactly one answer to await; the ADR bit and the algorithm do not depend on it.
 */
class AdrEndToEndTest {
    private static final String APPLICATION = "app-adr";
    private static final String EU = "AA555A0000000A01";
    private static final String US = "AA555A0000000A02";
    private static final String AU = "AA555A0000000A03";
    private static final String CN = "AA555A0000000A04";

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static Air air;
    private static SimulatedGateway eu;
    /** The fixed-plan regions' gateways, by region id. */
    private static Map<String, SimulatedGateway> fixedPlans;

    /** A LinkADRReq block the device received: the FCnt of the uplink it answered, and its last command's values. */
    record LinkAdr(long fCnt, int dataRate, int txPower) {
    }

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        // One gateway hears each device: the deduplication window need not wait for others.
        network.deduplicationDelay = "20ms";
        // Each test sends some forty SF12 answers within a minute through one EU868 gateway, more time on air than
        // its 1 % sub-bands allow in an hour; the duty cycle is DownlinkTimingEndToEndTest's subject, not this one's.
        network.networkLines = "region = \"eu868\"\nenabled_regions = [\"eu868\", \"us915\", \"au915\", \"cn470\"]"
                + "\ngateway_duty_cycle = false";
        server = network.startInstance("""

                [[regions]]
                id = "us915"
                sub_bands = [1, 2]
                [[regions]]
                id = "cn470"
                sub_bands = [1, 12]
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "us915"
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "au915"
                [[gateway.gateways]]
                gateway_id = "%s"
                region = "cn470"
                """.formatted(US, AU, CN));
        network.createApplication(server, APPLICATION);
        air = new Air();
        eu = new SimulatedGateway(EU, server.udpPort());
        fixedPlans = Map.of("us915", new SimulatedGateway(US, server.udpPort()),
                "au915", new SimulatedGateway(AU, server.udpPort()),
                "cn470", new SimulatedGateway(CN, server.udpPort()));
        eu.pullData();
        for (SimulatedGateway gateway : fixedPlans.values()) {
            gateway.pullData();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        eu.close();
        for (SimulatedGateway gateway : fixedPlans.values()) {
            gateway.close();
        }
        air.close();
        network.close();
    }

    /**
     * Devices that start with every channel of a fixed plan enabled (TS001 1.0.4 section 4.3.1.1 defaults): LoRaWAN
     * 1.0.3 ABP devices, and a LoRaWAN 1.0.2 OTAA device whose Regional Parameters (1.0.2rB) give US915 no CFList.
     * The network runs US915 on sub-bands 1 and 2, AU915 on 2, CN470 on 1 and 12. Per case: the sub-bands the
     * profile names among those (none: all of them), the channel of the first uplink, and the channels RP002 gives
     * those sub-bands: eight 125 kHz channels each (sub-band n: 8(n-1) to 8n-1), plus in US915 and AU915 the
     * 500 kHz channel 64 + n - 1.
     */
    static Stream<Arguments> fixedPlanDevices() {
        List<Integer> subBand2 = List.of(8, 9, 10, 11, 12, 13, 14, 15, 65);
        return Stream.of(
                Arguments.of("us915 abp", "0000000000000B01", DeviceRegion.US915, List.of(), 3,
                        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 64, 65)),
                Arguments.of("us915 abp", "0000000000000B02", DeviceRegion.US915, List.of(1), 3,
                        List.of(0, 1, 2, 3, 4, 5, 6, 7, 64)),
                Arguments.of("us915 otaa-1.0.2", "0000000000000B03", DeviceRegion.US915, List.of(2), 10, subBand2),
                Arguments.of("au915 abp", "0000000000000B04", DeviceRegion.AU915, List.of(), 12, subBand2),
                Arguments.of("cn470 abp", "0000000000000B05", DeviceRegion.CN470, List.of(), 3,
                        List.of(0, 1, 2, 3, 4, 5, 6, 7, 88, 89, 90, 91, 92, 93, 94, 95)),
                Arguments.of("cn470 abp", "0000000000000B06", DeviceRegion.CN470, List.of(12), 90,
                        List.of(88, 89, 90, 91, 92, 93, 94, 95)));
    }

    /**
     * On the device's first uplink the network sends the LinkADRReq block that leaves it the sub-bands' channels; the
     * device applies it and acknowledges in its next uplink, after which the server's MAC state has those channels
     * and no further mask is sent.
     */
    @ParameterizedTest(name = "{0} sub-bands {3}")
    @MethodSource("fixedPlanDevices")
    void aDeviceOnEveryChannelOfAFixedPlanIsToldItsSubBandsAndKeepsThem(String kind, String devEui,
            DeviceRegion region, List<Integer> subBands, int firstChannel, List<Integer> channels) throws Exception {
        String regionId = kind.split(" ")[0];
        boolean abp = kind.endsWith("abp");
        String profile = "fixed-" + devEui;
        JsonObject body = new JsonObject().put("region", regionId).put("mac_version", abp ? "1.0.3" : "1.0.2")
                .put("reg_params_revision", abp ? "RP002-1.0.3" : "1.0.2rB");
        if (!subBands.isEmpty()) {
            body.put("sub_bands", new JsonArray(subBands));
        }
        network.api(server, "PUT", "/api/v1/device-profiles/" + profile, body, 200);
        SimulatedGateway gateway = fixedPlans.get(regionId);
        List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 0));
        SpecDevice device;
        if (abp) {
            device = network.abpDevice(server, devEui, "26000" + devEui.substring(13), APPLICATION, profile)
                    .inRegion(region, 3);
        } else {
            device = network.otaaDevice(server, devEui, "1.0.2", APPLICATION, profile).inRegion(region, 0);
            air.transmit(device.joinRequest(0x0B02), region.defaultChannels.get(firstChannel).frequencyHz(),
                    region.datr(0), heard);
            device.acceptJoin(gateway.awaitDownlink(Site.WAIT).phy());
            assertNull(device.cfList, "RP 1.0.2rB: no CFList in US915");
            device.mac.state.dataRate = 3;
        }
        assertEquals(region.maxChannels, device.mac.state.enabledChannels().size());

        device.mac.state.pinChannel(firstChannel);
        SpecDevice.Uplink first = device.uplinkNow(true, 10, new byte[] {1});
        air.transmit(first.phy(), first.frequencyHz(), first.datr(), heard);
        SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
        assertEquals(first.rx1().frequencyHz() / 1e6, answer.freqMhz(), 1e-6);
        assertEquals(first.rx1().datr(), answer.datr());
        device.receive(answer.phy());
        assertEquals(channels, device.mac.state.enabledChannels(), "the LinkADRReq block applied");
        long masks = linkAdrCommands(device);
        assertTrue(masks >= 1);

        device.mac.state.pinChannel(-1);
        for (int i = 0; i < 3; i++) {
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {2});
            assertTrue(channels.contains(up.channel()));
            air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
            assertTrue(device.receive(gateway.awaitDownlink(Site.WAIT).phy()).ack());
        }
        assertEquals(masks, linkAdrCommands(device), "no channel mask after the LinkADRAns");
        // The server's MAC state: stored after each answer went out.
        network.awaitMacState(device.devEui, m -> m.getJsonArray("ch").getList().equals(channels));
    }

    private static long linkAdrCommands(SpecDevice device) {
        return device.mac.handled.stream().filter(cid -> cid == 0x03).count();
    }

    /**
     * Heard at 20 dB SNR at full power from DR0 (EU868: installation margin 10 dB, 3 dB a step, TXPower 0-7 of 2 dB
     * each, ADR up to DR5; demodulation floors SF12 -20 dB, SF7 -7.5 dB). Each decision waits for 20 uplinks, and the
     * history restarts when the device takes a new setting (its acknowledgement is the first uplink of the next 20):
     * FCnt 19: 20 + 20 - 10 = 30 dB, 10 steps: DR0 to DR5 (5), TXPower 0 to 5 (5);
     * FCnt 39: heard at 20 - 10 = 10 dB, 10 + 7.5 - 10 = 7.5 dB, 2 steps: TXPower 7, the lowest power.
     * Then the SNR at full power drops to 5 dB from FCnt 40, heard at 5 - 14 = -9 dB: FCnt 59: -9 + 7.5 - 10 =
     * -11.5 dB, floor(-3.83) = -4 steps: TXPower 3, 8 dB more power; the data rate stays. For a LoRaWAN 1.1 device
     * the LinkADRReq and LinkADRAns travel in encrypted FOpts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.0.4", "1.1"})
    void aDeviceWithALargeMarginReachesDr5ThenTheLowestPowerAndGetsPowerBackWhenItsSnrDrops(String version)
            throws Exception {
        SpecDevice device = joinedAtDr0("0000000000000A2" + version.length(), version);
        List<LinkAdr> steps = new ArrayList<>();
        uplinks(device, eu, 40, 20, steps);
        assertEquals(List.of(new LinkAdr(19, 5, 5), new LinkAdr(39, 5, 7)), steps);
        assertEquals(5, device.mac.state.dataRate);
        assertEquals(7, device.mac.state.txPowerIndex);

        // FCnt 60 carries the device's LinkADRAns, from which the server's MAC state takes the setting.
        uplinks(device, eu, 21, 5, steps);
        assertEquals(List.of(new LinkAdr(19, 5, 5), new LinkAdr(39, 5, 7), new LinkAdr(59, 5, 3)), steps);
        assertEquals(5, device.mac.state.dataRate);
        assertEquals(3, device.mac.state.txPowerIndex);
        network.awaitMacState(device.devEui, m -> m.getInteger("dr") == 5 && m.getInteger("txp") == 3);
    }

    /**
     * The same device, refusing data rates above DR3 (DataRate ACK 0), its power unchanged by refusals: FCnt 19 asks
     * DR5 with TXPower 5 and is refused; the history is still full, so FCnt 20, which carries the refusal, gets the
     * next decision below DR5: 30 dB is 10 steps, DR0 to DR4 and TXPower 6, refused too; FCnt 21: DR3 and TXPower 7,
     * taken. From FCnt 22 it is heard at 20 - 14 = 6 dB: FCnt 41: 6 + 12.5 - 10 = 8.5 dB, 2 steps, but DR3 and
     * TXPower 7 are its limits: nothing more is asked, no refused data rate again.
     */
    @Test
    void aRefusedDataRateIsNotAskedAgain() throws Exception {
        SpecDevice device = joinedAtDr0("0000000000000A03", "1.0.4");
        device.mac.maxDataRate = 3;
        List<LinkAdr> steps = new ArrayList<>();
        uplinks(device, eu, 42, 20, steps);
        assertEquals(List.of(new LinkAdr(19, 5, 5), new LinkAdr(20, 4, 6), new LinkAdr(21, 3, 7)), steps);
        assertEquals(3, device.mac.state.dataRate);
        assertEquals(7, device.mac.state.txPowerIndex);
        network.awaitMacState(device.devEui, m -> m.getJsonArray("nodr").getList().equals(List.of(4, 5))
                && m.getInteger("dr") == 3 && m.getInteger("txp") == 7);
    }

    /**
     * A US915 device on sub-band 2, heard at 20 dB SNR at full power from DR0 (installation margin 10 dB, 3 dB a
     * step; ADR over the 125 kHz data rates DR0-DR3, TXPower 0-14 of 2 dB each; floors SF10 -15 dB, SF7 -7.5 dB):
     * FCnt 19: 20 + 15 - 10 = 25 dB, 8 steps: DR0 to DR3 (3), TXPower 0 to 5 (5);
     * FCnt 39: heard at 20 - 10 = 10 dB, 10 + 7.5 - 10 = 7.5 dB, 2 steps: TXPower 7;
     * FCnt 59: heard at 6 dB, 3.5 dB, 1 step: TXPower 8; FCnt 79: heard at 4 dB, 1.5 dB, no step: nothing sent.
     * Every LinkADRReq block carries the channel masks again (a block's masks always apply, RP002 US902-928): the
     * device keeps channels 8-15 and 65.
     */
    @Test
    void aUs915DeviceIsDrivenToItsFastestRateAndKeepsItsSubBand() throws Exception {
        network.api(server, "PUT", "/api/v1/device-profiles/us915-adr", new JsonObject().put("region", "us915")
                .put("mac_version", "1.0.4").put("reg_params_revision", "RP002-1.0.3")
                .put("sub_bands", new JsonArray(List.of(2))), 200);
        SimulatedGateway us = fixedPlans.get("us915");
        SpecDevice device = network.otaaDevice(server, "0000000000000A05", "1.0.4", APPLICATION, "us915-adr")
                .inRegion(DeviceRegion.US915, 0);
        air.transmit(device.joinRequest(0x0A05), 903_900_000L, "SF10BW125", List.of(new Air.Reception(us, 0, -90, 0)));
        device.acceptJoin(us.awaitDownlink(Site.WAIT).phy());
        List<Integer> subBand2 = List.of(8, 9, 10, 11, 12, 13, 14, 15, 65);
        assertEquals(subBand2, device.mac.state.enabledChannels());

        List<LinkAdr> steps = new ArrayList<>();
        uplinks(device, us, 80, 20, steps);
        assertEquals(List.of(new LinkAdr(19, 3, 5), new LinkAdr(39, 3, 7), new LinkAdr(59, 3, 8)), steps);
        assertEquals(3, device.mac.state.dataRate);
        assertEquals(8, device.mac.state.txPowerIndex);
        assertEquals(subBand2, device.mac.state.enabledChannels());
        network.awaitMacState(device.devEui, m -> m.getInteger("dr") == 3 && m.getInteger("txp") == 8
                && m.getJsonArray("ch").getList().equals(subBand2));
    }

    /** An EU868 device joined at DR0, with the CFList's channels 0-7, ADR on (its default). */
    private static SpecDevice joinedAtDr0(String devEui, String version) throws Exception {
        SpecDevice device = network.otaaDevice(server, devEui, version, APPLICATION).inRegion(DeviceRegion.EU868, 0);
        air.transmit(device.joinRequest(0x0A01), Site.EU868_CH0, "SF12BW125",
                List.of(new Air.Reception(eu, 0, -90, 0)));
        device.acceptJoin(eu.awaitDownlink(Site.WAIT).phy());
        assertTrue(device.mac.state.adr);
        return device;
    }

    /**
     * Sends {@code count} confirmed uplinks, each after the answer to the previous one, which the device applies;
     * records the LinkADRReq blocks among the answers. The gateway hears each at {@code snrAtMaxPower} dB less the
     * device's power reduction (2 dB per TXPower step in EU868 and US915).
     */
    private static void uplinks(SpecDevice device, SimulatedGateway gateway, int count, double snrAtMaxPower,
                                List<LinkAdr> steps) throws Exception {
        for (int i = 0; i < count; i++) {
            double snr = snrAtMaxPower - (device.mac.state.maxEirpDbm - device.mac.state.eirpDbm());
            List<Air.Reception> heard = List.of(new Air.Reception(gateway, snr, -90, 0));
            SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {(byte) i});
            Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
            SimulatedGateway.Downlink answer = gateway.awaitDownlink(Site.WAIT);
            assertEquals((sent.tmstAt(gateway) + 1_000_000L) & 0xFFFFFFFFL, answer.tmst(),
                    "the answer to FCnt " + up.fCnt());
            byte[] commands = device.receive(answer.phy()).macCommands();
            // The answers carry no other command: the last LinkADRReq of a block is the last 5 octets
            // (CID, DataRate_TXPower, ChMask, Redundancy).
            if (commands.length >= 5 && commands[0] == 0x03) {
                int drTxPower = commands[commands.length - 4] & 0xFF;
                steps.add(new LinkAdr(up.fCnt(), drTxPower >>> 4, drTxPower & 0x0F));
            }
        }
    }
}
