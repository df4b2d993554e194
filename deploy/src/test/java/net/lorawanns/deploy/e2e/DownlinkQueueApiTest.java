package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downlink queue API of a server started from its configuration: the application hears of its items through its
 * webhook, as of every other event ({@code [downlink] max_queue_size} from the file).
 */
class DownlinkQueueApiTest {
    private static final String APP = "app-queue";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private TestNetwork network;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance("""
                [downlink]
                max_queue_size = 2
                """);
        network.createApplication(server, APP);
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
    }

    @Test
    void queuedAndFlushedItemsReachTheApplication() throws Exception {
        SpecDevice device = network.abpDevice(server, "00000000007F0001", "26007F01", APP);
        String queue = "/api/v1/devices/" + device.devEui + "/queue";
        JsonObject item = new JsonObject().put("f_port", 5).put("data", "AQIDBA==").put("confirmed", true);
        String id = network.api(server, "POST", queue, item, 201).getString("id");
        JsonObject queued = network.webhook().await(event("downlink_queued", device.devEui), WAIT);
        assertEquals(id, queued.getString("id"));
        assertEquals(4, queued.getInteger("size"));
        assertEquals(APP, queued.getString("application_id"));

        network.api(server, "POST", queue, item, 201);
        String full = network.api(server, "POST", queue, item, 409).getString("error");
        assertTrue(full.contains("downlink.max_queue_size"), full);
        JsonArray items = network.api(server, "GET", queue, null, 200).getJsonArray("items");
        assertEquals(2, items.size());
        assertEquals(id, items.getJsonObject(0).getString("id"));

        assertEquals(2, network.api(server, "DELETE", queue, null, 200).getInteger("removed"));
        JsonObject flushed = network.webhook().await(event("downlink_failed", device.devEui)
                .and(e -> id.equals(e.getString("id"))), WAIT);
        assertEquals("flushed", flushed.getString("reason"));
    }

    @Test
    void aDeviceThatHasNotJoinedHasNoQueueYet() throws Exception {
        SpecDevice device = network.otaaDevice(server, "00000000007F0002", "1.0.4", APP);
        String error = network.api(server, "POST", "/api/v1/devices/" + device.devEui + "/queue",
                new JsonObject().put("f_port", 5).put("data", "AQ=="), 409).getString("error");
        assertTrue(error.startsWith(device.devEui + " has no session: it has not joined yet"), error);
    }
}
