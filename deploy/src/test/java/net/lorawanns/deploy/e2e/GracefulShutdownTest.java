package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share a Redis, and every frame is heard by a gateway of each. One instance is shut down (as SIGTERM
 * does) in the middle of a burst: the frames it had taken are decided and delivered before it stops, the others
 * by the instance that stays, each exactly once.
 */
class GracefulShutdownTest {
    private static final long EU868_CH0 = 868_100_000L;
    private static final String SF7 = "SF7BW125";
    private static final int DEVICES = 120;
    private static final String APP = "app-shutdown";

    @TempDir
    Path dir;
    private TestNetwork network;
    private Server leaving;
    private Server staying;
    private SimulatedGateway toLeaving;
    private SimulatedGateway toStaying;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        network.gatewayLines = "rate_limit = 0";
        leaving = network.startInstance();
        staying = network.startInstance();
        toLeaving = new SimulatedGateway("AA555A0000000031", leaving.udpPort());
        toStaying = new SimulatedGateway("AA555A0000000032", staying.udpPort());
        toLeaving.pullData();
        toStaying.pullData();
        network.createApplication(staying, APP);
    }

    @AfterEach
    void stop() throws Exception {
        toLeaving.close();
        toStaying.close();
        network.close();
    }

    @Test
    void framesTakenBeforeTheSignalAreDecidedAndNothingIsLostOrDoubled() throws Exception {
        List<SpecDevice> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(network.abpDevice(staying, String.format("00000000008E%04X", i),
                    String.format("26008%03X", i), APP));
        }
        CompletableFuture<Void> shutdown = null;
        for (int i = 0; i < DEVICES; i++) {
            byte[] phy = devices.get(i).uplink(false, 3, new byte[] {(byte) i}, new byte[0], 5, 0);
            long tmst = System.nanoTime() / 1000 & 0xFFFFFFFFL;
            toLeaving.uplink(phy, tmst, EU868_CH0, SF7, 8.0, -70);
            toStaying.uplink(phy, tmst, EU868_CH0, SF7, 3.0, -90);
            if (i == DEVICES / 2) {
                // The signal, mid-burst: the leaving instance holds frames in their deduplication windows.
                shutdown = CompletableFuture.runAsync(leaving::close);
            }
        }
        shutdown.get(30, TimeUnit.SECONDS);
        for (SpecDevice device : devices) {
            network.webhook().await(TestNetwork.uplink(device.devEui, 0), Duration.ofSeconds(10));
        }
        // The frames that came after the others prove that every event had its chance to arrive twice.
        for (SpecDevice device : devices.subList(0, 3)) {
            byte[] phy = device.uplink(false, 3, new byte[] {1}, new byte[0], 5, 0);
            toStaying.uplink(phy, System.nanoTime() / 1000 & 0xFFFFFFFFL, EU868_CH0, SF7, 3.0, -90);
            network.webhook().await(TestNetwork.uplink(device.devEui, 1), Duration.ofSeconds(10));
        }
        Map<String, Long> deliveries = network.webhook().all().stream()
                .filter(e -> "uplink".equals(e.getString("type")) && e.getLong("f_cnt") == 0)
                .collect(Collectors.groupingBy(e -> e.getString("dev_eui"), Collectors.counting()));
        assertEquals(DEVICES, deliveries.size());
        deliveries.forEach((devEui, count) -> assertEquals(1L, count, devEui + " delivered " + count + " times"));
    }
}
