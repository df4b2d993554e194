package net.lorawanns.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.core.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyPairTest {
    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static TestPki.Credentials first;
    private static TestPki.Credentials second;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        TestPki.Authority authority = TestPki.authority(dir, "ca");
        first = authority.issue("first");
        second = authority.issue("second");
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void aCertificateWithItsOwnKeyIsUsable() {
        assertNotNull(PemKeyPair.load(vertx, "api.tls_cert", first.certFile().toString(), "api.tls_key",
                first.keyFile().toString()));
    }

    @Test
    void anotherCertificatesKeyIsRefusedNamingTheKeyFile() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> PemKeyPair.load(vertx,
                "api.tls_cert", first.certFile().toString(), "api.tls_key", second.keyFile().toString()));
        assertEquals("api.tls_key", e.key());
        assertTrue(e.getMessage().contains("is not the private key of the certificate"), e.getMessage());
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path rsaKey = Files.writeString(dir.resolve("rsa-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> PemKeyPair.load(vertx,
                "internal_js.tls_cert", first.certFile().toString(), "internal_js.tls_key", rsaKey.toString()));
        assertEquals("internal_js.tls_key", e.key());
    }

    @Test
    void unreadableAndMalformedFilesAreNamed() throws Exception {
        InvalidSettingException missing = assertThrows(InvalidSettingException.class, () -> PemKeyPair.load(vertx,
                "api.tls_cert", dir.resolve("absent.pem").toString(), "api.tls_key", first.keyFile().toString()));
        assertEquals("api.tls_cert", missing.key());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a PEM file");
        InvalidSettingException malformed = assertThrows(InvalidSettingException.class, () -> PemKeyPair.load(vertx,
                "api.tls_cert", first.certFile().toString(), "api.tls_key", garbage.toString()));
        assertEquals("api.tls_key", malformed.key());
        InvalidSettingException notACertificate = assertThrows(InvalidSettingException.class, () -> PemKeyPair.load(
                vertx, "api.tls_cert", garbage.toString(), "api.tls_key", first.keyFile().toString()));
        assertEquals("api.tls_cert", notACertificate.key());
    }
}
