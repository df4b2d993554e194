package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.core.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The API over TLS with a certificate made in the test, and {@code api-key create|list|revoke} run as an operator
 * would against that running server: the key it prints works with its scope, list never shows it, revoke ends it;
 * the creation and the revocation are logged with the key's ID and who, never the key.
 */
class ApiKeyCommandTest {
    private static final String ADMIN_KEY = "api-key-command-test-admin-0123456789";
    private static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";

    @TempDir
    Path dir;
    private TestPki.Authority ca;
    private Server server;
    private HttpClient https;

    @BeforeEach
    void start() throws Exception {
        ca = TestPki.authority(dir, "api-ca");
        TestPki.Credentials credentials = ca.issue("api-server");
        server = Server.start(new ConfigLoader().load(config(credentials.certFile(), credentials.keyFile())));
        https = HttpClient.newBuilder().sslContext(trusting(ca.certFile())).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path config(Path cert, Path key) throws IOException {
        return ApiTestServers.config(dir.resolve("ns-" + System.nanoTime() + ".toml"), MASTER_KEY, ADMIN_KEY,
                "tls_cert = \"" + cert + "\"\ntls_key = \"" + key + "\"");
    }

    @Test
    void theApiSpeaksHttpsOnlyOnItsPort() throws Exception {
        assertEquals(200, get(ADMIN_KEY, "/api/v1/gateways").statusCode());
        assertEquals(200, get(ADMIN_KEY, "/console").statusCode(), "the web console, on the same port and TLS");
        HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort()
                + "/api/v1/gateways")).header("Authorization", "Bearer " + ADMIN_KEY)
                .timeout(Duration.ofSeconds(10)).build();
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(plain,
                HttpResponse.BodyHandlers.ofString()), "a plain HTTP request on the TLS port gets no answer");
    }

    @Test
    void aCertificateThatIsNotPemStopsStartUpNamingTheKey() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not-a-cert.pem"), "not a certificate\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Server.start(new ConfigLoader().load(config(notPem, notPem))));
        assertEquals("api.tls_cert", e.key());
    }

    @Test
    void createListAndRevokeThroughTheCommandLine() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger("net.lorawanns.core.api.ApiKeyResource");
        ListAppender<ILoggingEvent> auditLines = new ListAppender<>();
        auditLines.start();
        audit.addAppender(auditLines);
        audit.setLevel(Level.INFO);
        CommandRun created = run("api-key", "create", "--scope", "application:app-1", "--name", "field team");
        assertEquals(0, created.status(), created.err());
        String key = created.out().strip();
        Matcher form = Pattern.compile("lnk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}").matcher(key);
        assertTrue(form.matches(), created.out());
        String id = form.group(1);
        assertTrue(created.err().contains("only time the key is shown"), created.err());

        assertEquals(200, get(key, "/api/v1/gateways").statusCode());
        assertEquals(403, get(key, "/api/v1/applications/app-2").statusCode());

        CommandRun listed = run("api-key", "list");
        assertEquals(0, listed.status(), listed.err());
        assertTrue(listed.out().contains(id) && listed.out().contains("application:app-1")
                && listed.out().contains("field team"), listed.out());
        assertFalse(listed.out().contains(key.substring(22)), listed.out());

        CommandRun refused = run("api-key", "list", "--api-key", key);
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("HTTP 403"), refused.err());

        CommandRun revoked = run("api-key", "revoke", id);
        assertEquals(0, revoked.status(), revoked.err());
        assertTrue(revoked.out().contains("Revoked API key " + id), revoked.out());
        assertEquals(401, get(key, "/api/v1/gateways").statusCode());
        String admin = "api-key:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(ADMIN_KEY.getBytes(StandardCharsets.UTF_8)), 0, 4);
        List<String> logged = auditLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("API key " + id + " created with scope application:app-1 by " + admin,
                "API key " + id + " (scope application:app-1) revoked by " + admin), logged);
        audit.detachAppender(auditLines);
        audit.setLevel(null);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("lorawan_api_requests_refused_total{reason=\"revoked\"} 1.0"), metrics);
        assertTrue(metrics.contains("lorawan_api_requests_refused_total{reason=\"scope\"} 2.0"), metrics);

        assertEquals(CommandLine.ExitCode.USAGE, run("api-key", "revoke", "../devices/0000000000000001").status());
        CommandRun nobody = run("api-key", "list", "--url", "http://127.0.0.1:1");
        assertEquals(1, nobody.status());
        assertTrue(nobody.err().contains("cannot reach the API"), nobody.err());
    }

    /** Runs the launcher with the server's URL, the CA and the admin key, unless the arguments give their own. */
    private CommandRun run(String... args) {
        return CommandRun.run(CommandRun.withDefaults(List.of(args), "--url", "https://localhost:" + server.apiPort(),
                "--ca-cert", ca.certFile().toString(), "--api-key", ADMIN_KEY));
    }

    private HttpResponse<String> get(String apiKey, String path) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.apiPort() + path))
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
