package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import net.lorawanns.config.JoinServerEntry;
import net.lorawanns.core.http.BoundedBody;

/**
 * POSTs Backend Interfaces messages to join servers: a Vert.x HTTP client (its own connection pool) per server and
 * TLS setting, TLS 1.2/1.3, our client certificate from the entry's PEM files, and the entry's CA certificate added
 * to the system's trusted roots (never put in their place).
 */
public final class BackendInterfacesClient implements AutoCloseable {
    private static final int POOL_SIZE = 16;
    /** A JoinAns is a few hundred bytes; nothing a join server may say needs more. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public BackendInterfacesClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * POSTs {@code body}; the answer's JSON, or an empty object for an empty 2xx body. Fails with a
     * {@link JoinClientException} that names the cause; an answer larger than {@link #MAX_ANSWER_BYTES} is cut off
     * unread, so that a join server cannot make us hold more. {@code timeout} bounds the whole exchange.
     */
    public Future<JsonObject> post(URI server, JoinServerEntry settings, JsonObject body, Duration timeout) {
        HttpClient client;
        try {
            client = clients.computeIfAbsent(server.getScheme() + "://" + server.getAuthority() + "|"
                    + settings.caCert() + "|" + settings.tlsCert(), key -> create(server, settings, timeout));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new JoinClientException(e.getMessage()));
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(server.toString())
                .setIdleTimeout(timeout.toMillis()).setFollowRedirects(false)
                .putHeader("Content-Type", "application/json").putHeader("User-Agent", "lorawan-ns");
        return client.request(options).compose(request -> {
            long deadline = vertx.setTimer(timeout.toMillis(), t -> request.reset(0,
                    new TimeoutException("no complete answer within " + timeout.toMillis() + " ms")));
            return request.send(Buffer.buffer(body.encode()))
                    .compose(response -> BoundedBody.read(response, MAX_ANSWER_BYTES)
                            .map(text -> new Answer(response.statusCode(), text.toString())))
                    .onComplete(done -> vertx.cancelTimer(deadline));
        }).recover(e -> Future.failedFuture(new JoinClientException(e instanceof BoundedBody.BodyTooLargeException
                ? e.getMessage() : TransportErrors.describe(e, server, timeout))))
                .compose(answer -> {
                    String text = answer.body();
                    if (answer.status() / 100 != 2) {
                        return Future.failedFuture(new JoinClientException("HTTP " + answer.status()
                                + (text.isBlank() ? "" : ": " + abbreviate(text))));
                    }
                    if (text.isBlank()) {
                        return Future.succeededFuture(new JsonObject());
                    }
                    try {
                        return Future.succeededFuture(new JsonObject(text));
                    } catch (RuntimeException e) {
                        return Future.failedFuture(new JoinClientException("the answer is not JSON: " + abbreviate(text)));
                    }
                });
    }

    private record Answer(int status, String body) {
    }

    private HttpClient create(URI server, JoinServerEntry settings, Duration timeout) {
        HttpClientOptions options = new HttpClientOptions().setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis());
        if ("https".equals(server.getScheme())) {
            options.setSsl(true).setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
            if (!settings.caCert().isEmpty()) {
                options.setTrustOptions(TrustOptions.wrap(systemRootsPlus(Path.of(settings.caCert()))));
            }
            if (!settings.tlsCert().isEmpty()) {
                options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.tlsCert())
                        .setKeyPath(settings.tlsKey()));
            }
        }
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    }

    /** The JDK's trusted roots plus one CA certificate file. */
    static TrustManager systemRootsPlus(Path caFile) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (TrustManager manager : system.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, root);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("configured-" + n++, ca);
                }
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read CA certificate " + caFile + ": " + e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        clients.clear();
    }
}
