package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecords;

/**
 * The network's {@link TransferKey} in Redis: the public key readable, the private key (PKCS #8) sealed by the
 * {@link AtRestCipher} with the public key as associated data. The first instance that needs it generates it and
 * stores it with SET NX; every instance then reads the one that was stored, so two instances that start together
 * agree. It is made on first use rather than at start-up: generating a 3072-bit pair takes a few hundred
 * milliseconds of CPU, which a network pays once, but every start on an empty Redis (tests, trials) would pay.
 * Generation runs on a worker thread; the Redis calls and the result on the caller's context.
 */
public final class TransferKeyStore {
    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;
    /** The key once read; null until then, and again after a failed read so that the next call tries anew. */
    private volatile Future<TransferKey> loaded;

    public TransferKeyStore(Vertx vertx, Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    /** The network's transfer key, generated and stored if there is none yet. */
    public Future<TransferKey> transferKey() {
        Future<TransferKey> current = loaded;
        if (current == null || current.failed()) {
            current = read().compose(found -> found != null ? Future.succeededFuture(found) : create());
            loaded = current;
        }
        return current;
    }

    /** Re-seals the private key under the current master key; 1 when it was re-sealed, else 0. */
    public Future<Integer> rotate() {
        return SealedRecords.rotate(redis, keys.transferKey(), cipher, (redisKey, record) -> {
            TransferKey key = open(record);
            return seal(key.publicKey(), key.privateKey());
        });
    }

    private Future<TransferKey> read() {
        return redis.send(Request.cmd(Command.GET).arg(keys.transferKey()))
                .map(stored -> stored == null ? null : open(new JsonObject(stored.toBuffer())));
    }

    private Future<TransferKey> create() {
        return vertx.<KeyPair>executeBlocking(() -> {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(TransferKey.BITS);
            return generator.generateKeyPair();
        }, false).compose(pair -> {
            JsonObject record = seal((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
            // NX: another instance may have stored its own meanwhile; then both use that one.
            return redis.send(Request.cmd(Command.SET).arg(keys.transferKey()).arg(record.encode()).arg("NX"));
        }).compose(set -> read()).map(found -> {
            if (found == null) {
                throw new IllegalStateException("the transfer key was stored but cannot be read back from Redis");
            }
            return found;
        });
    }

    private JsonObject seal(RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        String publicText = Base64.getEncoder().encodeToString(publicKey.getEncoded());
        JsonObject record = new JsonObject().put("public_key", publicText);
        byte[] plain = privateKey.getEncoded();
        JsonObject sealed = cipher.seal(record, plain, kid -> associatedData(kid, publicText));
        Arrays.fill(plain, (byte) 0);
        return sealed;
    }

    private TransferKey open(JsonObject record) {
        String publicText = record.getString("public_key");
        byte[] plain = cipher.open(record, associatedData(record.getString("kid"), publicText),
                "the join server's transfer key");
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(publicText)));
            RSAPrivateKey privateKey = (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(plain));
            return new TransferKey(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored transfer key is not an RSA key pair: " + e.getMessage(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static byte[] associatedData(String kid, String publicKey) {
        return String.join("|", "lorawan-transfer-key", kid, publicKey).getBytes(StandardCharsets.UTF_8);
    }
}
