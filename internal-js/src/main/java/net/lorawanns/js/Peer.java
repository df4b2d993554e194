package net.lorawanns.js;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import net.lorawanns.config.JsClientSettings;
import net.lorawanns.core.limits.TokenBucket;
import net.lorawanns.core.types.NetId;

/**
 * A client of the Backend Interfaces endpoint, known by its TLS client certificate or the CA that issued it, with
 * what it may speak for and how keys are sent to it.
 */
final class Peer {
    final String name;
    final Set<NetId> netIds;
    final Set<String> nsIds;
    final Set<String> asIds;
    final String nsKekLabel;
    final String asKekLabel;
    final boolean sendAppSKey;
    final Path trustFile;
    private final X509Certificate certificate;
    private final boolean isAuthority;
    private final TokenBucket bucket;

    private Peer(JsClientSettings settings, Path trustFile, X509Certificate certificate, boolean isAuthority) {
        this.name = settings.name();
        this.netIds = settings.netIds().stream().map(NetId::parse).collect(Collectors.toUnmodifiableSet());
        this.nsIds = Set.copyOf(settings.nsIds());
        this.asIds = Set.copyOf(settings.asIds());
        this.nsKekLabel = settings.nsKekLabel();
        this.asKekLabel = settings.asKekLabel();
        this.sendAppSKey = settings.sendAppSKey();
        this.trustFile = trustFile;
        this.certificate = certificate;
        this.isAuthority = isAuthority;
        this.bucket = new TokenBucket(settings.rateLimit(), System.nanoTime());
    }

    /** Reads the peer's certificate file; an unreadable one stops start-up with the file named. */
    static Peer of(JsClientSettings settings) {
        boolean isAuthority = !settings.caCert().isEmpty();
        Path file = Path.of(isAuthority ? settings.caCert() : settings.cert());
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return new Peer(settings, file, cert, isAuthority);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("client '" + settings.name() + "': " + file
                    + " is not a PEM X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /** Whether the client certificate the TLS handshake verified is this peer's, or issued by its CA. */
    boolean identifies(X509Certificate client) {
        if (!isAuthority) {
            try {
                return Arrays.equals(client.getEncoded(), certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        if (!client.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            client.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    synchronized boolean admit() {
        return bucket.tryAcquire(System.nanoTime());
    }
}
