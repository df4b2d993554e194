package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import net.lorawanns.deploy.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances sharing a Redis: a key made through one works on the other, and once revoked through one
 * the other refuses it at its very next request (no instance caches keys). The configuration's key stays admin.
 */
class ApiKeysAcrossInstancesTest {
    @TempDir
    Path dir;
    private TestNetwork network;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
    }

    @Test
    void aKeyRevokedThroughOneInstanceIsRefusedByTheOtherAtOnce() throws Exception {
        Server first = network.startInstance();
        Server second = network.startInstance();
        JsonObject created = network.api(first, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "application:meters").put("name", "meter team"), 201);
        String key = created.getString("key");
        network.api(second, "PUT", "/api/v1/applications/meters", "{}", key, 200);
        network.api(second, "PUT", "/api/v1/applications/other", "{}", key, 403);
        network.api(second, "GET", "/api/v1/gateways", null, key, 200);

        network.api(first, "DELETE", "/api/v1/api-keys/" + created.getString("id"), null, 200);
        JsonObject refused = network.api(second, "GET", "/api/v1/gateways", null, key, 401);
        assertTrue(refused.getString("error").contains("revoked"), refused.encode());
        assertEquals(1.0, network.awaitMetric(second, "lorawan_api_requests_refused_total{reason=\"revoked\"}", 1));
    }
}
