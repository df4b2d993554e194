package net.lorawanns.js.transfer;

import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owner's key of an export: PEM or JWK, RSA of 2048 bits or more, the public half only. */
class OwnerPublicKeyTest {
    @Test
    void aPemAndAJwkOf2048BitsAreTaken() throws Exception {
        KeyPair pair = RootKeyExportTest.rsa(2048);
        OwnerPublicKey fromPem = OwnerPublicKey.parse(pem(pair.getPublic().getEncoded()));
        assertEquals(pair.getPublic(), fromPem.key());
        assertEquals("", fromPem.keyId());
        OwnerPublicKey fromJwk = OwnerPublicKey.parse(new JsonObject(new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .keyID("owner-1").build().toJSONObject()));
        assertEquals(pair.getPublic(), fromJwk.key());
        assertEquals("owner-1", fromJwk.keyId());
        assertEquals(fromPem.thumbprint(), fromJwk.thumbprint());
    }

    @Test
    void smallKeysOtherTypesAndPrivateHalvesAreRefused() throws Exception {
        KeyPair small = RootKeyExportTest.rsa(1024);
        assertRefused(pem(small.getPublic().getEncoded()), "1024 bits is too small");
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertRefused(pem(ec.generateKeyPair().getPublic().getEncoded()), "is an EC key, not RSA");
        KeyPair pair = RootKeyExportTest.rsa(2048);
        assertRefused(new JsonObject(new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .privateKey((RSAPrivateKey) pair.getPrivate()).build().toJSONObject()), "send only the public half");
        assertRefused(new JsonObject().put("kty", "oct").put("k", "AAAA"), "not RSA");
        assertRefused("-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----", "not base64");
        assertRefused("ssh-rsa AAAA", "starts with -----BEGIN PUBLIC KEY-----");
        // Its BEGIN and END lines overlap: there is nothing between them.
        assertRefused("-----BEGIN PUBLIC KEY-----END PUBLIC KEY-----", "starts with -----BEGIN PUBLIC KEY-----");
        assertRefused(42, "a PEM string");
    }

    private static void assertRefused(Object given, String reason) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OwnerPublicKey.parse(given));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }
}
