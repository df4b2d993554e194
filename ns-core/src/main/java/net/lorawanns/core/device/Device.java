package net.lorawanns.core.device;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * What the network server knows of a device (never its root keys, which only the join server holds).
 *
 * @param joinEui the JoinEUI for OTAA devices; empty for ABP devices
 * @param relaxFCnt accept a frame counter that went backwards as a reset (ABP devices that lose their counter
 *                  on power loss); off by default since it weakens replay protection
 * @param deviceProfileId the {@link DeviceProfile} the device follows; empty: the network's defaults
 */
public record Device(Eui64 devEui, Optional<Eui64> joinEui, MacVersion macVersion, String applicationId,
                     boolean relaxFCnt, Optional<String> deviceProfileId) {
    public Device {
        Objects.requireNonNull(devEui, "devEui");
        Objects.requireNonNull(joinEui, "joinEui");
        Objects.requireNonNull(macVersion, "macVersion");
        Objects.requireNonNull(applicationId, "applicationId");
        deviceProfileId.ifPresent(DeviceProfile::checkId);
    }

    public boolean otaa() {
        return joinEui.isPresent();
    }

    /** The record as stored; {@code relax_fcnt} only when on, since a million records each keep it. */
    JsonObject toJson() {
        JsonObject json = new JsonObject().put("dev_eui", devEui.toString()).put("mac_version", macVersion.toString())
                .put("application_id", applicationId);
        if (relaxFCnt) {
            json.put("relax_fcnt", true);
        }
        joinEui.ifPresent(eui -> json.put("join_eui", eui.toString()));
        deviceProfileId.ifPresent(id -> json.put("device_profile_id", id));
        return json;
    }
}
