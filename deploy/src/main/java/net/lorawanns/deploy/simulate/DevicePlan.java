package net.lorawanns.deploy.simulate;

import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.Optional;
import net.lorawanns.sim.SpecDevice;

/**
 * One simulated device as it is registered: its DevEUI, LoRaWAN version and profile, and either OTAA (JoinEUI and
 * root keys for the built-in join server) or ABP (DevAddr and session keys). Keys are random for each run.
 *
 * @param version the LoRaWAN version as the API and the spec device take it: 1.0.2, 1.0.3, 1.0.4 or 1.1
 * @param devAddr ABP only: the DevAddr, 8 hex digits
 * @param abpKeys ABP only: NwkSKey (1.0) or FNwkSIntKey, SNwkSIntKey, NwkSEncKey (1.1), then AppSKey
 */
public record DevicePlan(String devEui, String version, String profileId, Optional<String> joinEui, byte[] appKey,
                  byte[] nwkKey, Optional<String> devAddr, byte[][] abpKeys) {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    boolean otaa() {
        return joinEui.isPresent();
    }

    boolean lorawan11() {
        return version.startsWith("1.1");
    }

    /** The spec device that acts it, ABP sessions activated; OTAA devices join first. */
    SpecDevice device(int firstDevNonce) {
        SpecDevice device = new SpecDevice(devEui, joinEui.orElse("0000000000000000"), version, appKey, nwkKey,
                firstDevNonce);
        devAddr.ifPresent(address -> {
            device.activate(address, abpKeys[0], abpKeys[abpKeys.length - 1]);
            if (lorawan11()) {
                device.sNwkSIntKey = abpKeys[1];
                device.nwkSEncKey = abpKeys[2];
            }
        });
        return device;
    }

    /** The body of {@code PUT /api/v1/devices/DEVEUI} that registers it in {@code applicationId}. */
    public JsonObject registration(String applicationId) {
        JsonObject body = new JsonObject().put("application_id", applicationId).put("device_profile_id", profileId);
        if (otaa()) {
            body.put("join_eui", joinEui.get()).put("app_key", hex(appKey));
            if (lorawan11()) {
                body.put("nwk_key", hex(nwkKey));
            }
            return body;
        }
        JsonObject abp = new JsonObject().put("dev_addr", devAddr.get())
                .put("app_s_key", hex(abpKeys[abpKeys.length - 1]));
        if (lorawan11()) {
            abp.put("f_nwk_s_int_key", hex(abpKeys[0])).put("s_nwk_s_int_key", hex(abpKeys[1]))
                    .put("nwk_s_enc_key", hex(abpKeys[2]));
        } else {
            abp.put("nwk_s_key", hex(abpKeys[0]));
        }
        return body.put("abp", abp);
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
