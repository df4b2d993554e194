package net.lorawanns.js.transfer;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.time.Instant;
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
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.OwnerToken;
import net.lorawanns.js.claim.OwnerTokenAttemptsLimited;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What an owner token proves for an export or an unlock, through the claim model on a real Redis. */
class OwnerCheckTest {
    private static final Eui64 DEV_EUI = Eui64.parse("00000000000C0001");
    private static final OwnerToken TOKEN = OwnerToken.of("owner-token-c");

    private Vertx vertx;
    private ClaimStore claims;
    private RootKeyStore rootKeys;
    private OwnerCheck owners;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        Redis redis = TestRedis.client(vertx, settings);
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        AtRestCipher cipher = new AtRestCipher(new MasterKey("k1", AesKey.of(new byte[16])), List.of());
        claims = new ClaimStore(redis, keys, cipher, new AttemptLimit(3, Duration.ofMinutes(1)));
        rootKeys = new RootKeyStore(redis, keys, cipher);
        owners = new OwnerCheck(claims);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theTokenOfAClaimedDeviceIsItsOwners() throws Exception {
        RootKeys keys = new RootKeys(Eui64.parse("70B3D57ED0000C01"), MacVersion.LORAWAN_1_0_3,
                AesKey.of(HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C")), Optional.empty(),
                NetId.parse("000013"), Optional.empty(), Optional.empty());
        claims.provision(DEV_EUI, rootKeys.seal(DEV_EUI, keys), TOKEN).await(10, TimeUnit.SECONDS);
        assertEquals(OwnerCheck.Verdict.NOT_CLAIMED, verify(TOKEN), "provisioned, not claimed yet");

        claims.replace(DEV_EUI, claims.stored(DEV_EUI).await(10, TimeUnit.SECONDS).orElseThrow(),
                rootKeys.seal(DEV_EUI, keys), Claim.claimed(NetId.parse("000013"), Optional.empty(), "",
                        Instant.now()), TOKEN).await(10, TimeUnit.SECONDS);
        assertEquals(OwnerCheck.Verdict.OWNER, verify(TOKEN));
        assertEquals(OwnerCheck.Verdict.WRONG_TOKEN, verify(OwnerToken.of("someone-else")));
    }

    @Test
    void anUnknownDeviceAnswersAsAWrongTokenAndCountsAgainstTheLimit() throws Exception {
        Eui64 unknown = Eui64.parse("00000000000C0002");
        for (int i = 0; i < 3; i++) {
            assertEquals(OwnerCheck.Verdict.WRONG_TOKEN,
                    owners.verify(unknown, TOKEN).await(10, TimeUnit.SECONDS).verdict());
        }
        assertThrows(OwnerTokenAttemptsLimited.class, () -> owners.verify(unknown, TOKEN).await(10, TimeUnit.SECONDS));
    }

    private OwnerCheck.Verdict verify(OwnerToken token) throws Exception {
        return owners.verify(DEV_EUI, token).await(10, TimeUnit.SECONDS).verdict();
    }
}
