package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import net.lorawanns.deploy.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device profiles through the REST API of a server started from its configuration (EU868 and US915 enabled): their
 * life, the refusals that name the field, and devices that refer to them, also while a profile is being deleted.
 */
class DeviceProfileApiTest {
    private static final String APP = "app-profiles";
    private static final String PROFILES = "/api/v1/device-profiles/";
    private static final String DEVICES = "/api/v1/devices/";

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        network.networkLines = "enabled_regions = [\"eu868\", \"us915\"]";
        server = network.startInstance();
        network.createApplication(server, APP);
    }

    @AfterAll
    static void stop() throws Exception {
        network.close();
    }

    @Test
    void aProfileIsCreatedReadListedReplacedAndDeleted() throws Exception {
        JsonObject body = profile("us915", "1.0.3").put("sub_bands", new JsonArray(List.of(2)))
                .put("supports_class_c", true).put("rx1_delay", 2).put("adr_max_dr", 3)
                .put("dev_status_interval", "PT6H");
        JsonObject created = api("PUT", PROFILES + "us-meters", body, 200);
        JsonObject expected = body.copy().put("device_profile_id", "us-meters").put("supports_class_b", false)
                .put("supports_32bit_fcnt", true).put("adr_enabled", true).put("adr_algorithm", "default")
                .put("adr_installation_margin", 10.0).put("dev_status_interval", 21_600);
        assertEquals(expected, created);
        assertEquals(expected, api("GET", PROFILES + "us-meters", null, 200));
        JsonArray listed = api("GET", "/api/v1/device-profiles", null, 200).getJsonArray("device_profiles");
        assertTrue(IntStream.range(0, listed.size()).anyMatch(i -> expected.equals(listed.getJsonObject(i))),
                listed.encode());

        JsonObject replaced = api("PUT", PROFILES + "us-meters", profile("us915", "1.0.3"), 200);
        assertFalse(replaced.containsKey("sub_bands"));
        assertEquals(replaced, api("GET", PROFILES + "us-meters", null, 200));

        assertEquals("us-meters", api("DELETE", PROFILES + "us-meters", null, 200).getString("deleted"));
        assertTrue(error("GET", PROFILES + "us-meters", null, 404).contains("us-meters"));
        error("DELETE", PROFILES + "us-meters", null, 404);
    }

    @Test
    void badProfilesAreRefusedNamingTheField() throws Exception {
        assertTrue(error("PUT", PROFILES + "asia", profile("as923", "1.0.3"), 400)
                .startsWith("region: 'as923-1' is not among network.enabled_regions"), "as923 names AS923-1");
        assertTrue(error("PUT", PROFILES + "p", profile("eu868", "1.0.3").put("rx1_delay", 0), 400)
                .startsWith("body.rx1_delay: must be >= 1"));
        assertTrue(error("PUT", PROFILES + "p", profile("eu868", "1.0.3").put("rx2_dr", "fast"), 400)
                .startsWith("body.rx2_dr: "));
        assertTrue(error("PUT", PROFILES + "p", profile("eu868", "1.0.3").put("sub_bands", new JsonArray(List.of(2))),
                400).startsWith("sub_bands: "));
        assertTrue(error("PUT", PROFILES + "p", profile("eu868", "1.0.3").put("rx_delay", 1), 400)
                .startsWith("body.rx_delay: unknown field"));
        JsonObject withoutRegion = profile("eu868", "1.0.3");
        withoutRegion.remove("region");
        assertTrue(error("PUT", PROFILES + "p", withoutRegion, 400).startsWith("body.region: is required"));
        assertTrue(error("PUT", PROFILES + "a%20b", profile("eu868", "1.0.3"), 400).startsWith("path.id: "));
        network.api(server, "PUT", PROFILES + "p", "{not json", TestNetwork.API_KEY, 400);
        network.api(server, "GET", "/api/v1/device-profiles", null, null, 401);
        network.api(server, "DELETE", PROFILES + "p", null, "wrong-api-key-0123456789", 401);
        error("GET", PROFILES + "p", null, 404);
    }

    /**
     * A profile names only channels the network listens on (here US915's sub-band 2 and EU868's default extra
     * channels, 867.1 to 867.9 MHz): a copy on any other channel is refused on arrival, so its devices, moved there,
     * would not be heard again.
     */
    @Test
    void aProfileNamingChannelsTheNetworkDoesNotListenOnIsRefused() throws Exception {
        JsonObject subBand8 = profile("us915", "1.0.3").put("sub_bands", new JsonArray(List.of(2, 8)));
        assertTrue(error("PUT", PROFILES + "p", subBand8, 400)
                .startsWith("sub_bands[1]: this network does not listen on us915 sub-band 8"));
        JsonObject at868 = profile("eu868", "1.0.3").put("extra_channels",
                new JsonArray(List.of(867_100_000L, 868_800_000L)));
        assertTrue(error("PUT", PROFILES + "p", at868, 400)
                .startsWith("extra_channels[1]: this network does not listen on 868800000 Hz in eu868"));
        api("PUT", PROFILES + "heard", profile("eu868", "1.0.3").put("extra_channels",
                new JsonArray(List.of(867_500_000L, 867_900_000L))), 200);
        api("DELETE", PROFILES + "heard", null, 200);
    }

    @Test
    void aProfileThatADeviceUsesIsDeletedOnlyAfterTheDeviceMovesAway() throws Exception {
        api("PUT", PROFILES + "sensors-a", profile("eu868", "1.0.4"), 200);
        api("PUT", PROFILES + "sensors-b", profile("eu868", "1.0.4"), 200);
        String device = DEVICES + "00000000000B0001";
        // The profile gives the MAC version when the device does not.
        JsonObject stored = api("PUT", device, otaa().put("device_profile_id", "sensors-a"), 200);
        assertEquals("sensors-a", stored.getString("device_profile_id"));
        assertEquals("1.0.4", stored.getString("mac_version"));
        assertEquals("sensors-a", api("GET", device, null, 200).getString("device_profile_id"));

        assertTrue(error("DELETE", PROFILES + "sensors-a", null, 409).contains("used by 1 device"));
        assertTrue(error("PUT", PROFILES + "sensors-a", profile("eu868", "1.1"), 409).startsWith("mac_version: "));
        assertEquals("1.0.4", api("GET", PROFILES + "sensors-a", null, 200).getString("mac_version"));

        api("PUT", device, otaa().put("device_profile_id", "sensors-b"), 200);
        api("DELETE", PROFILES + "sensors-a", null, 200);
        error("DELETE", PROFILES + "sensors-b", null, 409);
        api("PUT", device, otaa().put("mac_version", "1.0.4"), 200);
        assertFalse(api("GET", device, null, 200).containsKey("device_profile_id"), "back on the network's defaults");
        api("DELETE", PROFILES + "sensors-b", null, 200);

        api("PUT", PROFILES + "sensors-c", profile("eu868", "1.0.4"), 200);
        api("PUT", device, otaa().put("device_profile_id", "sensors-c"), 200);
        api("DELETE", device, null, 200);
        api("DELETE", PROFILES + "sensors-c", null, 200);
    }

    @Test
    void aDeviceCannotReferToAProfileItCannotHave() throws Exception {
        String device = DEVICES + "00000000000B0002";
        assertTrue(error("PUT", device, otaa().put("device_profile_id", "nowhere"), 400)
                .startsWith("device_profile_id: no device profile 'nowhere'"));
        assertTrue(error("PUT", device, otaa().put("device_profile_id", 7), 400).startsWith("body.device_profile_id: "));
        assertTrue(error("PUT", device, otaa().put("device_profile_id", "a b"), 400)
                .startsWith("body.device_profile_id: "));
        api("PUT", PROFILES + "v103", profile("eu868", "1.0.3"), 200);
        assertTrue(error("PUT", device, otaa().put("device_profile_id", "v103").put("mac_version", "1.1"), 400)
                .startsWith("mac_version: "));
        assertTrue(error("PUT", device, otaa(), 400).startsWith("mac_version is required"));
        error("GET", device, null, 404);
        api("DELETE", PROFILES + "v103", null, 200);
    }

    @Test
    void aDeviceWrittenWhileItsProfileIsDeletedNeverPointsAtADeletedProfile() throws Exception {
        int held = 0;
        int deleted = 0;
        for (int round = 0; round < 40; round++) {
            String id = "race-" + round;
            String device = DEVICES + String.format("00000000000C%04X", round);
            api("PUT", PROFILES + id, profile("eu868", "1.0.3"), 200);
            CompletableFuture<HttpResponse<String>> put = network.apiAsync(server, "PUT", device,
                    otaa().put("device_profile_id", id));
            CompletableFuture<HttpResponse<String>> delete = network.apiAsync(server, "DELETE", PROFILES + id, null);
            int putStatus = put.get(10, TimeUnit.SECONDS).statusCode();
            int deleteStatus = delete.get(10, TimeUnit.SECONDS).statusCode();
            if (putStatus == 200) {
                held++;
                assertEquals(409, deleteStatus, "round " + round);
                assertEquals(id, api("GET", device, null, 200).getString("device_profile_id"));
                api("GET", PROFILES + id, null, 200);
            } else {
                deleted++;
                assertEquals(400, putStatus, "round " + round + ": " + put.get().body());
                assertEquals(200, deleteStatus, "round " + round);
                error("GET", device, null, 404);
                error("GET", PROFILES + id, null, 404);
            }
        }
        assertEquals(40, held + deleted);
    }

    private static JsonObject profile(String region, String macVersion) {
        return new JsonObject().put("region", region).put("mac_version", macVersion)
                .put("reg_params_revision", "RP002-1.0.3");
    }

    /** An OTAA device whose join server is an external one (no root keys here). */
    private static JsonObject otaa() {
        return new JsonObject().put("application_id", APP).put("join_eui", "70B3D57ED0000000");
    }

    private static JsonObject api(String method, String path, JsonObject body, int status) throws Exception {
        return network.api(server, method, path, body, status);
    }

    /** The {@code error} of a refused request. */
    private static String error(String method, String path, JsonObject body, int status) throws Exception {
        return api(method, path, body, status).getString("error");
    }
}
