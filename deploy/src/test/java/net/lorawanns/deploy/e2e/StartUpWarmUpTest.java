package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started with {@code network.start_up_warm_up} runs synthetic uplinks through its data path before it
 * binds the gateways' socket, and leaves nothing of them behind: no key in Redis, no application, no event, no count
 * in the operator's uplink and gateway metrics. A device of the operator's whose DevAddr a warm-up device had (they
 * are numbered from 00000001) is then served as any other.
 */
class StartUpWarmUpTest {
    private static final long EU868_CH0 = 868_100_000L;
    private static final String SF7 = "SF7BW125";
    private static final String APP = "app-after-warm-up";
    private static final String PUSH_DATA = "lorawan_gateway_udp_datagrams_total{identifier=\"push_data\"}";

    @TempDir
    Path dir;
    private TestNetwork network;
    private Server server;
    private SimulatedGateway gateway;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        network.startUpWarmUp = "3s";
        server = network.startInstance();
        gateway = new SimulatedGateway("AA555A0000000041", server.udpPort());
        gateway.pullData();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        network.close();
    }

    @Test
    void theWarmUpLeavesNothingBehindAndTheServerServesAfterIt() throws Exception {
        double warmUpFrames = network.metric(server, "lorawan_start_up_warm_up_frames");
        assertTrue(warmUpFrames > 0, "the warm-up sent frames: " + warmUpFrames);
        assertEquals(0, network.metric(server, "lorawan_uplink_frames_total"), "no uplink counted");
        assertEquals(0, network.metric(server, PUSH_DATA), "no gateway datagram counted");
        assertEquals(List.of(), keys(network.keyPrefix() + "warm-up:*"), "the warm-up's keys are deleted");

        network.createApplication(server, APP);
        SpecDevice device = network.abpDevice(server, "00000000009E0001", "00000001", APP);
        gateway.uplink(device.uplink(false, 2, new byte[] {7}, new byte[0], 5, 0),
                System.nanoTime() / 1000 & 0xFFFFFFFFL, EU868_CH0, SF7, 8.0, -70);
        network.webhook().await(TestNetwork.uplink(device.devEui, 0), Site.WAIT);

        // The device's event came after any of the warm-up's would have: the webhook has the device's only.
        assertEquals(List.of(device.devEui), network.webhook().all().stream().map(e -> e.getString("dev_eui"))
                .distinct().toList());
        assertEquals(1, network.metric(server, "lorawan_uplink_frames_total{outcome=\"new\"}"));
        assertEquals(1, network.metric(server, PUSH_DATA));
        JsonObject applications = network.api(server, "GET", "/api/v1/applications", null, 200);
        assertEquals(List.of(APP), applications.getJsonArray("applications").stream()
                .map(a -> ((JsonObject) a).getString("application_id")).toList());
    }

    private List<String> keys(String pattern) throws Exception {
        List<String> found = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = network.redis(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern)
                    .arg("COUNT").arg(1000));
            cursor = page.get(0).toString();
            page.get(1).forEach(key -> found.add(key.toString()));
        } while (!cursor.equals("0"));
        return found;
    }
}
