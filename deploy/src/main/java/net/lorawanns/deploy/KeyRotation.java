package net.lorawanns.deploy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.Settings;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKeyCheck;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.transfer.TransferKeyStore;

/**
 * {@code keys rotate}: re-encrypts every sealed record (root keys, owner-token digests, kept AppSKeys, session keys,
 * webhook headers, the join server's transfer key) under the current master key, reading the old ones with
 * {@code internal_js.previous_master_keys}; session and application records stored before they were sealed get
 * sealed. Safe to run while servers are up (each record, or session hash field, is replaced only if unchanged since
 * read, so no counter step is lost) and to run again.
 */
final class KeyRotation {
    private static final long TIMEOUT_SECONDS = 600;

    /** Counts of records re-encrypted. */
    record Result(int rootKeys, int ownerTokens, int appSKeys, int sessions, int applications, int transferKeys) {
    }

    private KeyRotation() {
    }

    static Result run(Settings settings) throws Exception {
        if (settings.redis().embedded()) {
            throw new ConfigException("redis.servers", "keys rotate works on the Redis that holds the keys; none is "
                    + "configured (the embedded Redis keeps nothing across runs)");
        }
        if (settings.internalJs().masterKey().isEmpty()) {
            throw new ConfigException("internal_js.master_key", "is required: it is the key records are re-encrypted "
                    + "under");
        }
        AtRestCipher cipher = MasterKeys.cipher(settings.internalJs());
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = RedisClients.create(vertx, settings.redis(), settings.redis().servers(),
                    new SimpleMeterRegistry());
            RedisKeys keys = new RedisKeys(settings.redis().keyPrefix());
            try {
                MasterKeyCheck.verify(redis, keys, cipher).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (SealedRecordException e) {
                throw new ConfigException("internal_js.master_key", e.getMessage());
            }
            try {
                int roots = new RootKeyStore(redis, keys, cipher).rotate().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int ownerTokens = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT).rotate()
                        .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int appSKeys = new AppSKeyStore(redis, keys, cipher).rotate().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int sessions = new SessionStore(redis, keys, cipher).rotate().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int applications = new ApplicationStore(redis, keys, cipher).rotate()
                        .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int transferKeys = new TransferKeyStore(vertx, redis, keys, cipher).rotate()
                        .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return new Result(roots, ownerTokens, appSKeys, sessions, applications, transferKeys);
            } catch (SealedRecordException e) {
                throw new ConfigException("internal_js.previous_master_keys", e.getMessage());
            }
        } finally {
            vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
