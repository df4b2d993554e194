package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfileCache;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.NetworkDefaults;
import net.lorawanns.core.types.MacVersion;

/** The settings a device works with: its profile's (from the cache), the network's where it says nothing. */
final class DeviceSettings {
    private final DeviceProfileCache profiles;
    private final NetworkDefaults defaults;
    /** Devices without a profile differ only in their LoRaWAN version: their settings are made once per version. */
    private final Map<MacVersion, EffectiveProfile> withoutProfile = new ConcurrentHashMap<>();

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
            // Looked up first: computeIfAbsent's function would be made for every frame, found or not.
            EffectiveProfile known = withoutProfile.get(device.macVersion());
            return Future.succeededFuture(known != null ? known : withoutProfile.computeIfAbsent(device.macVersion(),
                    version -> EffectiveProfile.of(device, Optional.empty(), defaults)));
        }
        return profiles.get(device.deviceProfileId().get())
                .map(profile -> EffectiveProfile.of(device, profile, defaults));
    }
}
