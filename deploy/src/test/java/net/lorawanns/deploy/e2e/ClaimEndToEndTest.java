package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device of a provisioning manifest on the air: the spec device's join-request is refused while it is unclaimed
 * (ActivationDisallowed in a join_rejected event, no join-accept), and answered once its owner claimed it for this
 * network. The manifest's AppKey is wrapped with the JDK's AESWrap under the configured provisioning KEK.
 */
class ClaimEndToEndTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final String FACTORY_KEK = "0F0E0D0C0B0A09080706050403020100";
    private static final String OWNER_TOKEN = "BOX-LABEL-7731";

    @TempDir
    Path dir;

    @Test
    void anUnclaimedDeviceIsRefusedOnTheAirAndJoinsOnceClaimed() throws Exception {
        String kek = """
                [[internal_js.kek]]
                label = "factory"
                kek = "%s"
                """.formatted(FACTORY_KEK);
        try (Site site = new Site(dir, "AA555A00000000C1", "app-claim", kek)) {
            byte[] appKey = TestNetwork.randomKey();
            SpecDevice device = new SpecDevice("00000000000C1A01", "70B3D57ED00F0000", "1.0.4", appKey, null, 0)
                    .inRegion(DeviceRegion.EU868, 3);
            JsonObject manifest = new JsonObject().put("dev_eui", device.devEui).put("join_eui", device.joinEui)
                    .put("mac_version", "1.0.4").put("kek_label", "factory").put("app_key", wrap(appKey))
                    .put("owner_token", OWNER_TOKEN);
            JsonObject provisioned = site.network.api(site.server, "POST", "/api/v1/join-server/provisioning",
                    new JsonArray().add(manifest).encode(), TestNetwork.API_KEY, 200);
            assertEquals(1, provisioned.getInteger("provisioned"));
            // The network server knows the device (its application), the join server holds its keys.
            site.network.api(site.server, "PUT", "/api/v1/devices/" + device.devEui, new JsonObject()
                    .put("application_id", "app-claim").put("mac_version", "1.0.4").put("join_eui", device.joinEui),
                    200);

            site.transmit(device.joinRequest(1));
            JsonObject rejected = site.network.webhook().await(event("error", device.devEui)
                    .and(e -> "join_rejected".equals(e.getString("error"))), Site.WAIT);
            assertEquals("ActivationDisallowed", rejected.getString("result"), rejected.encode());
            assertTrue(rejected.getString("description").contains("not claimed"), rejected.encode());

            JsonObject claimed = site.network.api(site.server, "POST", "/api/v1/join-server/devices/" + device.devEui
                    + "/claim", new JsonObject().put("owner_token", OWNER_TOKEN).put("home_net_id", TestNetwork.NET_ID),
                    200);
            assertEquals("claimed", claimed.getString("state"));

            site.join(device, 2);
            assertNull(site.gateway.pollDownlink(java.time.Duration.ZERO), "one join-accept: the refused request "
                    + "got none");
            assertEquals(1, site.network.webhook().all().stream().filter(event("join", device.devEui)).count());

            JsonArray audit = site.network.api(site.server, "GET", "/api/v1/join-server/audit?dev_eui="
                    + device.devEui, null, 200).getJsonArray("entries");
            assertEquals(1, audit.size(), audit.encode());
            assertEquals("claim", audit.getJsonObject(0).getString("action"));
            JsonArray provisioning = site.network.api(site.server, "GET", "/api/v1/join-server/audit?provisioning=true"
                    + "&dev_eui=" + device.devEui, null, 200).getJsonArray("entries");
            assertEquals("provision", provisioning.getJsonObject(0).getString("action"), "in its own log");
        }
    }

    private static String wrap(byte[] key) throws Exception {
        Cipher cipher = Cipher.getInstance("AESWrap");
        cipher.init(Cipher.WRAP_MODE, new SecretKeySpec(HEX.parseHex(FACTORY_KEK), "AES"));
        return HEX.formatHex(cipher.wrap(new SecretKeySpec(key, "AES")));
    }
}
