package net.lorawanns.js;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.crypto.KeyWrap;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.seal.MasterKeyCheck;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.sim.TestVectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static net.lorawanns.sim.TestVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process join server's answers, with the join-request of the shared vectors (ChirpStack's: AppKey
 * 0102...10, JoinEUI 0101..., DevEUI 0202..., DevNonce 771) and root keys at rest in a real Redis.
 */
class InternalJoinServerTest {
    private static final NetId NET_ID = NetId.parse("000013");
    private static final AesKey MASTER = AesKey.of(HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF"));
    private static final AesKey AS_KEK = AesKey.of(HexFormat.of().parseHex("08070605040302010807060504030201"));

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private RootKeyStore store;
    private AppSKeyStore appSKeys;
    private InternalJoinServer joinServer;
    private JsonNode vector;
    private JoinRequest request;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        redis = TestRedis.client(vertx, settings);
        keys = new RedisKeys(settings.keyPrefix());
        AtRestCipher cipher = cipher(new MasterKey("k1", MASTER));
        store = new RootKeyStore(redis, keys, cipher);
        appSKeys = new AppSKeyStore(redis, keys, cipher);
        ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
        joinServer = new InternalJoinServer(store, claims, appSKeys, new DevNonceRegistry(redis, keys),
                new JoinNonceCounter(redis, keys), new RejoinCount1Registry(redis, keys), Duration.ZERO,
                Map.of("as.example", AS_KEK), "as.example");
        vector = TestVectors.group("join_request_mic").get(0);
        request = (JoinRequest) FrameCodec.decode(bytes(vector, "phy_payload"));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aProvisionedDeviceJoinsOnceWithEachDevNonce() throws Exception {
        provision(NET_ID, AesKey.of(TestVectors.bytes(vector, "key")));
        JoinAnswer first = join(NET_ID, request);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class, first);
        assertFalse(accepted.lorawan11());
        assertEquals(17, accepted.joinAcceptPhy().length);
        assertEquals("as.example", accepted.appSKey().orElseThrow().kekLabel());
        assertEquals(KeyWrap.WRAPPED_SIZE, accepted.appSKey().orElseThrow().aesKey().length, "AppSKey wrapped for the AS");

        JoinAnswer again = join(NET_ID, request);
        JoinAnswer.Rejected reused = assertInstanceOf(JoinAnswer.Rejected.class, again);
        assertEquals(JoinResult.JOIN_REQ_FAILED, reused.result());
        assertTrue(reused.description().contains("DevNonce"), reused.description());
    }

    @Test
    void everyRefusalHasItsBackendInterfacesResult() throws Exception {
        assertEquals(JoinResult.UNKNOWN_DEV_EUI, rejected(join(NET_ID, request)).result());
        provision(NET_ID, AesKey.of(new byte[16]));
        assertEquals(JoinResult.MIC_FAILED, rejected(join(NET_ID, request)).result());
        provision(NetId.parse("00000A"), AesKey.of(TestVectors.bytes(vector, "key")));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, rejected(join(NET_ID, request)).result());
    }

    @Test
    void rootKeysAreStoredEncryptedAndNeedTheRightMasterKey() throws Exception {
        AesKey appKey = AesKey.of(TestVectors.bytes(vector, "key"));
        provision(NET_ID, appKey);
        String stored = redis.send(Request.cmd(Command.GET).arg(keys.rootKeys(request.devEui())))
                .await(10, TimeUnit.SECONDS).toString();
        assertFalse(stored.toUpperCase().contains(HexFormat.of().withUpperCase().formatHex(appKey.bytes())), stored);
        assertFalse(stored.contains(java.util.Base64.getEncoder().encodeToString(appKey.bytes())), stored);
        assertTrue(stored.contains("\"kid\":\"k1\""), stored);

        AtRestCipher wrongKey = cipher(new MasterKey("k1", AesKey.of(new byte[16])));
        SealedRecordException refused = assertThrows(SealedRecordException.class,
                () -> MasterKeyCheck.verify(redis, keys, wrongKey).await(10, TimeUnit.SECONDS));
        assertTrue(refused.getMessage().contains("internal_js.master_key"), refused.getMessage());
        RootKeyStore otherId = new RootKeyStore(redis, keys, cipher(new MasterKey("k2", MASTER)));
        SealedRecordException wrongId = assertThrows(SealedRecordException.class,
                () -> otherId.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS));
        assertTrue(wrongId.getMessage().contains("master key ID 'k1'"), wrongId.getMessage());
        assertArrayEquals(appKey.bytes(), store.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS)
                .orElseThrow().appKey().bytes());
    }

    @Test
    void rotationReSealsEveryRecordUnderTheNewMasterKey() throws Exception {
        AesKey appKey = AesKey.of(TestVectors.bytes(vector, "key"));
        provision(NET_ID, appKey);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class, join(NET_ID, request));
        AesKey appSKey = KeyWrap.unwrap(AS_KEK, accepted.appSKey().orElseThrow().aesKey());

        MasterKey newKey = new MasterKey("k2", AesKey.of(HexFormat.of().parseHex("FFEEDDCCBBAA99887766554433221100")));
        AtRestCipher rotating = cipher(newKey, new MasterKey("k1", MASTER));
        RootKeyStore rotatingStore = new RootKeyStore(redis, keys, rotating);
        AppSKeyStore rotatingAppSKeys = new AppSKeyStore(redis, keys, rotating);
        assertEquals(1, rotatingStore.rotate().await(10, TimeUnit.SECONDS));
        assertEquals(1, rotatingAppSKeys.rotate().await(10, TimeUnit.SECONDS));
        assertEquals(0, rotatingStore.rotate().await(10, TimeUnit.SECONDS), "a second run has nothing left to do");

        AtRestCipher newOnly = cipher(newKey);
        assertArrayEquals(appKey.bytes(), new RootKeyStore(redis, keys, newOnly).rootKeys(request.devEui())
                .await(10, TimeUnit.SECONDS).orElseThrow().appKey().bytes());
        assertArrayEquals(appSKey.bytes(), new AppSKeyStore(redis, keys, newOnly)
                .get(request.devEui(), accepted.sessionKeyId()).await(10, TimeUnit.SECONDS).orElseThrow().bytes());
        SealedRecordException oldOnly = assertThrows(SealedRecordException.class,
                () -> store.rootKeys(request.devEui()).await(10, TimeUnit.SECONDS));
        assertTrue(oldOnly.getMessage().contains("'k2'"), oldOnly.getMessage());
    }

    private void provision(NetId home, AesKey appKey) throws Exception {
        MasterKeyCheck.verify(redis, keys, cipher(new MasterKey("k1", MASTER))).await(10, TimeUnit.SECONDS);
        store.setRootKeys(request.devEui(), new RootKeys(request.joinEui(), MacVersion.LORAWAN_1_0_3, appKey,
                Optional.empty(), home, Optional.empty(), Optional.empty())).await(10, TimeUnit.SECONDS);
    }

    private static AtRestCipher cipher(MasterKey current, MasterKey... previous) {
        return new AtRestCipher(current, List.of(previous));
    }

    private JoinAnswer join(NetId netId, JoinRequest joinRequest) throws Exception {
        return joinServer.join(new JoinRequestContext(joinRequest.encode(), joinRequest, MacVersion.LORAWAN_1_0_3,
                netId, new DevAddr(0x26000001), new DlSettings(false, 0, 0), 1, Optional.empty()))
                .await(10, TimeUnit.SECONDS);
    }

    private static JoinAnswer.Rejected rejected(JoinAnswer answer) {
        return assertInstanceOf(JoinAnswer.Rejected.class, answer);
    }

}
