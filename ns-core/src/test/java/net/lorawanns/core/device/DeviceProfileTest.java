package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A device profile's JSON: what it means, its defaults, and a refusal naming the field for each value outside its
 * LoRaWAN range (TS001 field widths: RX1 delay 1-15 s, RX1DROffset 3 bits, data rates 4 bits, NbTrans 1-15,
 * ping-slot periodicity 0-7; frequencies in 100 Hz steps).
 */
class DeviceProfileTest {
    @Test
    void everySettingIsReadAndWrittenBackAsGiven() {
        JsonObject given = new JsonObject().put("region", "eu868").put("mac_version", "1.0.4")
                .put("reg_params_revision", "RP002-1.0.3").put("supports_class_b", true)
                .put("supports_class_c", false).put("class_b_ping_slot_periodicity", 4).put("rx1_delay", 5)
                .put("rx1_dr_offset", 2).put("rx2_dr", 3).put("rx2_frequency", 869_525_000L)
                .put("extra_channels", new JsonArray(List.of(867_100_000L, 867_300_000L)))
                .put("supports_32bit_fcnt", false).put("adr_enabled", true).put("adr_algorithm", "lora-basics")
                .put("adr_min_dr", 1).put("adr_max_dr", 5).put("adr_installation_margin", 7.5)
                .put("nb_trans_max", 2).put("max_eirp", 14.0).put("dev_status_interval", 3600);
        DeviceProfile profile = DeviceProfile.fromJson("trackers.v2", given);

        assertEquals("trackers.v2", profile.id());
        assertEquals("eu868", profile.regionId());
        assertEquals(MacVersion.LORAWAN_1_0_4, profile.macVersion());
        assertEquals(RegParamsRevision.RP002_1_0_3, profile.regParamsRevision());
        assertEquals(new DeviceProfile.Classes(true, false, OptionalInt.of(4)), profile.classes());
        assertEquals(new DeviceProfile.RxParams(OptionalInt.of(5), OptionalInt.of(2), OptionalInt.of(3),
                OptionalLong.of(869_525_000L)), profile.rx());
        assertEquals(List.of(867_100_000L, 867_300_000L), profile.channels().extraFrequencies());
        assertFalse(profile.supports32BitFCnt());
        assertEquals(new DeviceProfile.Adr(true, "lora-basics", OptionalInt.of(1), OptionalInt.of(5), 7.5,
                OptionalInt.of(2)), profile.adr());
        assertEquals(OptionalDouble.of(14.0), profile.maxEirpDbm());
        assertEquals(Optional.of(Duration.ofHours(1)), profile.devStatusInterval());

        assertEquals(given.copy().put("device_profile_id", "trackers.v2"), profile.toJson());
        assertEquals(profile, DeviceProfile.fromJson("trackers.v2", profile.toJson()));
    }

    @Test
    void leftOutSettingsAreTheNetworksOrTheDocumentedDefaults() {
        DeviceProfile profile = DeviceProfile.fromJson("plain", minimal("us915"));
        assertEquals(new DeviceProfile.Classes(false, false, OptionalInt.empty()), profile.classes());
        assertEquals(new DeviceProfile.RxParams(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                OptionalLong.empty()), profile.rx());
        assertEquals(new DeviceProfile.Channels(List.of(), List.of()), profile.channels());
        assertTrue(profile.supports32BitFCnt());
        assertEquals(new DeviceProfile.Adr(true, "default", OptionalInt.empty(), OptionalInt.empty(), 10,
                OptionalInt.empty()), profile.adr());
        assertEquals(OptionalDouble.empty(), profile.maxEirpDbm());
        assertEquals(Optional.empty(), profile.devStatusInterval(), "no DevStatusReq unless asked for");
    }

    @Test
    void fixedPlansTakeSubBandsAndDynamicPlansExtraChannels() {
        DeviceProfile us = DeviceProfile.fromJson("us", minimal("us915")
                .put("sub_bands", new JsonArray(List.of(1, 2))));
        assertEquals(List.of(1, 2), us.channels().subBands());
        DeviceProfile cn = DeviceProfile.fromJson("cn", minimal("cn470").put("sub_bands", new JsonArray(List.of(12))));
        assertEquals(List.of(12), cn.channels().subBands());
        List<Long> thirteen = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            thirteen.add(867_100_000L + 200_000L * i);
        }
        DeviceProfile eu = DeviceProfile.fromJson("eu", minimal("eu868")
                .put("extra_channels", new JsonArray(thirteen)));
        assertEquals(thirteen, eu.channels().extraFrequencies(), "16 channels with the 3 default ones");
        assertEquals(OptionalLong.of(923_300_000L), DeviceProfile.fromJson("au", minimal("au915")
                .put("rx2_frequency", 923_300_000L)).rx().rx2Frequency());
        // ISM2400 is no RP002 region, and not served.
        assertThrows(IllegalArgumentException.class, () -> DeviceProfile.fromJson("ism", minimal("ism2400")));
    }

    @Test
    void macParametersComeInTheirCommandsPairsAndTheLoRaWAN11OnesOnlyFor11Devices() {
        DeviceProfile profile = DeviceProfile.fromJson("p", minimal("eu868").put("mac_version", "1.1")
                .put("max_duty_cycle", 7).put("adr_ack_limit_exp", 6).put("adr_ack_delay_exp", 5)
                .put("rejoin_max_time_n", 10).put("rejoin_max_count_n", 4));
        assertEquals(new DeviceProfile.MacParams(OptionalInt.of(7), OptionalInt.of(6), OptionalInt.of(5),
                OptionalInt.of(10), OptionalInt.of(4)), profile.mac());
        assertEquals(profile, DeviceProfile.fromJson("p", profile.toJson()));
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> DeviceProfile.fromJson(
                "p", minimal("eu868").put("mac_version", "1.1").put("adr_ack_limit_exp", 6)));
        assertTrue(alone.getMessage().startsWith("adr_ack_delay_exp: "), alone.getMessage());
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class, () -> DeviceProfile.fromJson(
                "p", minimal("eu868").put("rejoin_max_time_n", 10).put("rejoin_max_count_n", 4)));
        assertTrue(old.getMessage().startsWith("rejoin_max_time_n: "), old.getMessage());
    }

    @Test
    void theDevStatusIntervalIsSecondsOrAnIsoDuration() {
        assertEquals(Optional.of(Duration.ofHours(6)), DeviceProfile.fromJson("a", minimal("eu868")
                .put("dev_status_interval", "PT6H")).devStatusInterval());
        assertEquals(Optional.of(Duration.ofDays(1)), DeviceProfile.fromJson("a", minimal("eu868")
                .put("dev_status_interval", 86_400)).devStatusInterval());
        assertEquals(Optional.empty(), DeviceProfile.fromJson("a", minimal("eu868")
                .put("dev_status_interval", 0)).devStatusInterval(), "0: never");
    }

    @Test
    void eachValueOutOfItsRangeIsRefusedNamingItsField() {
        Map<String, Consumer<JsonObject>> cases = new LinkedHashMap<>();
        cases.put("region", json -> json.remove("region"));
        cases.put("region ", json -> json.put("region", "mars"));
        cases.put("mac_version", json -> json.put("mac_version", "2.0"));
        cases.put("mac_version ", json -> json.put("mac_version", 1.1));
        cases.put("reg_params_revision", json -> json.put("reg_params_revision", "RP003"));
        cases.put("rx1_delay", json -> json.put("rx1_delay", 0));
        cases.put("rx1_delay ", json -> json.put("rx1_delay", 16));
        cases.put("rx1_delay  ", json -> json.put("rx1_delay", 1.5));
        cases.put("rx1_delay   ", json -> json.put("rx1_delay", "1"));
        cases.put("rx1_dr_offset", json -> json.put("rx1_dr_offset", 8));
        cases.put("rx2_dr", json -> json.put("rx2_dr", 16));
        cases.put("rx2_dr ", json -> json.put("rx2_dr", -1));
        cases.put("rx2_frequency", json -> json.put("rx2_frequency", 869_525_050L));
        cases.put("rx2_frequency ", json -> json.put("rx2_frequency", 50));
        cases.put("rx2_frequency  ", json -> json.put("rx2_frequency", new BigInteger("99999999999999999999")));
        cases.put("sub_bands", json -> json.put("sub_bands", new JsonArray(List.of(1))));
        cases.put("extra_channels[1]", json -> json.put("extra_channels", new JsonArray(List.of(867_100_000L,
                867_100_000L))));
        cases.put("extra_channels[0]", json -> json.put("extra_channels", new JsonArray(List.of(867_100_001L))));
        cases.put("extra_channels", json -> json.put("extra_channels", new JsonArray(List.of(
                867_100_000L, 867_300_000L, 867_500_000L, 867_700_000L, 867_900_000L, 868_700_000L, 868_900_000L,
                869_100_000L, 869_300_000L, 866_100_000L, 866_300_000L, 866_500_000L, 866_700_000L, 866_900_000L))));
        cases.put("extra_channels ", json -> json.put("extra_channels", "867100000"));
        cases.put("supports_class_c", json -> json.put("supports_class_c", "yes"));
        cases.put("class_b_ping_slot_periodicity", json -> json.put("supports_class_b", true));
        cases.put("class_b_ping_slot_periodicity ", json -> json.put("class_b_ping_slot_periodicity", 3));
        cases.put("class_b_ping_slot_periodicity  ", json -> json.put("supports_class_b", true)
                .put("class_b_ping_slot_periodicity", 8));
        cases.put("class_b_ping_slot_frequency", json -> json.put("class_b_ping_slot_frequency", 869_525_000L));
        cases.put("class_b_ping_slot_frequency ", json -> classB(json).put("class_b_ping_slot_frequency",
                915_000_000L));
        cases.put("class_b_ping_slot_frequency  ", json -> classB(json).put("class_b_ping_slot_frequency",
                869_525_050L));
        cases.put("class_b_ping_slot_dr", json -> json.put("class_b_ping_slot_dr", 3));
        cases.put("class_b_ping_slot_dr ", json -> classB(json).put("class_b_ping_slot_dr", 16));
        cases.put("class_b_ping_slot_dr  ", json -> classB(json).put("class_b_ping_slot_dr", 12));
        cases.put("class_b_beacon_frequency", json -> json.put("class_b_beacon_frequency", 869_525_000L));
        cases.put("class_b_beacon_frequency ", json -> classB(json).put("class_b_beacon_frequency", 433_000_000L));
        cases.put("adr_min_dr", json -> json.put("adr_min_dr", 5).put("adr_max_dr", 3));
        cases.put("adr_max_dr", json -> json.put("adr_max_dr", 16));
        cases.put("adr_algorithm", json -> json.put("adr_algorithm", "my algorithm"));
        cases.put("adr_installation_margin", json -> json.put("adr_installation_margin", -1));
        cases.put("nb_trans_max", json -> json.put("nb_trans_max", 0));
        cases.put("nb_trans_max ", json -> json.put("nb_trans_max", 16));
        cases.put("max_eirp", json -> json.put("max_eirp", 40));
        cases.put("dev_status_interval", json -> json.put("dev_status_interval", -5));
        cases.put("dev_status_interval ", json -> json.put("dev_status_interval", "PT0.5S"));
        cases.put("dev_status_interval  ", json -> json.put("dev_status_interval", "every hour"));
        cases.put("rx3_delay", json -> json.put("rx3_delay", 2));
        cases.put("device_profile_id", json -> json.put("device_profile_id", "another"));
        List<Executable> checks = new ArrayList<>();
        cases.forEach((field, change) -> checks.add(() -> {
            JsonObject json = minimal("eu868");
            change.accept(json);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DeviceProfile.fromJson("p", json), json.encode());
            assertTrue(refused.getMessage().startsWith(field.strip() + ": "), json.encode() + " -> "
                    + refused.getMessage());
        }));
        assertAll(checks);
    }

    @Test
    void classBChannelSettingsAreReadWrittenAndCheckedAgainstTheRegionsDownlinkDataRates() {
        JsonObject given = classB(minimal("us915")).put("class_b_ping_slot_frequency", 923_900_000L)
                .put("class_b_ping_slot_dr", 10).put("class_b_beacon_frequency", 923_300_000L);
        DeviceProfile profile = DeviceProfile.fromJson("b", given);
        assertEquals(new DeviceProfile.Classes(true, false, OptionalInt.of(2), OptionalLong.of(923_900_000L),
                OptionalInt.of(10), OptionalLong.of(923_300_000L)), profile.classes());
        assertEquals(profile, DeviceProfile.fromJson("b", profile.toJson()));
        // US915 DR4 is an uplink data rate only (RP002-1.0.4 Table 2.5.3); its downlinks use DR8-DR13.
        IllegalArgumentException uplinkOnly = assertThrows(IllegalArgumentException.class, () -> DeviceProfile
                .fromJson("b", classB(minimal("us915")).put("class_b_ping_slot_dr", 4)));
        assertEquals("class_b_ping_slot_dr: us915 has no downlink data rate DR4", uplinkOnly.getMessage());
    }

    private static JsonObject classB(JsonObject json) {
        return json.put("supports_class_b", true).put("class_b_ping_slot_periodicity", 2);
    }

    @Test
    void aFixedPlanRefusesExtraChannelsAndSubBandsItHasNot() {
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> DeviceProfile.fromJson(
                "p", minimal("au915").put("extra_channels", new JsonArray(List.of(916_000_000L)))));
        assertTrue(extra.getMessage().startsWith("extra_channels: "), extra.getMessage());
        IllegalArgumentException ninth = assertThrows(IllegalArgumentException.class, () -> DeviceProfile.fromJson(
                "p", minimal("us915").put("sub_bands", new JsonArray(List.of(2, 9)))));
        assertTrue(ninth.getMessage().startsWith("sub_bands[1]: "), ninth.getMessage());
    }

    @Test
    void profileIdsAreShortPlainNames() {
        assertEquals("a.b_c-1", DeviceProfile.checkId("a.b_c-1"));
        for (String bad : new String[] {"", "a b", "a/b", "x".repeat(65), "é"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DeviceProfile.checkId(bad));
            assertTrue(refused.getMessage().startsWith("device_profile_id: "), refused.getMessage());
        }
    }

    private static JsonObject minimal(String region) {
        return new JsonObject().put("region", region).put("mac_version", "1.0.3").put("reg_params_revision",
                "RP002-1.0.1");
    }
}
