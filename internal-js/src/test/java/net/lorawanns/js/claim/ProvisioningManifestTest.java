package net.lorawanns.js.claim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning manifests in JSON and CSV. The root keys are wrapped in the test with the JDK's own RFC 3394 cipher
 * (AESWrap), not the server's code, and must come out unwrapped as they went in.
 */
class ProvisioningManifestTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final byte[] KEK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    private static final Map<String, AesKey> KEKS = Map.of("factory", AesKey.of(KEK));
    private static final byte[] APP_KEY = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] NWK_KEY = HEX.parseHex("00112233445566778899AABBCCDDEEFF");

    static String wrap(byte[] kek, byte[] key) throws Exception {
        Cipher cipher = Cipher.getInstance("AESWrap");
        cipher.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
        return HEX.formatHex(cipher.wrap(new SecretKeySpec(key, "AES")));
    }

    @Test
    void aJsonManifestUnwrapsEachRootKey() throws Exception {
        JsonArray devices = new JsonArray()
                .add(device("70B3D57ED0000001", "1.0.3").put("app_key", wrap(KEK, APP_KEY)))
                .add(device("70B3D57ED0000002", "1.1.0").put("app_key", wrap(KEK, APP_KEY))
                        .put("nwk_key", wrap(KEK, NWK_KEY)));
        ProvisioningManifest manifest = ProvisioningManifest.json(devices.encode(), KEKS);
        assertEquals(List.of(), manifest.errors());
        assertEquals(2, manifest.devices().size());
        ManifestDevice first = manifest.devices().get(0);
        assertEquals(1, first.row());
        assertEquals(Eui64.parse("70B3D57ED0000001"), first.devEui());
        assertEquals(MacVersion.LORAWAN_1_0_3, first.rootKeys().macVersion());
        assertEquals(AesKey.of(APP_KEY), first.rootKeys().appKey());
        assertEquals(Optional.empty(), first.rootKeys().nwkKey());
        assertEquals(OwnerToken.of("TOKEN-70B3D57ED0000001"), first.ownerToken());
        assertEquals(DeviceClaiming.NO_HOME, first.rootKeys().homeNetId());
        assertEquals(Optional.of(AesKey.of(NWK_KEY)), manifest.devices().get(1).rootKeys().nwkKey());
        assertFalse(first.toString().contains("TOKEN-"), first.toString());
    }

    @Test
    void aCsvManifestHasAHeaderRowAndRowsCountedAsLines() throws Exception {
        String csv = "dev_eui,join_eui,mac_version,kek_label,app_key,nwk_key,owner_token\r\n"
                + "70B3D57ED0000001,70B3D57ED0000000,1.0.3,factory," + wrap(KEK, APP_KEY) + ",,TOKEN-1\r\n"
                + "\r\n"
                + "70B3D57ED0000002,70B3D57ED0000000,1.1," + "factory," + wrap(KEK, APP_KEY) + ","
                + wrap(KEK, NWK_KEY) + ",\"TOKEN,2\"\r\n";
        ProvisioningManifest manifest = ProvisioningManifest.csv(csv, KEKS);
        assertEquals(List.of(), manifest.errors());
        assertEquals(List.of(2, 4), manifest.devices().stream().map(ManifestDevice::row).toList());
        assertEquals(AesKey.of(APP_KEY), manifest.devices().get(0).rootKeys().appKey());
        assertEquals(OwnerToken.of("TOKEN,2"), manifest.devices().get(1).ownerToken());
        assertEquals(Optional.of(AesKey.of(NWK_KEY)), manifest.devices().get(1).rootKeys().nwkKey());
    }

    @Test
    void everyFaultIsNamedByRowAndFieldAndNothingIsKept() throws Exception {
        byte[] otherKek = HEX.parseHex("FFEEDDCCBBAA99887766554433221100");
        JsonArray devices = new JsonArray()
                .add(device("70B3D57ED0000001", "1.0.3").put("app_key", wrap(KEK, APP_KEY)))
                .add(device("70B3D57ED0000002", "1.0.3").put("app_key", wrap(otherKek, APP_KEY)))
                .add(device("70B3D57ED0000003", "1.1.0").put("app_key", wrap(KEK, APP_KEY)))
                .add(device("70B3D57ED0000004", "1.0.3").put("app_key", wrap(KEK, APP_KEY)).put("kek_label", "nope"))
                .add(device("70B3D57ED0000001", "1.0.3").put("app_key", wrap(KEK, APP_KEY)))
                .add(device("70B3D57ED00000X5", "1.0.3").put("app_key", wrap(KEK, APP_KEY)).put("owner_token", "a:b"))
                .add("not an object");
        ProvisioningManifest manifest = ProvisioningManifest.json(devices.encode(), KEKS);
        assertEquals(List.of(), manifest.devices(), "nothing is provisioned from a manifest with faults");
        List<String> faults = manifest.errors().stream().map(e -> e.row() + "/" + e.field()).toList();
        assertEquals(List.of("2/app_key", "3/nwk_key", "4/kek_label", "5/dev_eui", "6/dev_eui", "6/owner_token",
                "7/"), faults);
        String all = manifest.errors().toString();
        assertFalse(all.contains(wrap(otherKek, APP_KEY)), "a wrapped key is never repeated: " + all);
        assertFalse(all.contains("a:b"), "an owner token is never repeated: " + all);
    }

    @Test
    void aCsvManifestWithAnUnknownColumnOrAShortLineIsRefused() throws Exception {
        assertEquals("1/app_keys", first(ProvisioningManifest.csv("dev_eui,app_keys\n", KEKS)));
        String shortLine = "dev_eui,join_eui,mac_version,kek_label,app_key,owner_token\n70B3D57ED0000001,x\n";
        assertEquals("2/", first(ProvisioningManifest.csv(shortLine, KEKS)));
        assertEquals("0/", first(ProvisioningManifest.json("{\"not\": \"an array\"}", KEKS)));
        assertTrue(ProvisioningManifest.json("[]", KEKS).errors().get(0).message().contains("no device"));
    }

    private static String first(ProvisioningManifest manifest) {
        ManifestError error = manifest.errors().get(0);
        return error.row() + "/" + error.field();
    }

    private static JsonObject device(String devEui, String version) {
        return new JsonObject().put("dev_eui", devEui).put("join_eui", "70B3D57ED0000000").put("mac_version", version)
                .put("kek_label", "factory").put("owner_token", "TOKEN-" + devEui);
    }
}
