package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.lorawanns.deploy.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A field of the wrong JSON type in a device or application is a 400 that names it, never a 500. */
class ApiFieldTypesTest {
    private static final String APP = "app-types";
    private static final String ABP_KEYS = "000102030405060708090A0B0C0D0E0F";

    @TempDir
    Path dir;
    private TestNetwork network;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.createApplication(server, APP);
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
    }

    @Test
    void eachMistypedFieldIsNamed() throws Exception {
        JsonObject otaa = new JsonObject().put("application_id", APP).put("mac_version", "1.0.3")
                .put("join_eui", "70B3D57ED0000000");
        JsonObject abp = new JsonObject().put("application_id", APP).put("mac_version", "1.0.3")
                .put("abp", new JsonObject().put("dev_addr", "26000001").put("nwk_s_key", ABP_KEYS)
                        .put("app_s_key", ABP_KEYS));
        Map<String, JsonObject> devices = new LinkedHashMap<>();
        devices.put("relax_fcnt", otaa.copy().put("relax_fcnt", "yes"));
        devices.put("join_eui", otaa.copy().put("join_eui", 5));
        devices.put("app_key", otaa.copy().put("app_key", 1));
        devices.put("as_id", otaa.copy().put("app_key", ABP_KEYS).put("as_id", true));
        devices.put("abp", abp.copy().put("abp", "26000001"));
        devices.put("abp.f_cnt_up", abp.copy().put("abp", abp.getJsonObject("abp").copy().put("f_cnt_up", "7")));
        // The API document refuses each of them, naming the field in the body.
        for (Map.Entry<String, JsonObject> device : devices.entrySet()) {
            String error = network.api(server, "PUT", "/api/v1/devices/00000000000D0001", device.getValue(), 400)
                    .getString("error");
            assertEquals("body." + device.getKey() + ":", error.substring(0, error.indexOf(':') + 1), error);
        }
        network.api(server, "GET", "/api/v1/devices/00000000000D0001", null, 404);

        for (JsonObject application : new JsonObject[] {new JsonObject().put("webhook_url", 3),
                new JsonObject().put("webhook_headers", "Authorization: x")}) {
            String field = application.fieldNames().iterator().next();
            String error = network.api(server, "PUT", "/api/v1/applications/app-mistyped", application, 400)
                    .getString("error");
            assertEquals("body." + field + ":", error.substring(0, error.indexOf(':') + 1), error);
        }
    }
}
