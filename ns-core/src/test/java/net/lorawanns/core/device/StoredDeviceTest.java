package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.Test;

/** Device records as Redis holds them, written out here as text, read back from their bytes. */
class StoredDeviceTest {
    @Test
    void readsAnOtaaRecordWithItsGenerationAndSkipsFieldsItDoesNotKnow() {
        StoredDevice stored = StoredDevice.read(utf8("{\"dev_eui\":\"0102030405060708\",\"mac_version\":\"1.0.3\","
                + "\"application_id\":\"fleet-é\",\"note\":{\"a\":[1,{\"b\":null}],\"dev_eui\":\"FFFFFFFFFFFFFFFF\"},"
                + "\"relax_fcnt\":true,\"join_eui\":\"70b3d57ed0000000\",\"device_profile_id\":\"class-a\","
                + "\"profile_ref\":9007199254740993}"));
        assertEquals(new Device(new Eui64(0x0102030405060708L), Optional.of(new Eui64(0x70B3D57ED0000000L)),
                MacVersion.LORAWAN_1_0_3, "fleet-é", true, Optional.of("class-a")), stored.device());
        assertEquals(9007199254740993L, stored.profileRef());
    }

    @Test
    void readsAnAbpRecordOlderThanGenerations() {
        StoredDevice stored = StoredDevice.read(utf8(
                "{\"dev_eui\":\"00000000000000A1\",\"mac_version\":\"1.1.0\",\"application_id\":\"app\"}"));
        assertEquals(new Device(new Eui64(0xA1), Optional.empty(), MacVersion.LORAWAN_1_1_0, "app", false,
                Optional.empty()), stored.device());
        assertEquals(0, stored.profileRef());
    }

    @Test
    void readsWhatTheStoreWrites() {
        Device device = new Device(new Eui64(0x8000000000000001L), Optional.of(new Eui64(1)),
                MacVersion.LORAWAN_1_0_4, "app", false, Optional.of("p"));
        StoredDevice stored = StoredDevice.read(utf8(device.toJson().put("profile_ref", 42).encode()));
        assertEquals(device, stored.device());
        assertEquals(42, stored.profileRef());
    }

    @Test
    void namesWhatIsWrongWithARecordItCannotRead() {
        assertMessage("a device record is a JSON object", "[]");
        assertMessage("a device record is not JSON", "{\"dev_eui\":");
        assertMessage("a device record has dev_eui, mac_version and application_id",
                "{\"dev_eui\":\"0102030405060708\",\"mac_version\":\"1.0.3\"}");
        assertMessage("a device record's relax_fcnt is true or false",
                "{\"dev_eui\":\"0102030405060708\",\"relax_fcnt\":1}");
        assertMessage("a device record's application_id is a string", "{\"application_id\":7}");
        assertMessage("a device record's profile_ref is a whole number", "{\"profile_ref\":\"1\"}");
    }

    private static void assertMessage(String expected, String record) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoredDevice.read(utf8(record)));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
