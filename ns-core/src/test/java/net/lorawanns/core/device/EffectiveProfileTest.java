package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;

/** The settings a device works with: its profile's, the rest from the network's defaults for the profile's region. */
class EffectiveProfileTest {
    /**
     * The defaults as an operator's network might set them: EU868 and US915 values of RP002-1.0.3 (RX2 869.525 MHz
     * DR0 and 923.3 MHz DR8; uplink DR0-5 and DR0-4; EIRP 16 and 30 dBm) with RX1 after 2 s in EU868.
     */
    private static final RegionDefaults EU868 = new RegionDefaults("eu868", 2, 0, 0,
            869_525_000L, 0, 5, 16);
    private static final RegionDefaults US915 = new RegionDefaults("us915", 1, 0, 8,
            923_300_000L, 0, 4, 30);
    private static final NetworkDefaults NETWORK = new NetworkDefaults("eu868", Map.of("eu868", EU868,
            "us915", US915));
    private static final Device WITHOUT_PROFILE = device(Optional.empty());

    @Test
    void aDeviceWithoutAProfileWorksOnTheNetworksRegionAndDefaults() {
        EffectiveProfile settings = EffectiveProfile.of(WITHOUT_PROFILE, Optional.empty(), NETWORK);
        // A LoRaWAN 1.0.3 device without a profile is taken to implement the Regional Parameters published with
        // it, 1.0.3revA.
        assertEquals(new EffectiveProfile(Optional.empty(), "eu868", MacVersion.LORAWAN_1_0_3,
                RegParamsRevision.RP_1_0_3_A, new DeviceProfile.Classes(false, false, OptionalInt.empty()), 2, 0, 0,
                869_525_000L, new DeviceProfile.Channels(List.of(), List.of()), true,
                new EffectiveProfile.Adr(true, "default", 0, 5, 10, 15), 16, Optional.empty(),
                DeviceProfile.MacParams.NONE, Duration.ofSeconds(5), Duration.ofSeconds(5)), settings);
    }

    @Test
    void aProfilesSettingsWinAndWhatItLeavesOutIsItsRegionsDefault() {
        DeviceProfile profile = DeviceProfile.fromJson("us-sensors", new JsonObject().put("region", "us915")
                .put("mac_version", "1.0.3").put("reg_params_revision", "1.0.2rB").put("supports_class_c", true)
                .put("rx1_delay", 3).put("rx2_dr", 10).put("sub_bands", new JsonArray(List.of(2)))
                .put("supports_32bit_fcnt", false).put("adr_enabled", false).put("adr_min_dr", 1)
                .put("nb_trans_max", 3).put("max_eirp", 20).put("dev_status_interval", "PT12H")
                .put("class_c_timeout", 30));
        EffectiveProfile settings = EffectiveProfile.of(device(Optional.of("us-sensors")), Optional.of(profile),
                NETWORK);
        assertEquals(new EffectiveProfile(Optional.of("us-sensors"), "us915", MacVersion.LORAWAN_1_0_3,
                RegParamsRevision.RP_1_0_2_B, new DeviceProfile.Classes(false, true, OptionalInt.empty()), 3, 0, 10,
                923_300_000L, new DeviceProfile.Channels(List.of(), List.of(2)), false,
                new EffectiveProfile.Adr(false, "default", 1, 4, 10, 3), 20, Optional.of(Duration.ofHours(12)),
                DeviceProfile.MacParams.NONE, Duration.ofSeconds(30), Duration.ofSeconds(5)), settings);
    }

    @Test
    void aProfileCannotTakeADeviceBeyondItsRegionsLimits() {
        DeviceProfile profile = DeviceProfile.fromJson("bold", new JsonObject().put("region", "eu868")
                .put("mac_version", "1.0.3").put("reg_params_revision", "RP002-1.0.3").put("adr_min_dr", 7)
                .put("adr_max_dr", 15).put("max_eirp", 30));
        EffectiveProfile settings = EffectiveProfile.of(device(Optional.of("bold")), Optional.of(profile), NETWORK);
        assertEquals(new EffectiveProfile.Adr(true, "default", 5, 5, 10, 15), settings.adr());
        assertEquals(16, settings.maxEirpDbm());
    }

    @Test
    void aProfileOfARegionTheNetworkNoLongerServesIsNamedInTheRefusal() {
        DeviceProfile profile = DeviceProfile.fromJson("asia", new JsonObject().put("region", "as923")
                .put("mac_version", "1.0.3").put("reg_params_revision", "RP002-1.0.3"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EffectiveProfile.of(device(Optional.of("asia")), Optional.of(profile), NETWORK));
        assertTrue(refused.getMessage().contains("as923"), refused.getMessage());
    }

    private static Device device(Optional<String> profileId) {
        return new Device(Eui64.parse("0004A30B001C0530"), Optional.empty(), MacVersion.LORAWAN_1_0_3, "app", false,
                profileId);
    }
}
