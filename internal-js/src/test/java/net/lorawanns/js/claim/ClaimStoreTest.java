package net.lorawanns.js.claim;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.RootKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Owner tokens against their sealed digests in a real Redis, and the per-DevEUI limit on attempts. */
class ClaimStoreTest {
    private static final Eui64 DEV_EUI = Eui64.parse("70B3D57ED0000001");
    private static final OwnerToken TOKEN = OwnerToken.of("K7Q2-M9XW-4R");
    private static final AesKey MASTER = AesKey.of(HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF"));
    private static final AttemptLimit LIMIT = new AttemptLimit(5, Duration.ofMinutes(1));

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private AtRestCipher cipher;
    private ClaimStore store;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        redis = TestRedis.client(vertx, settings);
        keys = new RedisKeys(settings.keyPrefix());
        cipher = new AtRestCipher(new MasterKey("k1", MASTER), List.of());
        store = new ClaimStore(redis, keys, cipher, LIMIT);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theOwnerTokenIsStoredAsASealedDigestAndAuthenticates() throws Exception {
        put(store, DEV_EUI, Claim.unclaimed(), TOKEN);
        String stored = get(keys.claim(DEV_EUI));
        assertFalse(stored.contains("K7Q2"), stored);
        assertTrue(stored.contains("\"state\":\"unclaimed\""), stored);
        assertTrue(stored.contains("\"kid\":\"k1\""), stored);

        assertTrue(authenticate(DEV_EUI, OwnerToken.of("K7Q2-M9XW-4R")));
        assertFalse(authenticate(DEV_EUI, OwnerToken.of("K7Q2-M9XW-4S")));
        assertEquals(Optional.of(Claim.unclaimed()), store.claim(DEV_EUI).await(10, TimeUnit.SECONDS));
    }

    @Test
    void aClaimKeepsItsHomeNetwork() throws Exception {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Claim claimed = Claim.claimed(NetId.parse("000013"), Optional.of("ns.example"), "as.example", at);
        put(store, DEV_EUI, claimed, TOKEN);
        assertEquals(Optional.of(claimed), store.claim(DEV_EUI).await(10, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), store.claim(Eui64.parse("70B3D57ED0000002")).await(10, TimeUnit.SECONDS));
    }

    @Test
    void wrongTokensAreLimitedPerDevEuiAndThenEvenTheRightOneIsRefused() throws Exception {
        put(store, DEV_EUI, Claim.unclaimed(), TOKEN);
        for (int i = 0; i < 4; i++) {
            assertFalse(authenticate(DEV_EUI, OwnerToken.of("wrong-" + i)));
        }
        // The right token gives its attempt back: it does not bring the limit nearer.
        for (int i = 0; i < 3; i++) {
            assertTrue(authenticate(DEV_EUI, TOKEN));
        }
        assertFalse(authenticate(DEV_EUI, OwnerToken.of("wrong-5")));

        Exception limited = assertThrows(Exception.class, () -> authenticate(DEV_EUI, TOKEN));
        OwnerTokenAttemptsLimited refused = assertInstanceOf(OwnerTokenAttemptsLimited.class, limited);
        assertTrue(refused.retryAfter().compareTo(Duration.ZERO) > 0, refused.retryAfter().toString());
        assertTrue(refused.retryAfter().compareTo(LIMIT.window()) <= 0, refused.retryAfter().toString());
        assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 60);
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(keys.claimFailures(DEV_EUI))).await(10, TimeUnit.SECONDS)
                .toLong();
        assertTrue(ttl > 0 && ttl <= LIMIT.window().toMillis(), "the failure count expires with its window: " + ttl);

        // Another DevEUI has its own count.
        Eui64 other = Eui64.parse("70B3D57ED0000002");
        put(store, other, Claim.unclaimed(), TOKEN);
        assertTrue(authenticate(other, TOKEN));
    }

    @Test
    void anUnknownDevEuiAnswersAsAWrongTokenAndCountsAlike() throws Exception {
        Eui64 unknown = Eui64.parse("70B3D57ED00000FF");
        for (int i = 0; i < LIMIT.failures(); i++) {
            assertFalse(authenticate(unknown, TOKEN));
        }
        assertInstanceOf(OwnerTokenAttemptsLimited.class, assertThrows(Exception.class,
                () -> authenticate(unknown, TOKEN)));
    }

    @Test
    void theLimitEndsWithItsWindow() throws Exception {
        ClaimStore shortWindow = new ClaimStore(redis, keys, cipher, new AttemptLimit(1, Duration.ofMillis(300)));
        put(shortWindow, DEV_EUI, Claim.unclaimed(), TOKEN);
        assertFalse(shortWindow.authenticate(DEV_EUI, OwnerToken.of("wrong-1")).await(10, TimeUnit.SECONDS)
                .isPresent());
        OwnerTokenAttemptsLimited refused = assertInstanceOf(OwnerTokenAttemptsLimited.class,
                assertThrows(Exception.class, () -> shortWindow.authenticate(DEV_EUI, TOKEN).await(10, TimeUnit.SECONDS)));
        assertTrue(refused.retryAfter().toMillis() <= 300, "the wait is what is left of the window");
        awaitWindowEnd(DEV_EUI);
        assertTrue(shortWindow.authenticate(DEV_EUI, TOKEN).await(10, TimeUnit.SECONDS).isPresent());
    }

    @Test
    void rotationReSealsTheDigestUnderTheNewMasterKey() throws Exception {
        put(store, DEV_EUI, Claim.unclaimed(), TOKEN);
        AtRestCipher next = new AtRestCipher(new MasterKey("k2", AesKey.of(new byte[16])),
                List.of(new MasterKey("k1", MASTER)));
        ClaimStore rotated = new ClaimStore(redis, keys, next, LIMIT);
        assertEquals(1, rotated.rotate().await(10, TimeUnit.SECONDS));
        assertTrue(get(keys.claim(DEV_EUI)).contains("\"kid\":\"k2\""));
        ClaimStore onlyNew = new ClaimStore(redis, keys, new AtRestCipher(new MasterKey("k2", AesKey.of(new byte[16])),
                List.of()), LIMIT);
        assertTrue(onlyNew.authenticate(DEV_EUI, TOKEN).await(10, TimeUnit.SECONDS).isPresent());
    }

    /**
     * Provisioning replaces only a maker's stock that never had an owner and is not locked. A claim record of the
     * previous version (no {@code never_claimed}) still loads, and counts as owned: it cannot be told whether an owner
     * unclaimed it.
     */
    @Test
    void provisioningReplacesOnlyStockThatNeverHadAnOwner() throws Exception {
        RootKeyStore rootKeys = new RootKeyStore(redis, keys, cipher);
        JsonObject sealed = rootKeys.seal(DEV_EUI, new RootKeys(Eui64.parse("70B3D57ED00000AA"),
                MacVersion.LORAWAN_1_0_4, AesKey.of(new byte[16]), Optional.empty(), DeviceClaiming.NO_HOME,
                Optional.empty(), Optional.empty()));
        assertEquals(ClaimStore.ProvisionOutcome.PROVISIONED, provision(DEV_EUI, sealed));
        assertEquals(ClaimStore.ProvisionOutcome.REPROVISIONED, provision(DEV_EUI, sealed), "never had an owner");
        redis.send(Request.cmd(Command.SET).arg(keys.rootKeysLock(DEV_EUI)).arg("{}")).await(10, TimeUnit.SECONDS);
        assertEquals(ClaimStore.ProvisionOutcome.LOCKED, provision(DEV_EUI, sealed), "locked after an export");

        Eui64 earlier = Eui64.parse("70B3D57ED0000003");
        redis.send(Request.cmd(Command.SET).arg(keys.rootKeys(earlier)).arg(sealed.encode()))
                .await(10, TimeUnit.SECONDS);
        put(store, earlier, Claim.unclaimed(), TOKEN);
        assertEquals(Optional.of(Claim.unclaimed()), store.claim(earlier).await(10, TimeUnit.SECONDS));
        assertTrue(authenticate(earlier, TOKEN));
        assertEquals(ClaimStore.ProvisionOutcome.WAS_CLAIMED, provision(earlier, sealed));
    }

    private ClaimStore.ProvisionOutcome provision(Eui64 devEui, JsonObject sealedRootKeys) throws Exception {
        return store.provision(devEui, sealedRootKeys, OwnerToken.of("MAKER-TOKEN-2")).await(10, TimeUnit.SECONDS);
    }

    @Test
    void anOwnerTokenIsNeverShownAndMalformedOnesAreRefusedWithoutRepeatingThem() {
        assertEquals("OwnerToken[****]", TOKEN.toString());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OwnerToken.of("secret:token"));
        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OwnerToken.of("short"));
        assertThrows(IllegalArgumentException.class, () -> OwnerToken.of("x".repeat(OwnerToken.MAX_LENGTH + 1)));
    }

    private boolean authenticate(Eui64 devEui, OwnerToken token) throws Exception {
        return store.authenticate(devEui, token).await(10, TimeUnit.SECONDS).isPresent();
    }

    private void put(ClaimStore into, Eui64 devEui, Claim claim, OwnerToken token) throws Exception {
        redis.send(Request.cmd(Command.SET).arg(keys.claim(devEui)).arg(into.encode(devEui, claim, token).encode()))
                .await(10, TimeUnit.SECONDS);
    }

    /** Until Redis has expired the DevEUI's failure count (its window ended), within 10 s. */
    private void awaitWindowEnd(Eui64 devEui) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis.send(Request.cmd(Command.EXISTS).arg(keys.claimFailures(devEui))).await(10, TimeUnit.SECONDS)
                .toInteger() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the failure count of " + devEui + " did not expire within 10 s");
            }
        }
    }

    private String get(String key) throws Exception {
        return redis.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString();
    }
}
