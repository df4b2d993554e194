package net.lorawanns.core.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test: a CA and the server and client certificates it issues (EC P-256), written as PEM
 * files the way an operator would configure them. Server certificates name {@code localhost} and 127.0.0.1.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** PEM files of one certificate and its PKCS#8 private key. */
    public record Credentials(Path certFile, Path keyFile, X509Certificate certificate) {
    }

    public static Authority authority(Path dir, String name) throws Exception {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate cert = sign(builder, keys);
        Path certFile = dir.resolve(name + "-ca.pem");
        Files.writeString(certFile, pem(cert));
        return new Authority(name, keys, cert, certFile, dir);
    }

    /** A certificate authority that issues leaf certificates. */
    public static final class Authority {
        private final String name;
        private final KeyPair keys;
        private final X509Certificate certificate;
        private final Path certFile;
        private final Path dir;

        private Authority(String name, KeyPair keys, X509Certificate certificate, Path certFile, Path dir) {
            this.name = name;
            this.keys = keys;
            this.certificate = certificate;
            this.certFile = certFile;
            this.dir = dir;
        }

        public Path certFile() {
            return certFile;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** A certificate valid from an hour ago for 30 days, usable by a TLS server and client. */
        public Credentials issue(String commonName) throws Exception {
            Instant now = Instant.now();
            return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
        }

        public Credentials issue(String commonName, Instant notBefore, Instant notAfter) throws Exception {
            return issue(commonName, notBefore, notAfter, new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }

        /** A server certificate that names {@code hostName} only (no loopback name or address). */
        public Credentials issueFor(String commonName, String hostName) throws Exception {
            Instant now = Instant.now();
            return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)),
                    new GeneralName(GeneralName.dNSName, hostName));
        }

        private Credentials issue(String commonName, Instant notBefore, Instant notAfter, GeneralName... names)
                throws Exception {
            KeyPair leafKeys = keyPair();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
                    serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName),
                    leafKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            X509Certificate cert = sign(builder, keys);
            Path certFile = dir.resolve(commonName + "-cert.pem");
            Path keyFile = dir.resolve(commonName + "-key.pem");
            Files.writeString(certFile, pem(cert));
            StringWriter key = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
                writer.writeObject(new JcaPKCS8Generator(leafKeys.getPrivate(), null));
            }
            Files.writeString(keyFile, key.toString());
            return new Credentials(certFile, keyFile, cert);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
