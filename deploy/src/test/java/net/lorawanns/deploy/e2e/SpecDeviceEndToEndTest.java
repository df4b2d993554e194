package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.DeviceMac;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server against a device whose MAC layer is written from TS001 and RP002 ({@link DeviceMac}): the join-accept's
 * CFList gives it its channels, it sends from one of them at its own data rate, asks for a link check and the time,
 * and reads the answers in the RX1 window it computes itself.
 */
class SpecDeviceEndToEndTest {
    /** GPS time started 1980-01-06T00:00:00Z and is 18 s ahead of UTC since 2017 (TS001 1.0.4 section 5.9). */
    private static final Instant GPS_EPOCH = Instant.parse("1980-01-06T00:00:00Z");
    private static final Duration GPS_MINUS_UTC = Duration.ofSeconds(18);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"1.0.4", "1.1"})
    void linkCheckAndDeviceTimeAreAnsweredInTheRx1WindowTheDeviceOpens(String version) throws Exception {
        try (Site site = new Site(dir, "AA555A00000000F1", "app-spec")) {
            SpecDevice device = site.network.otaaDevice(site.server, "00000000000F1A0" + version.length(), version,
                    "app-spec").inRegion(DeviceRegion.EU868, 3);
            site.join(device, 0x0101);
            // RP002 EU868: the CFList adds 867.1 to 867.9 MHz as channels 3 to 7.
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), device.mac.state.enabledChannels());
            assertEquals(867_500_000L, device.mac.state.channel(5).frequencyHz());

            device.mac.state.pinChannel(5);
            if (device.lorawan11()) {
                device.mac.indicate(0x0B, 1);
            }
            device.mac.linkCheckReq();
            device.mac.deviceTimeReq();
            SpecDevice.Uplink up = device.uplinkNow(false, 10, new byte[] {42});
            Instant sentAt = Instant.now();
            Air.Sent sent = site.transmit(up);

            SimulatedGateway.Downlink answer = site.gateway.awaitDownlink(Site.WAIT);
            assertEquals(up.rx1().frequencyHz() / 1e6, answer.freqMhz(), 1e-6, "RX1 on the uplink channel");
            assertEquals(up.rx1().datr(), answer.datr());
            assertEquals((sent.tmstAt(site.gateway) + up.rx1().delaySeconds() * 1_000_000L) & 0xFFFFFFFFL,
                    answer.tmst());
            device.receive(answer.phy());
            // The gateway heard SNR 7.5 dB at SF9, whose demodulation floor is -12.5 dB: 20 dB of margin.
            assertEquals(List.of(new DeviceMac.LinkCheck(20, 1)), device.mac.linkChecks);
            long gpsNow = Duration.between(GPS_EPOCH, sentAt).plus(GPS_MINUS_UTC).toMillis();
            assertEquals(gpsNow, device.mac.deviceTimes.get(0).gpsMillis(), 2_000.0, "DeviceTimeAns");
            assertEquals(device.lorawan11() ? List.of(1) : List.of(), device.mac.rekeyConfs);
            assertEquals(List.of(), device.mac.unknown);
            assertArrayEquals(new byte[0], device.mac.pendingCommands(), "nothing left to answer");

            JsonObject event = site.network.webhook().await(uplink(device.devEui, 0), Site.WAIT);
            assertEquals(867_500_000L, event.getLong("frequency"));
            assertEquals(3, event.getInteger("dr"));
        }
    }

    /**
     * RP002 US902-928 and AU915-928 served on sub-band 2: the join-accept's type 1 CFList leaves the device channels
     * 8 to 15 and 65, and the server answers in the RX1 channel and data rate the device computes from its own
     * tables (923.3 MHz + 600 kHz x (channel mod 8); US915 DR3 to DR13, AU915 DR3 to DR11 at offset 0).
     */
    @ParameterizedTest
    @ValueSource(strings = {"us915", "au915"})
    void aFixedPlanDeviceTakesItsSubBandFromTheCfListAndHearsRx1WhereItListens(String regionId) throws Exception {
        DeviceRegion region = regionId.equals("us915") ? DeviceRegion.US915 : DeviceRegion.AU915;
        // The join-request goes on channel 8 at DR0, or DR2 in AU915 (SF10: within a 400 ms dwell time).
        int joinDr = region == DeviceRegion.US915 ? 0 : 2;
        try (TestNetwork network = new TestNetwork(dir); Air air = new Air()) {
            network.networkLines = "region = \"" + regionId + "\"\nenabled_regions = [\"" + regionId + "\"]";
            Server server = network.startInstance();
            try (SimulatedGateway gateway = new SimulatedGateway("AA555A00000000F3", server.udpPort())) {
                gateway.pullData();
                List<Air.Reception> heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
                network.createApplication(server, "app-spec");
                SpecDevice device = network.otaaDevice(server, "00000000000F1C01", "1.0.4", "app-spec")
                        .inRegion(region, joinDr);
                Air.Sent join = air.transmit(device.joinRequest(1), region.defaultChannels.get(8).frequencyHz(),
                        region.datr(joinDr), heard);
                SimulatedGateway.Downlink accept = gateway.awaitDownlink(Site.WAIT);
                assertEquals((join.tmstAt(gateway) + 5_000_000) & 0xFFFFFFFFL, accept.tmst());
                assertEquals(923.3, accept.freqMhz(), 1e-6);
                assertEquals("SF10BW500", accept.datr(), "DR10 answers DR0 (US915) and DR2 (AU915)");
                device.acceptJoin(accept.phy());
                assertEquals(List.of(8, 9, 10, 11, 12, 13, 14, 15, 65), device.mac.state.enabledChannels());

                device.mac.state.dataRate = 3;
                SpecDevice.Uplink up = device.uplinkNow(true, 10, new byte[] {7});
                Air.Sent sent = air.transmit(up.phy(), up.frequencyHz(), up.datr(), heard);
                SimulatedGateway.Downlink ack = gateway.awaitDownlink(Site.WAIT);
                assertEquals((sent.tmstAt(gateway) + 1_000_000) & 0xFFFFFFFFL, ack.tmst());
                assertEquals(923.3 + (up.channel() % 8) * 0.6, ack.freqMhz(), 1e-6);
                assertEquals(region == DeviceRegion.US915 ? "SF7BW500" : "SF9BW500", ack.datr());
                assertEquals(up.rx1().datr(), ack.datr());
                assertTrue(device.receive(ack.phy()).ack(), "confirmed uplink acknowledged");
                network.webhook().await(uplink(device.devEui, 0), Site.WAIT);
            }
        }
    }
}
