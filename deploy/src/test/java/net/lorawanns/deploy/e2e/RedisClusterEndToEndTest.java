package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.assertExactlyOnce;
import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.lorawanns.core.testing.TestRedisCluster;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on a real three-master Redis Cluster, each with a gateway of its own, and every frame heard
 * by both gateways: each frame is processed once across the two instances, and joins work. Every Lua script runs
 * here against a Cluster, so a script whose keys span slots would fail these tests with CROSSSLOT.
 */
class RedisClusterEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long EU868_CH0 = 868_100_000L;
    private static final String SF9 = "SF9BW125";
    private static final int TX_DR = 3;
    private static final int TX_CH = 0;
    private static TestRedisCluster cluster;

    @TempDir
    Path dir;
    private TestNetwork network;
    private Air air;
    private Server first;
    private Server second;
    private SimulatedGateway firstGateway;
    private SimulatedGateway secondGateway;
    /** The event streams of both instances, together. */
    private final EventCollector streams = new EventCollector();
    private List<Air.Reception> both;

    @BeforeAll
    static void startCluster() {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir, cluster.settings(""));
        air = new Air();
        first = network.startInstance();
        second = network.startInstance();
        firstGateway = new SimulatedGateway("AA555A0000000011", first.udpPort());
        secondGateway = new SimulatedGateway("AA555A0000000012", second.udpPort());
        firstGateway.pullData();
        secondGateway.pullData();
        both = List.of(new Air.Reception(firstGateway, 7.5, -80, 3_000_000),
                new Air.Reception(secondGateway, 2.0, -95, 9_000_000));
        network.createApplication(first, "app-cluster");
        network.followStream(first, streams);
        network.followStream(second, streams);
    }

    @AfterEach
    void stop() throws Exception {
        firstGateway.close();
        secondGateway.close();
        air.close();
        network.close();
    }

    @Test
    void everyFrameHeardThroughBothInstancesIsProcessedOnce() throws Exception {
        List<SpecDevice> devices = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            devices.add(network.abpDevice(i % 2 == 0 ? first : second, String.format("00000000001A%04X", i),
                    String.format("2600%04X", 0x200 + i), "app-cluster"));
        }
        int rounds = 3;
        for (int round = 0; round < rounds; round++) {
            for (SpecDevice device : devices) {
                air.transmit(device.uplink(false, 1, new byte[] {(byte) round}, new byte[0], TX_DR, TX_CH), EU868_CH0,
                        SF9, both);
            }
            for (SpecDevice device : devices) {
                JsonObject up = network.webhook().await(uplink(device.devEui, round), WAIT);
                assertEquals(2, up.getJsonArray("rx_info").size(), "the copies of both instances' gateways");
            }
        }
        for (SpecDevice device : devices) {
            for (int round = 0; round < rounds; round++) {
                streams.await(uplink(device.devEui, round), WAIT);
            }
        }
        int frames = devices.size() * rounds;
        assertExactlyOnce(network.webhook().all(), frames);
        assertExactlyOnce(streams.all(), frames);
    }

    @Test
    void devicesJoinThroughEitherInstanceAndSendData() throws Exception {
        Map<String, SimulatedGateway> gateways = Map.of(firstGateway.eui, firstGateway, secondGateway.eui,
                secondGateway);
        List<SpecDevice> devices = new ArrayList<>();
        int n = 0;
        for (String version : List.of("1.0.3", "1.0.4", "1.1", "1.0.3", "1.1", "1.0.2")) {
            SpecDevice device = network.otaaDevice(n % 2 == 0 ? first : second,
                    String.format("00000000001B%04X", n), version, "app-cluster");
            devices.add(device);
            air.transmit(device.joinRequest(0x0200 + n), EU868_CH0, SF9, both);
            JsonObject joined = network.webhook().await(event("join", device.devEui), WAIT);
            String via = joined.getJsonObject("downlink").getString("gateway_id");
            device.acceptJoin(gateways.get(via).awaitDownlink(WAIT).phy());
            assertEquals(device.devAddr(), joined.getString("dev_addr"));
            n++;
        }
        for (SpecDevice device : devices) {
            // A LoRaWAN 1.1 device announces its session with RekeyInd.
            byte[] fOpts = device.lorawan11() ? new byte[] {0x0B, 0x01} : new byte[0];
            air.transmit(device.uplink(false, 2, new byte[] {42}, fOpts, TX_DR, TX_CH), EU868_CH0, SF9, both);
            network.webhook().await(uplink(device.devEui, 0), WAIT);
        }
        for (SpecDevice device : devices) {
            streams.await(uplink(device.devEui, 0), WAIT);
        }
        assertExactlyOnce(network.webhook().all(), devices.size());
        assertEquals(devices.size(), streams.all().stream().filter(e -> "join".equals(e.getString("type"))).count(),
                "one join event per join-request, from one instance or the other");
    }
}
