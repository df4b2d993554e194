package net.lorawanns.js.transfer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * This network's transfer key: the RSA key pair to which other join servers (or owners) encrypt root keys for
 * import here. Every instance of the network has the same one ({@link TransferKeyStore}). Its key ID is the public
 * key's JWK thumbprint (RFC 7638), which an exporter may put in the JWE header.
 */
public final class TransferKey {
    /** The size of a transfer key: 3072 bits, NIST SP 800-57's match for the 128-bit security of the root keys. */
    public static final int BITS = 3072;

    private final RSAPublicKey publicKey;
    private final RSAPrivateKey privateKey;
    private final String keyId;

    TransferKey(RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        try {
            this.keyId = new RSAKey.Builder(publicKey).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is available on every Java platform", e);
        }
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    RSAPrivateKey privateKey() {
        return privateKey;
    }

    /** The RFC 7638 thumbprint of the public key (base64url of its SHA-256). */
    public String keyId() {
        return keyId;
    }

    /** The public half as the API publishes it: a JWK (use "enc", alg RSA-OAEP-256) and a PEM. */
    public JsonObject publicJson() {
        RSAKey jwk = new RSAKey.Builder(publicKey).keyUse(KeyUse.ENCRYPTION)
                .algorithm(RootKeyJwe.ALGORITHM).keyID(keyId).build();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return new JsonObject().put("kid", keyId).put("jwk", new JsonObject(jwk.toJSONObject())).put("pem", pem);
    }

    @Override
    public String toString() {
        return "TransferKey[" + keyId + ", RSA " + publicKey.getModulus().bitLength() + " bits, private ****]";
    }
}
