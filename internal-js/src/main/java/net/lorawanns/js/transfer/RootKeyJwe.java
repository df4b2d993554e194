package net.lorawanns.js.transfer;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;

/**
 * Root keys as a JWE in compact serialisation (RFC 7516): the key encrypted with RSA-OAEP-256 (RSAES-OAEP with
 * SHA-256 and MGF1-SHA-256, RFC 7518 section 4.3), the JSON payload of {@link ExportedRootKeys} with A256GCM. Nothing
 * else is accepted on import: RSA1_5 is open to padding-oracle attacks, and one exact pair leaves nothing to
 * negotiate. Thread-safe; RSA work should stay off event loops when there is much of it.
 */
public final class RootKeyJwe {
    public static final JWEAlgorithm ALGORITHM = JWEAlgorithm.RSA_OAEP_256;
    public static final EncryptionMethod ENCRYPTION = EncryptionMethod.A256GCM;

    /** A JWE that cannot be imported here, with the reason for the caller. */
    public static final class RefusedJweException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedJweException(String message) {
            super(message);
        }
    }

    private RootKeyJwe() {
    }

    /**
     * Encrypts root keys to a recipient's RSA public key.
     *
     * @param recipientKeyId the {@code kid} to put in the header, e.g. the recipient JWK's; empty for none
     */
    public static String encrypt(ExportedRootKeys keys, RSAPublicKey recipient, String recipientKeyId) {
        JWEHeader.Builder header = new JWEHeader.Builder(ALGORITHM, ENCRYPTION).contentType("JSON");
        if (!recipientKeyId.isEmpty()) {
            header.keyID(recipientKeyId);
        }
        JWEObject jwe = new JWEObject(header.build(), new Payload(keys.toJson().encode()));
        try {
            jwe.encrypt(new RSAEncrypter(recipient));
        } catch (JOSEException e) {
            throw new IllegalStateException("RSA-OAEP-256 and A256GCM are available on every Java platform: "
                    + e.getMessage(), e);
        }
        return jwe.serialize();
    }

    /**
     * Decrypts a JWE made for this network's transfer key and reads its payload.
     *
     * @throws RefusedJweException when it is not such a JWE, uses another algorithm, was made for another key, was
     *                             altered, or its payload is not valid
     */
    public static ExportedRootKeys decrypt(String compact, TransferKey transferKey) throws RefusedJweException {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(compact);
        } catch (ParseException e) {
            throw new RefusedJweException("not a JWE in compact serialisation: " + e.getMessage());
        }
        JWEHeader header = jwe.getHeader();
        if (!ALGORITHM.equals(header.getAlgorithm()) || !ENCRYPTION.equals(header.getEncryptionMethod())) {
            throw new RefusedJweException("alg must be " + ALGORITHM + " and enc " + ENCRYPTION + ", got alg "
                    + header.getAlgorithm() + " and enc " + header.getEncryptionMethod());
        }
        if (header.getCompressionAlgorithm() != null) {
            throw new RefusedJweException("zip is not accepted (got " + header.getCompressionAlgorithm() + ")");
        }
        if (header.getKeyID() != null && !header.getKeyID().equals(transferKey.keyId())) {
            throw new RefusedJweException("it is encrypted to key " + header.getKeyID()
                    + ", not to this server's transfer key " + transferKey.keyId());
        }
        try {
            jwe.decrypt(new RSADecrypter(transferKey.privateKey()));
        } catch (JOSEException e) {
            throw new RefusedJweException("it cannot be decrypted with this server's transfer key "
                    + transferKey.keyId() + ": it was encrypted to another key, or altered");
        }
        JsonObject payload;
        try {
            payload = new JsonObject(jwe.getPayload().toString());
        } catch (DecodeException e) {
            throw new RefusedJweException("its payload is not a JSON object");
        }
        try {
            return ExportedRootKeys.fromJson(payload);
        } catch (IllegalArgumentException e) {
            throw new RefusedJweException("its payload is not valid: " + e.getMessage());
        }
    }
}
