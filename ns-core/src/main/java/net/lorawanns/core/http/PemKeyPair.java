package net.lorawanns.core.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509KeyManager;
import net.lorawanns.config.InvalidSettingException;

/**
 * A certificate and its private key, read from PEM files once at start-up (on the starting thread) and checked to
 * belong together: a key that does not match its certificate would otherwise pass start-up and fail every TLS
 * handshake later. Errors are {@link InvalidSettingException}s naming the configuration key of the file at fault;
 * they never hold key material.
 */
public final class PemKeyPair {
    /** The key algorithms a server certificate's key may have (JSSE key manager key types). */
    private static final String[] KEY_TYPES = {"RSA", "EC", "EdDSA"};

    private PemKeyPair() {
    }

    /**
     * The key and certificate of {@code certPath} and {@code keyPath}, ready for a TLS server or client.
     *
     * @param certKey the configuration key of the certificate file, named in errors
     * @param keyKey the configuration key of the private key file, named in errors
     */
    public static KeyCertOptions load(Vertx vertx, String certKey, String certPath, String keyKey, String keyPath) {
        Buffer cert = read(vertx, certKey, certPath);
        Buffer key = read(vertx, keyKey, keyPath);
        requireCertificate(certKey, certPath, cert);
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
        X509KeyManager keys;
        try {
            keys = (X509KeyManager) pem.getKeyManagerFactory(vertx).getKeyManagers()[0];
        } catch (Exception e) {
            throw new InvalidSettingException(keyKey, "cannot use certificate " + certPath + " with key " + keyPath
                    + ": " + reason(e));
        }
        try {
            for (String type : KEY_TYPES) {
                String[] aliases = keys.getServerAliases(type, null);
                for (String alias : aliases == null ? new String[0] : aliases) {
                    X509Certificate[] chain = keys.getCertificateChain(alias);
                    if (chain != null && chain.length > 0
                            && !belongTogether(keys.getPrivateKey(alias), chain[0].getPublicKey())) {
                        throw new InvalidSettingException(keyKey, "the key in " + keyPath
                                + " is not the private key of the certificate in " + certPath);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(keyKey, "cannot use certificate " + certPath + " with key " + keyPath
                    + ": " + reason(e));
        }
        return pem;
    }

    private static Buffer read(Vertx vertx, String configKey, String path) {
        try {
            return vertx.fileSystem().readFileBlocking(path);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(configKey, "cannot read " + path + ": " + reason(e));
        }
    }

    /** A file that holds no certificate is named as such, not blamed on its key. */
    private static void requireCertificate(String configKey, String path, Buffer pem) {
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes()))
                    .isEmpty()) {
                throw new InvalidSettingException(configKey, path + " holds no PEM certificate");
            }
        } catch (CertificateException e) {
            throw new InvalidSettingException(configKey, path + " holds no readable PEM certificate: " + reason(e));
        }
    }

    /** Whether a signature made with {@code privateKey} verifies with {@code publicKey}. */
    private static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> throw new GeneralSecurityException("a " + privateKey.getAlgorithm()
                    + " key is not supported (RSA, EC or EdDSA)");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    private static String reason(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
