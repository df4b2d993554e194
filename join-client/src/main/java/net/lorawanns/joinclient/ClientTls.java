package net.lorawanns.joinclient;

import io.vertx.core.Vertx;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.core.http.PemKeyPair;

/**
 * The TLS side of calling one join server: a CA certificate added to the JDK's trusted roots (never put in their
 * place, which would break servers with public certificates) and our client certificate. The PEM files are read
 * and parsed once, when the server starts (on the starting thread), so that no join ever waits for a file; a bad file
 * fails start-up with {@link InvalidSettingException} naming the key ({@code ca_cert}, {@code tls_cert},
 * {@code tls_key}).
 */
public final class ClientTls {
    /** The JDK's trusted roots and no client certificate. */
    public static final ClientTls SYSTEM = new ClientTls("system", Optional.empty(), Optional.empty());

    private final String id;
    private final Optional<TrustOptions> trust;
    private final Optional<KeyCertOptions> keyCert;

    private ClientTls(String id, Optional<TrustOptions> trust, Optional<KeyCertOptions> keyCert) {
        this.id = id;
        this.trust = trust;
        this.keyCert = keyCert;
    }

    /** Reads the files; an empty path means "not set". */
    public static ClientTls load(Vertx vertx, String caCert, String tlsCert, String tlsKey) {
        if (caCert.isEmpty() && tlsCert.isEmpty()) {
            return SYSTEM;
        }
        Optional<TrustOptions> trust = caCert.isEmpty() ? Optional.empty()
                : Optional.of(TrustOptions.wrap(systemRootsPlus(Path.of(caCert))));
        Optional<KeyCertOptions> keyCert = Optional.empty();
        if (!tlsCert.isEmpty()) {
            keyCert = Optional.of(PemKeyPair.load(vertx, "tls_cert", tlsCert, "tls_key", tlsKey));
        }
        return new ClientTls(caCert + "|" + tlsCert, trust, keyCert);
    }

    /** Identifies the files, so that HTTP clients are shared by servers with the same TLS settings only. */
    String id() {
        return id;
    }

    void applyTo(ClientOptionsBase options) {
        trust.ifPresent(options::setTrustOptions);
        keyCert.ifPresent(options::setKeyCertOptions);
    }

    /**
     * The same trust and client certificate, with {@code observation} told what the handshake does with them: the
     * server's chain and the trust verdict, and whether the server asked for our certificate. The JDK's roots stand
     * in for "no ca_cert", as the TLS stack uses them then.
     */
    ClientTls observed(Vertx vertx, TlsObservation observation) throws Exception {
        TrustManagerFactory trustFactory;
        if (trust.isPresent()) {
            trustFactory = trust.get().getTrustManagerFactory(vertx);
        } else {
            trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustFactory.init((KeyStore) null);
        }
        Optional<X509KeyManager> keys = Optional.empty();
        if (keyCert.isPresent()) {
            for (KeyManager manager : keyCert.get().getKeyManagerFactory(vertx).getKeyManagers()) {
                if (manager instanceof X509KeyManager x509) {
                    keys = Optional.of(x509);
                }
            }
        }
        return new ClientTls(id + "|observed", Optional.of(TrustOptions.wrap(observation.trusting(
                (X509TrustManager) trustFactory.getTrustManagers()[0]))),
                Optional.of(KeyCertOptions.wrap(observation.keying(keys))));
    }

    /** The JDK's trusted roots plus the certificates of one PEM file. */
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
            int configured = 0;
            try (InputStream in = Files.newInputStream(caFile)) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("configured-" + n++, ca);
                    configured++;
                }
            }
            if (configured == 0) {
                throw new InvalidSettingException("ca_cert", caFile + " holds no PEM certificate");
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSettingException("ca_cert", "cannot read CA certificate " + caFile + ": " + e.getMessage());
        }
    }
}
