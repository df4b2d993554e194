package net.lorawanns.js.claim;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
import net.lorawanns.js.InterposingRedis;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.audit.AuditLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims racing from two server instances (two clients of one Redis), and the counts of claims and refusals. */
class DeviceClaimingTest {
    private static final Eui64 DEV_EUI = Eui64.parse("70B3D57ED0000101");
    private static final OwnerToken TOKEN = OwnerToken.of("RACE-TOKEN-1");

    private Vertx vertx;
    private RedisSettings settings;
    private RedisKeys keys;
    private AtRestCipher cipher;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        settings = TestRedis.settings();
        keys = new RedisKeys(settings.keyPrefix());
        cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void ofConcurrentClaimsFromTwoInstancesExactlyOneWins() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeviceClaiming first = instance(registry);
        DeviceClaiming second = instance(registry);
        Redis redis = TestRedis.client(vertx, settings);
        RootKeyStore rootKeys = new RootKeyStore(redis, keys, cipher);
        ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
        RootKeys unclaimed = new RootKeys(Eui64.parse("70B3D57ED0000000"), MacVersion.LORAWAN_1_0_4,
                AesKey.of(new byte[16]), Optional.empty(), DeviceClaiming.NO_HOME, Optional.empty(), Optional.empty());
        claims.provision(DEV_EUI, rootKeys.seal(DEV_EUI, unclaimed), TOKEN).await(10, TimeUnit.SECONDS);

        List<Future<Claim>> attempts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            DeviceClaiming instance = i % 2 == 0 ? first : second;
            NetId netId = new NetId(0x13 + i);
            attempts.add(instance.claim(DEV_EUI, Optional.empty(), TOKEN, new DeviceClaiming.Claimant(netId,
                    Optional.empty(), ""), "instance-" + (i % 2)));
        }
        Future.join(attempts).otherwiseEmpty().await(10, TimeUnit.SECONDS);
        List<Claim> won = attempts.stream().filter(Future::succeeded).map(Future::result).toList();
        assertEquals(1, won.size(), "one claim wins");
        for (Future<Claim> attempt : attempts) {
            if (attempt.failed()) {
                ClaimRefused refused = assertInstanceOf(ClaimRefused.class, attempt.cause());
                assertTrue(refused.reason() == ClaimRefused.Reason.CONFLICT
                        || refused.reason() == ClaimRefused.Reason.ALREADY_CLAIMED, refused.reason().toString());
            }
        }
        NetId winner = won.get(0).homeNetId().orElseThrow();
        assertEquals(winner, rootKeys.rootKeys(DEV_EUI).await(10, TimeUnit.SECONDS).orElseThrow().homeNetId(),
                "the root keys name the winner's network");
        assertEquals(Optional.of(won.get(0)), claims.claim(DEV_EUI).await(10, TimeUnit.SECONDS));

        assertEquals(1.0, registry.get("lorawan.js.claims").tag("action", "claim").counter().count());
        double refusedCount = registry.find("lorawan.js.claims.refused").counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
        assertEquals(3.0, refusedCount, "every losing attempt is counted by its reason");
    }

    /**
     * A transfer lands between the old owner's token check and its claim: the claim is refused as a conflict, not
     * made on the transferred device with the token that no longer works.
     */
    @Test
    void aClaimWithATokenThatATransferReplacedMeanwhileIsRefused() throws Exception {
        Redis redis = TestRedis.client(vertx, settings);
        RootKeyStore rootKeys = new RootKeyStore(redis, keys, cipher);
        ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
        RootKeys unclaimed = new RootKeys(Eui64.parse("70B3D57ED0000000"), MacVersion.LORAWAN_1_0_4,
                AesKey.of(new byte[16]), Optional.empty(), DeviceClaiming.NO_HOME, Optional.empty(), Optional.empty());
        claims.provision(DEV_EUI, rootKeys.seal(DEV_EUI, unclaimed), TOKEN).await(10, TimeUnit.SECONDS);
        DeviceClaiming other = instance(new SimpleMeterRegistry());
        InterposingRedis interposing = new InterposingRedis(redis);
        DeviceClaiming racing = new DeviceClaiming(rootKeys, new ClaimStore(interposing, keys, cipher,
                AttemptLimit.DEFAULT), new AuditLog(redis, keys, Duration.ofDays(1), 1000), Set.of(),
                Clock.systemUTC(), new SimpleMeterRegistry());
        interposing.afterNextReply(() -> other.transfer(DEV_EUI, TOKEN, OwnerToken.of("NEW-OWNER-1"), "instance-1")
                .mapEmpty());

        Future<Claim> claim = racing.claim(DEV_EUI, Optional.empty(), TOKEN, new DeviceClaiming.Claimant(
                NetId.parse("000013"), Optional.empty(), ""), "instance-0");

        ClaimRefused refused = assertInstanceOf(ClaimRefused.class, assertThrows(Exception.class,
                () -> claim.await(10, TimeUnit.SECONDS)));
        assertEquals(ClaimRefused.Reason.CONFLICT, refused.reason());
        assertEquals(Optional.of(Claim.unclaimed()), claims.claim(DEV_EUI).await(10, TimeUnit.SECONDS));
        assertTrue(claims.authenticate(DEV_EUI, OwnerToken.of("NEW-OWNER-1")).await(10, TimeUnit.SECONDS)
                .isPresent(), "the device waits for the new owner");
    }

    private DeviceClaiming instance(SimpleMeterRegistry registry) {
        Redis redis = TestRedis.client(vertx, settings);
        return new DeviceClaiming(new RootKeyStore(redis, keys, cipher),
                new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT),
                new AuditLog(redis, keys, Duration.ofDays(1), 1000), Set.of(), Clock.systemUTC(), registry);
    }
}
