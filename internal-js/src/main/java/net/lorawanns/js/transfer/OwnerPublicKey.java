package net.lorawanns.js.transfer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;

/**
 * The RSA public key an owner gives for an export, from a PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509
 * SubjectPublicKeyInfo) or a JWK, with the {@code kid} to name it in the JWE header (the JWK's, else none). Keys
 * under 2048 bits (NIST SP 800-131A disallows them since 2013) and keys of other types are refused.
 */
public record OwnerPublicKey(RSAPublicKey key, String keyId) {
    public static final int MIN_BITS = 2048;
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    /**
     * Reads the key as the API received it: a PEM string or a JWK object.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static OwnerPublicKey parse(Object given) {
        OwnerPublicKey parsed;
        if (given instanceof String pem) {
            parsed = new OwnerPublicKey(fromPem(pem), "");
        } else if (given instanceof JsonObject jwk) {
            parsed = fromJwk(jwk);
        } else {
            throw new IllegalArgumentException("must be a PEM string (" + PEM_BEGIN + ") or a JWK object");
        }
        int bits = parsed.key.getModulus().bitLength();
        if (bits < MIN_BITS) {
            throw new IllegalArgumentException("an RSA key of " + bits + " bits is too small; " + MIN_BITS
                    + " bits or more are required");
        }
        return parsed;
    }

    /** The key's RFC 7638 thumbprint (base64url of a SHA-256), which names it in the audit log. */
    public String thumbprint() {
        try {
            return new RSAKey.Builder(key).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is available on every Java platform", e);
        }
    }

    private static RSAPublicKey fromPem(String pem) {
        String text = pem.strip();
        if (text.length() < PEM_BEGIN.length() + PEM_END.length() || !text.startsWith(PEM_BEGIN)
                || !text.endsWith(PEM_END)) {
            throw new IllegalArgumentException("a PEM public key starts with " + PEM_BEGIN + " and ends with "
                    + PEM_END);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM's body is not base64");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException e) {
            for (String other : List.of("EC", "EdDSA", "XDH", "DSA")) {
                try {
                    KeyFactory.getInstance(other).generatePublic(spec);
                } catch (GeneralSecurityException notThat) {
                    continue;
                }
                throw new IllegalArgumentException("is an " + other + " key, not RSA; RSA-OAEP-256 needs one");
            }
            throw new IllegalArgumentException("the PEM does not hold an RSA public key (X.509 SubjectPublicKeyInfo)");
        }
        return (RSAPublicKey) key;
    }

    private static OwnerPublicKey fromJwk(JsonObject json) {
        JWK jwk;
        try {
            jwk = JWK.parse(json.getMap());
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK: " + e.getMessage());
        }
        if (!(jwk instanceof RSAKey rsa)) {
            throw new IllegalArgumentException("is a JWK of type " + jwk.getKeyType() + ", not RSA; RSA-OAEP-256 "
                    + "needs one");
        }
        if (rsa.isPrivate()) {
            throw new IllegalArgumentException("the JWK holds a private key: send only the public half (n, e)");
        }
        try {
            return new OwnerPublicKey(rsa.toRSAPublicKey(), rsa.getKeyID() == null ? "" : rsa.getKeyID());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWK is not a valid RSA public key: " + e.getMessage());
        }
    }
}
