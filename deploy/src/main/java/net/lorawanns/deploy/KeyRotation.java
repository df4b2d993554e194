package net.lorawanns.deploy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.Settings;
import net.lorawanns.core.redis.RedisClients;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.AtRestCipher;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.RootKeyStoreException;

/**
 * {@code keys rotate}: re-encrypts every root-key record and kept AppSKey under the current master key, reading the
 * old ones with {@code internal_js.previous_master_keys}. Safe to run while servers are up (each record is replaced
 * only if unchanged since read) and to run again.
 */
final class KeyRotation {
    private static final long TIMEOUT_SECONDS = 600;

    /** Counts of records re-encrypted. */
    record Result(int rootKeys, int appSKeys) {
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
            RootKeyStore rootKeys = new RootKeyStore(redis, keys, cipher);
            try {
                rootKeys.verifyMasterKey().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int roots = rootKeys.rotate().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int appSKeys = new AppSKeyStore(redis, keys, cipher).rotate().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return new Result(roots, appSKeys);
            } catch (RootKeyStoreException e) {
                throw new ConfigException("internal_js.previous_master_keys", e.getMessage());
            }
        } finally {
            vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
