package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.Optional;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfileCache;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.NetworkDefaults;

/** The settings a device works with: its profile's (from the cache), the network's where it says nothing. */
final class DeviceSettings {
    private final DeviceProfileCache profiles;
    private final NetworkDefaults defaults;

    DeviceSettings(DeviceProfileCache profiles, NetworkDefaults defaults) {
        this.profiles = profiles;
        this.defaults = defaults;
    }

    /**
     * Fails with an {@link IllegalArgumentException} when the device's profile names a region this network no longer
     * serves.
     */
    Future<EffectiveProfile> of(Device device) {
        if (device.deviceProfileId().isEmpty()) {
            return Future.succeededFuture(EffectiveProfile.of(device, Optional.empty(), defaults));
        }
        return profiles.get(device.deviceProfileId().get())
                .map(profile -> EffectiveProfile.of(device, profile, defaults));
    }
}
