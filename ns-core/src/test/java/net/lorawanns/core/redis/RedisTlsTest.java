package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RedisURI;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.core.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://}: the test Redis behind a TLS terminator (a NetServer with a certificate of a test authority that
 * pipes the bytes to Redis). The client trusts the JVM's default trust store, as in production; for the test that is
 * a store holding the test authority alone ({@code javax.net.ssl.trustStore}, restored afterwards).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RedisTlsTest {
    private static final String[] TRUST_PROPERTIES = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
        "javax.net.ssl.trustStoreType"};
    private final String prefix = "tls-test:" + UUID.randomUUID() + ":";
    private final String[] saved = new String[TRUST_PROPERTIES.length];
    @TempDir
    Path dir;
    private TestPki.Authority authority;

    @BeforeEach
    void trustTheTestAuthority() throws Exception {
        authority = TestPki.authority(dir, "redis-tls-test");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("test-ca", authority.certificate());
        Path file = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "trust".toCharArray());
        }
        String[] values = {file.toString(), "trust", "PKCS12"};
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
            System.setProperty(TRUST_PROPERTIES[i], values[i]);
        }
    }

    @AfterEach
    void restoreTheTrustStore() {
        for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(TRUST_PROPERTIES[i]);
            } else {
                System.setProperty(TRUST_PROPERTIES[i], saved[i]);
            }
        }
    }

    /** Listens with TLS on a free port, with a certificate for {@code localhost} (and 127.0.0.1) by default. */
    private Future<NetServer> terminator(Vertx vertx, TestPki.Credentials certificate) {
        RedisURI redis = new RedisURI(TestRedis.url());
        NetClient plain = vertx.createNetClient();
        NetServerOptions options = new NetServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(certificate.certFile().toString()).setKeyPath(certificate.keyFile().toString()));
        return vertx.createNetServer(options).connectHandler(tls -> {
            tls.pause();
            plain.connect(redis.socketAddress().port(), redis.socketAddress().host()).onComplete(connected -> {
                if (connected.failed()) {
                    tls.close();
                    return;
                }
                NetSocket toRedis = connected.result();
                tls.pipeTo(toRedis);
                toRedis.pipeTo(tls);
                tls.resume();
            });
        }).listen(0, "127.0.0.1");
    }

    private static Redis client(Vertx vertx, String url) {
        RedisSettings settings = new RedisSettings(List.of(url), "standalone", "", "", Duration.ofSeconds(5), 100,
                null, null);
        return RedisClients.create(vertx, settings, settings.servers(), new SimpleMeterRegistry());
    }

    /** The lane (a request from an event loop) and the pool (one from outside Vert.x) both speak TLS to Redis. */
    @Test
    void theLaneAndThePoolConnectOverTls(Vertx vertx, VertxTestContext test) throws Exception {
        NetServer server = terminator(vertx, authority.issue("localhost")).await(10, TimeUnit.SECONDS);
        Redis redis = client(vertx, "rediss://localhost:" + server.actualPort());
        String key = prefix + "over-tls";
        CompletableFuture<Response> set = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.SET).arg(key).arg("lane"))
                .onComplete(written -> {
                    if (written.succeeded()) {
                        set.complete(written.result());
                    } else {
                        set.completeExceptionally(written.cause());
                    }
                }));
        assertEquals("OK", set.get(10, TimeUnit.SECONDS).toString(), "the lane wrote over TLS");
        // From the test's thread, outside Vert.x: the pool.
        assertEquals("lane", redis.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString(),
                "the pool reads over TLS what the lane wrote");
        test.completeNow();
    }

    /** A server whose certificate names another host is refused: the host name is verified, not only the chain. */
    @Test
    void aCertificateForAnotherHostIsRefused(Vertx vertx, VertxTestContext test) throws Exception {
        NetServer server = terminator(vertx, authority.issueFor("elsewhere", "elsewhere.example"))
                .await(10, TimeUnit.SECONDS);
        Redis redis = client(vertx, "rediss://localhost:" + server.actualPort());
        CompletableFuture<Throwable> lane = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> redis.send(Request.cmd(Command.PING))
                .onComplete(result -> lane.complete(result.cause())));
        RedisFailure laneRefusal = assertInstanceOf(RedisFailure.class, lane.get(10, TimeUnit.SECONDS));
        assertEquals(RedisFailure.Kind.UNAVAILABLE, laneRefusal.kind());
        // The JDK's words for a certificate that does not name the host (not an untrusted chain, nor no connection).
        assertTrue(laneRefusal.getMessage().contains("No subject alternative DNS name matching localhost"),
                laneRefusal.getMessage());
        // From the test's thread, outside Vert.x: the pool.
        Throwable pool = assertThrows(Exception.class,
                () -> redis.send(Request.cmd(Command.PING)).await(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(pool.getMessage()).contains("No subject alternative DNS name matching localhost"),
                String.valueOf(pool.getMessage()));
        test.completeNow();
    }
}
