package net.lorawanns.joinclient;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * What one TLS handshake did with our trust and client certificate, noted by wrappers that leave every decision to
 * the wrapped managers: the chain the server presented and whether it was trusted (the host name check included:
 * the JDK performs it inside the trust manager it is given), and whether the server asked for our certificate. The
 * wrappers run on the connection's event loop; the fields are read after the handshake's outcome.
 */
final class TlsObservation {
    private volatile List<X509Certificate> serverChain = List.of();
    private volatile Optional<CertificateException> trustFailure = Optional.empty();
    private volatile boolean clientCertificateRequested;
    private volatile Optional<X509Certificate> clientCertificateSent = Optional.empty();
    private volatile Optional<X509Certificate> clientCertificateConfigured = Optional.empty();
    private volatile List<String> acceptedIssuers = List.of();

    List<X509Certificate> serverChain() {
        return serverChain;
    }

    /** Why the server's chain or host name was refused; empty when it was accepted or never seen. */
    Optional<CertificateException> trustFailure() {
        return trustFailure;
    }

    /** The server sent a CertificateRequest. */
    boolean clientCertificateRequested() {
        return clientCertificateRequested;
    }

    /** Our certificate, when one was sent. */
    Optional<X509Certificate> clientCertificateSent() {
        return clientCertificateSent;
    }

    /** Our configured certificate, whether or not it was sent. */
    Optional<X509Certificate> clientCertificateConfigured() {
        return clientCertificateConfigured;
    }

    /** The issuers the server's CertificateRequest named: it accepts client certificates of these only. */
    List<String> acceptedIssuers() {
        return acceptedIssuers;
    }

    /** The first certificate {@code keys} holds for one of {@code keyTypes}. */
    private static Optional<X509Certificate> configured(X509KeyManager keys, String[] keyTypes) {
        for (String keyType : keyTypes) {
            String[] aliases = keys.getClientAliases(keyType, null);
            X509Certificate[] chain = aliases == null || aliases.length == 0 ? null
                    : keys.getCertificateChain(aliases[0]);
            if (chain != null && chain.length > 0) {
                return Optional.of(chain[0]);
            }
        }
        return Optional.empty();
    }

    X509ExtendedTrustManager trusting(X509TrustManager delegate) {
        if (!(delegate instanceof X509ExtendedTrustManager extended)) {
            throw new IllegalStateException("the JDK's trust manager checks no host names: " + delegate.getClass());
        }
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                serverChain = List.of(chain);
                try {
                    extended.checkServerTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    trustFailure = Optional.of(e);
                    throw e;
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("the check connects with an SSLEngine only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("the check connects with an SSLEngine only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("a client checks no client certificates");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("a client checks no client certificates");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client checks no client certificates");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return extended.getAcceptedIssuers();
            }
        };
    }

    /** A key manager that offers {@code delegate}'s certificate, or none when empty (as the TLS stack does then). */
    X509ExtendedKeyManager keying(Optional<X509KeyManager> delegate) {
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                clientCertificateRequested = true;
                acceptedIssuers = issuers == null ? List.of()
                        : Arrays.stream(issuers).map(Principal::getName).toList();
                if (delegate.isEmpty()) {
                    return null;
                }
                clientCertificateConfigured = configured(delegate.get(), keyType);
                String alias = delegate.get() instanceof X509ExtendedKeyManager extended
                        ? extended.chooseEngineClientAlias(keyType, issuers, engine)
                        : delegate.get().chooseClientAlias(keyType, issuers, null);
                X509Certificate[] chain = alias == null ? null : delegate.get().getCertificateChain(alias);
                if (chain != null && chain.length > 0) {
                    clientCertificateSent = Optional.of(chain[0]);
                }
                return alias;
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return delegate.map(d -> d.getClientAliases(keyType, issuers)).orElse(null);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return delegate.map(d -> d.getCertificateChain(alias)).orElse(null);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return delegate.map(d -> d.getPrivateKey(alias)).orElse(null);
            }
        };
    }
}
