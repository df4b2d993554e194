package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.testing.SecretScan;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook headers at rest: sealed, bound to their application, re-sealed by a rotation. */
class ApplicationStoreTest {
    private static final String TOKEN = "Bearer 7f3c1d2e-webhook-credential";
    private static final MasterKey OLD = new MasterKey("1",
            AesKey.of(HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F")));
    private static final MasterKey NEW = new MasterKey("2",
            AesKey.of(HexFormat.of().parseHex("F0E0D0C0B0A090807060504030201000")));

    private Vertx vertx;
    private RedisKeys keys;
    private Redis redis;
    private ApplicationStore store;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        redis = TestRedis.client(vertx, settings);
        store = new ApplicationStore(redis, keys, new AtRestCipher(OLD, List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void headerValuesAreSealedAndTheApiShowsThemMasked() throws Exception {
        Application application = new Application("app-1", Optional.of(URI.create("https://app.example.com/up")),
                Map.of("Authorization", TOKEN));
        await(store.put(application));
        String stored = get("app-1");
        assertEquals(List.of(), SecretScan.find(stored, TOKEN.getBytes(StandardCharsets.UTF_8)), stored);
        assertEquals("https://app.example.com/up", new JsonObject(stored).getString("webhook_url"));
        assertEquals(application, await(store.get("app-1")).orElseThrow());
        assertEquals("****", application.toJson().getJsonObject("webhook_headers").getString("Authorization"));
        assertFalse(application.toJson().encode().contains(TOKEN));
    }

    @Test
    void aRecordCopiedToAnotherApplicationDoesNotOpen() throws Exception {
        await(store.put(new Application("app-1", Optional.empty(), Map.of("X-Key", TOKEN))));
        await(redis.send(Request.cmd(Command.SET).arg(keys.application("app-2")).arg(get("app-1"))));
        SealedRecordException moved = assertThrows(SealedRecordException.class, () -> await(store.get("app-2")));
        assertTrue(moved.getMessage().contains("application app-2"), moved.getMessage());
    }

    @Test
    void rotationReSealsSealedAndClearRecords() throws Exception {
        await(store.put(new Application("app-1", Optional.empty(), Map.of("X-Key", TOKEN))));
        // A record as stored before the headers were sealed.
        await(redis.send(Request.cmd(Command.SET).arg(keys.application("app-0")).arg(new JsonObject()
                .put("application_id", "app-0").put("webhook_headers", new JsonObject().put("X-Key", TOKEN)).encode())));
        assertEquals(Map.of("X-Key", TOKEN), await(store.get("app-0")).orElseThrow().webhookHeaders());

        ApplicationStore rotating = new ApplicationStore(redis, keys, new AtRestCipher(NEW, List.of(OLD)));
        assertEquals(2, await(rotating.rotate()));
        assertEquals(0, await(rotating.rotate()));
        ApplicationStore newOnly = new ApplicationStore(redis, keys, new AtRestCipher(NEW, List.of()));
        for (String id : List.of("app-0", "app-1")) {
            assertEquals(Map.of("X-Key", TOKEN), await(newOnly.get(id)).orElseThrow().webhookHeaders());
            assertEquals(List.of(), SecretScan.find(get(id), TOKEN.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private String get(String id) throws Exception {
        return await(redis.send(Request.cmd(Command.GET).arg(keys.application(id)))).toString();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
