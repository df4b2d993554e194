package net.lorawanns.js.transfer;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
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
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.InternalJoinServer;
import net.lorawanns.js.RejoinCount1Registry;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.OwnerToken;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device exported from one join server (key prefix "a") and imported into another ("b", with its own transfer
 * key and master key): the spec device then joins the second with a new DevNonce, not with an old one; and the
 * JWEs an import must refuse.
 */
class RootKeyImportTest {
    private static final NetId NET_A = NetId.parse("000013");
    private static final NetId NET_B = NetId.parse("00001B");
    private static final String JOIN_EUI = "70B3D57ED0000A01";
    private static final String APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String OWNER_TOKEN = "owner-token-b";
    private static final String OWNER_TOKEN_A = "owner-token-a";
    private static final AesKey MASTER_A = AesKey.of(HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F10"));
    private static final AesKey MASTER_B = AesKey.of(HexFormat.of().parseHex("100F0E0D0C0B0A090807060504030201"));

    private Vertx vertx;
    private Redis redis;
    private Side a;
    private Side b;

    /** One join server's stores under a key prefix of its own. */
    private record Side(RedisKeys keys, RootKeyStore store, InternalJoinServer joinServer, ExportLock locks,
                        RootKeyImport imports, TransferKeyStore transferKeys, ClaimStore claims) {
        static Side of(Vertx vertx, Redis redis, RedisSettings settings, AesKey master) {
            RedisKeys keys = new RedisKeys(settings.keyPrefix());
            AtRestCipher cipher = new AtRestCipher(new MasterKey("k1", master), List.of());
            RootKeyStore store = new RootKeyStore(redis, keys, cipher);
            ClaimStore claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
            InternalJoinServer joinServer = new InternalJoinServer(store, claims, new AppSKeyStore(redis, keys, cipher),
                    new DevNonceRegistry(redis, keys), new JoinNonceCounter(redis, keys),
                    new RejoinCount1Registry(redis, keys), Duration.ZERO, Map.of(), "");
            return new Side(keys, store, joinServer, new ExportLock(redis, keys, store),
                    new RootKeyImport(redis, keys, store), new TransferKeyStore(vertx, redis, keys, cipher), claims);
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        redis = TestRedis.client(vertx, settings);
        a = Side.of(vertx, redis, TestRedis.settings(), MASTER_A);
        b = Side.of(vertx, redis, TestRedis.settings(), MASTER_B);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anImportedDeviceJoinsWithANewDevNonceAndAGreaterJoinNonceButNotWithAnOldOne() throws Exception {
        SpecDevice device = provision(a, "00000000000B0001", "1.0.3");
        accepted(join(a, device, NET_A, 0x0101));
        byte[] earlierRequest = device.joinRequest(0x0202);
        accepted(join(a, earlierRequest, NET_A));
        TransferKey bKey = b.transferKeys().transferKey().await(30, TimeUnit.SECONDS);
        ExportedRootKeys exported = assertInstanceOf(ExportLock.Outcome.Exported.class,
                a.locks().exportAndLock(eui(device), "", "test").await(10, TimeUnit.SECONDS)).keys();
        String jwe = RootKeyJwe.encrypt(exported, bKey.publicKey(), bKey.keyId());

        ExportedRootKeys opened = RootKeyJwe.decrypt(jwe, bKey);
        RootKeys home = new RootKeys(opened.joinEui(), opened.macVersion(), opened.appKey(), opened.nwkKey(), NET_B,
                Optional.empty(), Optional.empty());
        assertEquals(RootKeyImport.Outcome.IMPORTED, b.imports().store(opened, home, claim(opened))
                .await(10, TimeUnit.SECONDS));
        assertTrue(b.claims().claim(eui(device)).await(10, TimeUnit.SECONDS).orElseThrow().isClaimed(),
                "claimed on arrival");
        assertTrue(b.claims().authenticate(eui(device), OwnerToken.of(OWNER_TOKEN)).await(10, TimeUnit.SECONDS)
                .isPresent(),
                "under the importer's owner token");

        JoinAnswer.Rejected replay = assertInstanceOf(JoinAnswer.Rejected.class, join(b, earlierRequest, NET_B));
        assertEquals(JoinResult.JOIN_REQ_FAILED, replay.result());
        assertTrue(replay.description().contains("DevNonce"), replay.description());
        accepted(join(b, device, NET_B, 0x0303));
        assertEquals("3", redis.send(Request.cmd(Command.GET).arg(b.keys().joinNonce(eui(device))))
                .await(10, TimeUnit.SECONDS).toString(), "after JoinNonces 1 and 2 at the first join server");
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, assertInstanceOf(JoinAnswer.Rejected.class,
                join(a, device, NET_A, 0x0404)).result(), "the first join server stays locked");
        assertEquals(RootKeyImport.Outcome.EXISTS, b.imports().store(opened, home, claim(opened))
                .await(10, TimeUnit.SECONDS), "a device with root keys here, not locked by an export");
    }

    /**
     * A→B→A: a device claimed at A, exported from A and imported into B comes back to A by B's export. A merges its
     * nonce state and keeps its claim and lock; once its owner unlocks it with the owner token, A refuses a
     * join-request the device sent to B and gives a JoinNonce above B's last (a LoRaWAN 1.0.4 device discards a
     * join-accept whose JoinNonce is not greater than the last it took).
     */
    @Test
    void aDeviceComesBackToTheJoinServerItWasExportedFrom() throws Exception {
        SpecDevice device = provision(a, "00000000000B0004", "1.0.4");
        claimedAtA(device, OWNER_TOKEN_A);
        accepted(join(a, device, NET_A, 1));
        String toB = RootKeyJwe.encrypt(exportedFrom(a, device), bKey().publicKey(), bKey().keyId());
        ExportedRootKeys atB = RootKeyJwe.decrypt(toB, bKey());
        assertEquals(RootKeyImport.Outcome.IMPORTED, b.imports().store(atB, home(atB, NET_B), claim(b, atB, NET_B))
                .await(10, TimeUnit.SECONDS));
        accepted(join(b, device, NET_B, 2));
        byte[] sentToB = device.joinRequest(3);
        accepted(join(b, sentToB, NET_B));
        assertEquals("3", get(b.keys().joinNonce(eui(device))), "B gave JoinNonces 2 and 3");

        TransferKey aKey = a.transferKeys().transferKey().await(30, TimeUnit.SECONDS);
        ExportedRootKeys back = RootKeyJwe.decrypt(RootKeyJwe.encrypt(exportedFrom(b, device), aKey.publicKey(),
                aKey.keyId()), aKey);
        assertEquals(RootKeyImport.Outcome.RETURNED, a.imports().store(back, home(back, NET_A),
                claim(a, back, NET_A)).await(10, TimeUnit.SECONDS));
        assertTrue(a.claims().authenticate(eui(device), OwnerToken.of(OWNER_TOKEN)).await(10, TimeUnit.SECONDS)
                .isEmpty(), "the importer's owner token does not replace the owner's");
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, assertInstanceOf(JoinAnswer.Rejected.class,
                join(a, device, NET_A, 4)).result(), "still locked until its owner unlocks it");
        String ownersClaim = a.claims().authenticate(eui(device), OwnerToken.of(OWNER_TOKEN_A))
                .await(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(ExportLock.Unlocked.UNLOCKED, a.locks().unlock(eui(device), ownersClaim)
                .await(10, TimeUnit.SECONDS));

        JoinAnswer.Rejected replay = assertInstanceOf(JoinAnswer.Rejected.class, join(a, sentToB, NET_A));
        assertEquals(JoinResult.JOIN_REQ_FAILED, replay.result(), "the join-request sent to B is refused at A");
        assertTrue(replay.description().contains("DevNonce"), replay.description());
        accepted(join(a, device, NET_A, 5));
        assertEquals("4", get(a.keys().joinNonce(eui(device))), "A's next JoinNonce is above B's last (3)");
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, assertInstanceOf(JoinAnswer.Rejected.class,
                join(b, device, NET_B, 6)).result(), "B is locked now");
        assertEquals(RootKeyImport.Outcome.EXISTS, a.imports().store(back, home(back, NET_A), claim(a, back, NET_A))
                .await(10, TimeUnit.SECONDS), "back and unlocked: not imported again");
    }

    /**
     * The reviewer's attack: anyone who knows a device's root keys (its maker, an earlier owner, the other join
     * server's operator) makes a JWE of them to this server's public transfer key, with JoinNonce 0 and no DevNonces,
     * and imports it under a token of their own. The claim stays the owner's, the attacker's token proves nothing, and
     * the device stays locked.
     */
    @Test
    void anImportOfALockedDevicesKnownKeysDoesNotTakeIt() throws Exception {
        SpecDevice device = provision(a, "00000000000B0006", "1.0.4");
        claimedAtA(device, OWNER_TOKEN_A);
        accepted(join(a, device, NET_A, 1));
        ExportedRootKeys exported = exportedFrom(a, device);
        String ownersClaim = get(a.keys().claim(eui(device)));
        ExportedRootKeys known = new ExportedRootKeys(exported.devEui(), exported.joinEui(), exported.macVersion(),
                AesKey.of(HexFormat.of().parseHex(APP_KEY)), Optional.empty(), Optional.empty(), List.of(),
                new JoinNonce(0), Optional.empty());
        TransferKey aKey = a.transferKeys().transferKey().await(30, TimeUnit.SECONDS);
        ExportedRootKeys forged = RootKeyJwe.decrypt(RootKeyJwe.encrypt(known, aKey.publicKey(), aKey.keyId()), aKey);

        assertEquals(RootKeyImport.Outcome.RETURNED, a.imports().store(forged, home(forged, NET_B),
                claim(a, forged, NET_B)).await(10, TimeUnit.SECONDS), "nonce state merged, nothing else");

        assertEquals(ownersClaim, get(a.keys().claim(eui(device))), "the claim is the real owner's");
        assertTrue(a.claims().authenticate(eui(device), OwnerToken.of(OWNER_TOKEN)).await(10, TimeUnit.SECONDS)
                .isEmpty(), "the attacker's token does not authenticate");
        assertTrue(a.locks().locked(eui(device)).await(10, TimeUnit.SECONDS), "still locked");
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, assertInstanceOf(JoinAnswer.Rejected.class,
                join(a, device, NET_A, 2)).result());
        assertEquals("1", get(a.keys().joinNonce(eui(device))), "JoinNonce 0 does not lower the counter");
    }

    /**
     * A device with root keys here that is not locked is refused as {@code exists} whatever keys the JWE holds: the
     * answer does not tell whether guessed keys are the device's.
     */
    @Test
    void anUnlockedDeviceIsRefusedAlikeForItsOwnKeysAndOthers() throws Exception {
        SpecDevice device = provision(a, "00000000000B0007", "1.0.4");
        ExportedRootKeys own = new ExportedRootKeys(eui(device), Eui64.parse(JOIN_EUI), MacVersion.LORAWAN_1_0_4,
                AesKey.of(HexFormat.of().parseHex(APP_KEY)), Optional.empty(), Optional.empty(), List.of(),
                new JoinNonce(0), Optional.empty());
        ExportedRootKeys guessed = new ExportedRootKeys(eui(device), Eui64.parse(JOIN_EUI), MacVersion.LORAWAN_1_0_4,
                AesKey.of(HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F")), Optional.empty(),
                Optional.empty(), List.of(), new JoinNonce(0), Optional.empty());
        for (ExportedRootKeys jwe : List.of(own, guessed)) {
            assertEquals(RootKeyImport.Outcome.EXISTS, a.imports().store(jwe, home(jwe, NET_B), claim(a, jwe, NET_B))
                    .await(10, TimeUnit.SECONDS));
        }
        accepted(join(a, device, NET_A, 1));
    }

    /** A device locked after an export takes back only its own root keys: an API key alone cannot replace them. */
    @Test
    void aLockedDeviceIsNotReplacedByAJweWithOtherKeys() throws Exception {
        SpecDevice device = provision(a, "00000000000B0005", "1.0.4");
        ExportedRootKeys exported = exportedFrom(a, device);
        ExportedRootKeys forged = new ExportedRootKeys(exported.devEui(), exported.joinEui(), exported.macVersion(),
                AesKey.of(HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F")), Optional.empty(),
                Optional.empty(), List.of(), new JoinNonce(0), Optional.empty());
        assertEquals(RootKeyImport.Outcome.OTHER_KEYS, a.imports().store(forged, home(forged, NET_A),
                claim(a, forged, NET_A)).await(10, TimeUnit.SECONDS));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, assertInstanceOf(JoinAnswer.Rejected.class,
                join(a, device, NET_A, 1)).result(), "still locked, with its own keys");
    }

    @Test
    void anImportedLoRaWAN11DeviceKeepsItsRjCount1() throws Exception {
        byte[] appKey = HexFormat.of().parseHex(APP_KEY);
        byte[] nwkKey = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");
        SpecDevice device = new SpecDevice("00000000000B0003", JOIN_EUI, "1.1", appKey, nwkKey, 1);
        ExportedRootKeys exported = new ExportedRootKeys(eui(device), Eui64.parse(JOIN_EUI), MacVersion.LORAWAN_1_1_0,
                AesKey.of(appKey), Optional.of(AesKey.of(nwkKey)), Optional.of(new DevNonce(4)), List.of(),
                new JoinNonce(6), Optional.of(9));
        RootKeys home = new RootKeys(exported.joinEui(), exported.macVersion(), exported.appKey(), exported.nwkKey(),
                NET_B, Optional.empty(), Optional.empty());
        assertEquals(RootKeyImport.Outcome.IMPORTED, b.imports().store(exported, home, claim(exported))
                .await(10, TimeUnit.SECONDS));

        JoinAnswer.Rejected replay = assertInstanceOf(JoinAnswer.Rejected.class,
                RootKeyExportTest.rejoin1(b.joinServer(), device, 9, NET_B));
        assertTrue(replay.description().contains("RJcount1"), replay.description());
        accepted(RootKeyExportTest.rejoin1(b.joinServer(), device, 10, NET_B));
    }

    @Test
    void instancesSharingARedisAgreeOnOneTransferKey() throws Exception {
        TransferKeyStore first = b.transferKeys();
        // Another instance: a Redis connection and a store of its own, asking at the same time.
        TransferKeyStore second = new TransferKeyStore(vertx, TestRedis.client(vertx, TestRedis.settings()), b.keys(),
                new AtRestCipher(new MasterKey("k1", MASTER_B), List.of()));
        CompositeFuture both = Future.all(first.transferKey(), second.transferKey()).await(30, TimeUnit.SECONDS);
        TransferKey one = both.resultAt(0);
        TransferKey other = both.resultAt(1);
        assertEquals(one.keyId(), other.keyId());
        assertEquals(TransferKey.BITS, one.publicKey().getModulus().bitLength());
        assertSame(one, first.transferKey().await(10, TimeUnit.SECONDS), "read once, then kept");
        String stored = redis.send(Request.cmd(Command.GET).arg(b.keys().transferKey())).await(10, TimeUnit.SECONDS)
                .toString();
        String privateExponent = one.privateKey().getPrivateExponent().toString(16);
        assertFalse(stored.toLowerCase().contains(privateExponent.substring(0, 32)), "the private key is sealed");
        assertFalse(one.toString().contains(privateExponent.substring(0, 16)));
    }

    @Test
    void aTransferKeyIsResealedByRotation() throws Exception {
        String keyId = b.transferKeys().transferKey().await(30, TimeUnit.SECONDS).keyId();
        MasterKey newMaster = new MasterKey("k2",
                AesKey.of(HexFormat.of().parseHex("FFEEDDCCBBAA99887766554433221100")));
        TransferKeyStore rotating = new TransferKeyStore(vertx, redis, b.keys(),
                new AtRestCipher(newMaster, List.of(new MasterKey("k1", MASTER_B))));
        assertEquals(1, rotating.rotate().await(10, TimeUnit.SECONDS));
        assertEquals(0, rotating.rotate().await(10, TimeUnit.SECONDS));
        TransferKeyStore newOnly = new TransferKeyStore(vertx, redis, b.keys(), new AtRestCipher(newMaster, List.of()));
        assertEquals(keyId, newOnly.transferKey().await(10, TimeUnit.SECONDS).keyId());
    }

    @Test
    void jwesAnImportRefuses() throws Exception {
        SpecDevice device = provision(a, "00000000000B0002", "1.0.4");
        ExportedRootKeys exported = assertInstanceOf(ExportLock.Outcome.Exported.class,
                a.locks().exportAndLock(eui(device), "", "test").await(10, TimeUnit.SECONDS)).keys();
        TransferKey bKey = b.transferKeys().transferKey().await(30, TimeUnit.SECONDS);
        KeyPair other = RootKeyExportTest.rsa(2048);

        String forAnotherKey = RootKeyJwe.encrypt(exported, (RSAPublicKey) other.getPublic(), "");
        assertRefused(forAnotherKey, bKey, "cannot be decrypted with this server's transfer key");
        String namedForAnotherKey = RootKeyJwe.encrypt(exported, (RSAPublicKey) other.getPublic(), "someone-else");
        assertRefused(namedForAnotherKey, bKey, "not to this server's transfer key");

        String good = RootKeyJwe.encrypt(exported, bKey.publicKey(), "");
        String[] parts = good.split("\\.");
        char flipped = parts[3].charAt(0) == 'A' ? 'B' : 'A';
        String tampered = String.join(".", parts[0], parts[1], parts[2], flipped + parts[3].substring(1), parts[4]);
        assertRefused(tampered, bKey, "altered");

        JWEObject rsa15 = new JWEObject(new JWEHeader(JWEAlgorithm.RSA1_5, EncryptionMethod.A256GCM),
                new Payload(exported.toJson().encode()));
        rsa15.encrypt(new RSAEncrypter(bKey.publicKey()));
        assertRefused(rsa15.serialize(), bKey, "alg must be RSA-OAEP-256");

        assertRefused("not.a.jwe", bKey, "not a JWE");
        JWEObject badPayload = new JWEObject(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                new Payload(exported.toJson().put("app_key", "00").encode()));
        badPayload.encrypt(new RSAEncrypter(bKey.publicKey()));
        assertRefused(badPayload.serialize(), bKey, "app_key: must be 32 hex digits");
    }

    private TransferKey bKey() throws Exception {
        return b.transferKeys().transferKey().await(30, TimeUnit.SECONDS);
    }

    /** Exported as the API does for the owner: against the claim record as it is (none for an own device). */
    private ExportedRootKeys exportedFrom(Side side, SpecDevice device) throws Exception {
        Response claim = redis.send(Request.cmd(Command.GET).arg(side.keys().claim(eui(device))))
                .await(10, TimeUnit.SECONDS);
        return assertInstanceOf(ExportLock.Outcome.Exported.class, side.locks().exportAndLock(eui(device),
                claim == null ? "" : claim.toString(), "test").await(10, TimeUnit.SECONDS)).keys();
    }

    /** Claims the device at A for its owner, under {@code token}, as a claim record of A's. */
    private void claimedAtA(SpecDevice device, String token) throws Exception {
        redis.send(Request.cmd(Command.SET).arg(a.keys().claim(eui(device))).arg(a.claims().seal(eui(device),
                Claim.claimed(NET_A, Optional.empty(), "", Instant.now()), OwnerToken.of(token)).encode()))
                .await(10, TimeUnit.SECONDS);
    }

    private static RootKeys home(ExportedRootKeys device, NetId netId) {
        return new RootKeys(device.joinEui(), device.macVersion(), device.appKey(), device.nwkKey(), netId,
                Optional.empty(), Optional.empty());
    }

    private static JsonObject claim(Side side, ExportedRootKeys device, NetId netId) {
        return side.claims().seal(device.devEui(), Claim.claimed(netId, Optional.empty(), "", Instant.now()),
                OwnerToken.of(OWNER_TOKEN));
    }

    private String get(String key) throws Exception {
        return redis.send(Request.cmd(Command.GET).arg(key)).await(10, TimeUnit.SECONDS).toString();
    }

    private JsonObject claim(ExportedRootKeys device) {
        return b.claims().seal(device.devEui(), Claim.claimed(NET_B, Optional.empty(), "", Instant.now()),
                OwnerToken.of(OWNER_TOKEN));
    }

    private static void assertRefused(String jwe, TransferKey key, String reason) {
        RootKeyJwe.RefusedJweException refused = assertThrows(RootKeyJwe.RefusedJweException.class,
                () -> RootKeyJwe.decrypt(jwe, key));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
        assertFalse(refused.getMessage().contains(APP_KEY), refused.getMessage());
    }

    private static SpecDevice provision(Side side, String devEui, String version) throws Exception {
        byte[] appKey = HexFormat.of().parseHex(APP_KEY);
        side.store().setRootKeys(Eui64.parse(devEui), new RootKeys(Eui64.parse(JOIN_EUI), MacVersion.parse(version),
                AesKey.of(appKey), Optional.empty(), NET_A, Optional.empty(), Optional.empty()))
                .await(10, TimeUnit.SECONDS);
        return new SpecDevice(devEui, JOIN_EUI, version, appKey, null, 1);
    }

    private static JoinAnswer join(Side side, SpecDevice device, NetId netId, int devNonce) throws Exception {
        return join(side, device.joinRequest(devNonce), netId);
    }

    private static JoinAnswer join(Side side, byte[] phy, NetId netId) throws Exception {
        JoinRequest request = (JoinRequest) FrameCodec.decode(phy);
        return side.joinServer().join(new JoinRequestContext(request.encode(), request, MacVersion.LORAWAN_1_0_3,
                netId, new DevAddr(0x26000001), new DlSettings(false, 0, 0), 1, Optional.empty()))
                .await(10, TimeUnit.SECONDS);
    }

    private static void accepted(JoinAnswer answer) {
        assertInstanceOf(JoinAnswer.Accepted.class, answer, answer::toString);
    }

    private static Eui64 eui(SpecDevice device) {
        return Eui64.parse(device.devEui);
    }
}
