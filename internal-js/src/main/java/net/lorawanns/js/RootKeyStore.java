package net.lorawanns.js;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * Root keys in Redis, encrypted with AES-128-GCM under the master key. A record holds the master key's ID, a
 * random 96-bit nonce and the ciphertext of AppKey | NwkKey; the DevEUI, JoinEUI, version and home NetID stay
 * readable but are bound to the ciphertext as associated data, so a record cannot be moved to another device.
 */
public final class RootKeyStore implements RootKeyProvisioning {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String CHECK_DEVICE = "FFFFFFFFFFFFFFFF";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Redis redis;
    private final RedisKeys keys;
    private final MasterKey masterKey;

    public RootKeyStore(Redis redis, RedisKeys keys, MasterKey masterKey) {
        this.redis = redis;
        this.keys = keys;
        this.masterKey = masterKey;
    }

    /**
     * Makes sure this server's master key is the one the stored keys were encrypted with: the first server to
     * start with a master key ID stores a check record under it; every later one must be able to open it.
     * Fails with a {@link RootKeyStoreException} naming the problem otherwise.
     */
    public Future<Void> verifyMasterKey() {
        Eui64 check = Eui64.parse(CHECK_DEVICE);
        String key = keys.rootKeys(check) + ":check:" + masterKey.id();
        RootKeys marker = new RootKeys(check, MacVersion.LORAWAN_1_0_4, AesKey.of(new byte[16]), Optional.empty(),
                new NetId(0));
        return redis.send(Request.cmd(Command.SET).arg(key).arg(encode(check, marker).encode()).arg("NX"))
                .compose(ignored -> redis.send(Request.cmd(Command.GET).arg(key)))
                .map(stored -> {
                    decode(check, new JsonObject(stored.toBuffer()));
                    return null;
                });
    }

    @Override
    public Future<Void> setRootKeys(Eui64 devEui, RootKeys rootKeys) {
        return redis.send(Request.cmd(Command.SET).arg(keys.rootKeys(devEui)).arg(encode(devEui, rootKeys).encode()))
                .mapEmpty();
    }

    @Override
    public Future<Boolean> hasRootKeys(Eui64 devEui) {
        return redis.send(Request.cmd(Command.EXISTS).arg(keys.rootKeys(devEui))).map(r -> r.toInteger() > 0);
    }

    @Override
    public Future<Boolean> deleteRootKeys(Eui64 devEui) {
        return redis.send(Request.cmd(Command.DEL).arg(keys.rootKeys(devEui))).map(r -> r.toInteger() > 0);
    }

    /** The device's root keys, decrypted; empty when none are stored. */
    public Future<Optional<RootKeys>> rootKeys(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(devEui))).map(stored -> stored == null
                ? Optional.empty() : Optional.of(decode(devEui, new JsonObject(stored.toBuffer()))));
    }

    private JsonObject encode(Eui64 devEui, RootKeys rootKeys) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] plain = new byte[32];
        System.arraycopy(rootKeys.appKey().bytes(), 0, plain, 0, 16);
        rootKeys.nwkKey().ifPresent(nwkKey -> System.arraycopy(nwkKey.bytes(), 0, plain, 16, 16));
        JsonObject record = new JsonObject().put("kid", masterKey.id())
                .put("join_eui", rootKeys.joinEui().toString()).put("mac_version", rootKeys.macVersion().toString())
                .put("home_net_id", rootKeys.homeNetId().toString()).put("has_nwk_key", rootKeys.nwkKey().isPresent());
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, nonce, associatedData(devEui, record), plain);
        Arrays.fill(plain, (byte) 0);
        Base64.Encoder base64 = Base64.getEncoder();
        return record.put("nonce", base64.encodeToString(nonce)).put("ciphertext", base64.encodeToString(sealed));
    }

    private RootKeys decode(Eui64 devEui, JsonObject record) {
        String kid = record.getString("kid");
        if (!masterKey.id().equals(kid)) {
            throw new RootKeyStoreException("the root keys of " + devEui + " are encrypted under master key ID '" + kid
                    + "', but internal_js.master_key_id is '" + masterKey.id() + "'");
        }
        Base64.Decoder base64 = Base64.getDecoder();
        byte[] plain;
        try {
            plain = gcm(Cipher.DECRYPT_MODE, base64.decode(record.getString("nonce")),
                    associatedData(devEui, record), base64.decode(record.getString("ciphertext")));
        } catch (RootKeyStoreException e) {
            throw new RootKeyStoreException("cannot decrypt the root keys of " + devEui + " with master key ID '" + kid
                    + "': internal_js.master_key is not the key they were stored with, or the record was altered");
        }
        Optional<AesKey> nwkKey = record.getBoolean("has_nwk_key") ? Optional.of(AesKey.of(plain, 16)) : Optional.empty();
        RootKeys rootKeys = new RootKeys(Eui64.parse(record.getString("join_eui")),
                MacVersion.parse(record.getString("mac_version")), AesKey.of(plain, 0), nwkKey,
                NetId.parse(record.getString("home_net_id")));
        Arrays.fill(plain, (byte) 0);
        return rootKeys;
    }

    private static byte[] associatedData(Eui64 devEui, JsonObject record) {
        return String.join("|", "lorawan-root-keys", devEui.toString(), record.getString("kid"),
                record.getString("join_eui"), record.getString("mac_version"), record.getString("home_net_id"),
                String.valueOf(record.getBoolean("has_nwk_key"))).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] gcm(int mode, byte[] nonce, byte[] associatedData, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(masterKey.key().bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new RootKeyStoreException("authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }
}
