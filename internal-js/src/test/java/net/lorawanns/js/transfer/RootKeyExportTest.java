package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.RejoinRequestContext;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.RejoinRequest;
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
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.AppSKeyStore;
import net.lorawanns.js.InternalJoinServer;
import net.lorawanns.js.RejoinCount1Registry;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export with lock, against a real Redis, the in-process join server and the spec device ({@link SpecDevice}); the
 * JWE is opened with the JDK's own RSA-OAEP and AES-GCM, not with the library that made it.
 */
class RootKeyExportTest {
    private static final NetId NET_ID = NetId.parse("000013");
    private static final String JOIN_EUI = "70B3D57ED0000A01";
    private static final String APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String NWK_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final AesKey MASTER = AesKey.of(HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF"));

    private Vertx vertx;
    private Redis redis;
    private RedisSettings settings;
    private RedisKeys keys;
    private RootKeyStore store;
    private InternalJoinServer joinServer;
    private ExportLock locks;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        settings = TestRedis.settings();
        redis = TestRedis.client(vertx, settings);
        keys = new RedisKeys(settings.keyPrefix());
        AtRestCipher cipher = new AtRestCipher(new MasterKey("k1", MASTER), List.of());
        store = new RootKeyStore(redis, keys, cipher);
        joinServer = new InternalJoinServer(store, new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT),
                new AppSKeyStore(redis, keys, cipher),
                new DevNonceRegistry(redis, keys), new JoinNonceCounter(redis, keys),
                new RejoinCount1Registry(redis, keys), Duration.ZERO, Map.of(), "");
        locks = new ExportLock(redis, keys, store);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theJweOpensWithTheJdksOwnCiphersToTheProvisionedKeysAndNonces() throws Exception {
        SpecDevice device = provision("00000000000A0011", "1.1");
        accepted(join(device, 1));
        accepted(join(device, 2));
        accepted(rejoin1(device, 7));
        KeyPair owner = rsa(2048);

        String jwe = RootKeyJwe.encrypt(exported(device), (RSAPublicKey) owner.getPublic(), "owner-key-1");

        String[] parts = jwe.split("\\.");
        assertEquals(5, parts.length, "compact serialisation: header.key.iv.ciphertext.tag");
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        assertEquals("RSA-OAEP-256", header.getString("alg"));
        assertEquals("A256GCM", header.getString("enc"));
        assertEquals("owner-key-1", header.getString("kid"));
        JsonObject payload = jdkDecrypt(parts, owner);
        assertEquals(device.devEui, payload.getString("dev_eui"));
        assertEquals(JOIN_EUI, payload.getString("join_eui"));
        assertEquals("1.1.0", payload.getString("mac_version"));
        assertEquals(APP_KEY, payload.getString("app_key"));
        assertEquals(NWK_KEY, payload.getString("nwk_key"));
        assertEquals(2, payload.getInteger("last_dev_nonce"), "the device's last DevNonce");
        assertEquals(3, payload.getInteger("last_join_nonce"), "two join-accepts and a rejoin-accept");
        assertEquals(7, payload.getInteger("last_rj_count1"), "the RJcount1 of its type 1 rejoin-request");
        assertFalse(payload.containsKey("used_dev_nonces"), "a counting device has no set of used values");
    }

    @Test
    void aRandomNonceDeviceExportsEveryDevNonceItUsed() throws Exception {
        SpecDevice device = provision("00000000000A0012", "1.0.3");
        accepted(join(device, 0x0771));
        accepted(join(device, 0x0012));
        KeyPair owner = rsa(2048);

        JsonObject payload = jdkDecrypt(RootKeyJwe.encrypt(exported(device), (RSAPublicKey) owner.getPublic(), "")
                .split("\\."), owner);

        assertEquals(APP_KEY, payload.getString("app_key"));
        assertFalse(payload.containsKey("nwk_key"), "a LoRaWAN 1.0 device has no NwkKey");
        assertEquals(new JsonArray().add(0x0012).add(0x0771), payload.getJsonArray("used_dev_nonces"));
        assertFalse(payload.containsKey("last_dev_nonce"));
        assertEquals(2, payload.getInteger("last_join_nonce"));
    }

    @Test
    void aLockedDeviceAnswersNoJoinUntilUnlocked() throws Exception {
        SpecDevice device = provision("00000000000A0013", "1.0.4");
        accepted(join(device, 1));
        exported(device);

        JoinAnswer.Rejected locked = assertInstanceOf(JoinAnswer.Rejected.class, join(device, 2));
        assertEquals(JoinResult.ACTIVATION_DISALLOWED, locked.result());
        assertTrue(locked.description().contains("locked after export"), locked.description());
        assertInstanceOf(ExportLock.Outcome.Locked.class, locks.exportAndLock(eui(device), "", "test")
                .await(10, TimeUnit.SECONDS), "a locked device is not exported twice");

        assertEquals(ExportLock.Unlocked.UNLOCKED, locks.unlock(eui(device), "").await(10, TimeUnit.SECONDS));
        accepted(join(device, 3));
        assertEquals(ExportLock.Unlocked.NOT_LOCKED, locks.unlock(eui(device), "").await(10, TimeUnit.SECONDS),
                "no lock left to lift");
    }

    @Test
    void concurrentExportsFromTwoInstancesExportOnce() throws Exception {
        SpecDevice device = provision("00000000000A0015", "1.0.4");
        ExportLock other = new ExportLock(TestRedis.client(vertx, settings), keys, store);
        List<Future<ExportLock.Outcome>> racing = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add((i % 2 == 0 ? locks : other).exportAndLock(eui(device), "", "instance-" + (i % 2)));
        }
        Future.all(racing).await(10, TimeUnit.SECONDS);
        assertEquals(1, racing.stream().filter(f -> f.result() instanceof ExportLock.Outcome.Exported).count());
        assertEquals(7, racing.stream().filter(f -> f.result() instanceof ExportLock.Outcome.Locked).count());
    }

    /**
     * A join-request and an export sent together, for many devices: either the join was decided first and its
     * DevNonce and JoinNonce are in the export, or it is refused as locked; never a join-accept the export missed.
     */
    @Test
    void aJoinRacingAnExportIsInTheExportOrRefused() throws Exception {
        for (int i = 0; i < 20; i++) {
            SpecDevice device = provision(String.format("00000000000A01%02X", i), "1.0.4");
            JoinRequest request = (JoinRequest) FrameCodec.decode(device.joinRequest(5));
            Future<JoinAnswer> join = joinServer.join(new JoinRequestContext(request.encode(), request,
                    MacVersion.LORAWAN_1_0_4, NET_ID, new DevAddr(0x26000001), new DlSettings(false, 0, 0), 1,
                    Optional.empty()));
            // The export starts 0-3 Redis round trips after the join, so that it falls between its different steps.
            Future<Void> delay = Future.succeededFuture();
            for (int hops = 0; hops < i % 4; hops++) {
                delay = delay.compose(v -> redis.send(Request.cmd(Command.PING)).mapEmpty());
            }
            Future<ExportLock.Outcome> export = delay.compose(v -> locks.exportAndLock(eui(device), "", "test"));
            Future.all(join, export).await(10, TimeUnit.SECONDS);
            ExportedRootKeys exported = assertInstanceOf(ExportLock.Outcome.Exported.class, export.result()).keys();
            if (join.result() instanceof JoinAnswer.Accepted) {
                assertEquals(1, exported.lastJoinNonce().value(), "the accepted join's JoinNonce is in the export");
                assertEquals(Optional.of(new DevNonce(5)), exported.lastDevNonce());
            } else {
                JoinAnswer.Rejected rejected = assertInstanceOf(JoinAnswer.Rejected.class, join.result());
                assertEquals(JoinResult.ACTIVATION_DISALLOWED, rejected.result(), rejected.description());
                assertEquals(0, exported.lastJoinNonce().value(), "no JoinNonce was given after the lock");
            }
        }
    }

    @Test
    void anUnknownDeviceHasNothingToExport() throws Exception {
        assertInstanceOf(ExportLock.Outcome.Unknown.class, locks.exportAndLock(Eui64.parse("00000000000A0014"),
                "", "test").await(10, TimeUnit.SECONDS));
    }

    private ExportedRootKeys exported(SpecDevice device) throws Exception {
        ExportLock.Outcome outcome = locks.exportAndLock(eui(device), "", "test").await(10, TimeUnit.SECONDS);
        return assertInstanceOf(ExportLock.Outcome.Exported.class, outcome).keys();
    }

    /** RFC 7516 section 5.2 with javax.crypto: RSA-OAEP with SHA-256 and MGF1-SHA-256, then AES-256-GCM. */
    static JsonObject jdkDecrypt(String[] parts, KeyPair owner) throws Exception {
        Base64.Decoder base64url = Base64.getUrlDecoder();
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        rsa.init(Cipher.DECRYPT_MODE, owner.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1",
                MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        byte[] contentKey = rsa.doFinal(base64url.decode(parts[1]));
        assertEquals(32, contentKey.length, "A256GCM's key");
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"),
                new GCMParameterSpec(128, base64url.decode(parts[2])));
        // The additional authenticated data is the ASCII of the encoded protected header (RFC 7516 section 5.2).
        gcm.updateAAD(parts[0].getBytes(StandardCharsets.US_ASCII));
        byte[] ciphertext = base64url.decode(parts[3]);
        byte[] tag = base64url.decode(parts[4]);
        byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + tag.length);
        System.arraycopy(tag, 0, sealed, ciphertext.length, tag.length);
        return new JsonObject(new String(gcm.doFinal(sealed), StandardCharsets.UTF_8));
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private SpecDevice provision(String devEui, String version) throws Exception {
        boolean lorawan11 = version.equals("1.1");
        byte[] appKey = HexFormat.of().parseHex(APP_KEY);
        byte[] nwkKey = HexFormat.of().parseHex(NWK_KEY);
        store.setRootKeys(Eui64.parse(devEui), new RootKeys(Eui64.parse(JOIN_EUI), MacVersion.parse(version),
                AesKey.of(appKey), lorawan11 ? Optional.of(AesKey.of(nwkKey)) : Optional.empty(), NET_ID,
                Optional.empty(), Optional.empty())).await(10, TimeUnit.SECONDS);
        return new SpecDevice(devEui, JOIN_EUI, version, appKey, lorawan11 ? nwkKey : null, 1);
    }

    private JoinAnswer join(SpecDevice device, int devNonce) throws Exception {
        JoinRequest request = (JoinRequest) FrameCodec.decode(device.joinRequest(devNonce));
        return joinServer.join(new JoinRequestContext(request.encode(), request, MacVersion.parse(device.version),
                NET_ID, new DevAddr(0x26000001), new DlSettings(false, 0, 0), 1, Optional.empty()))
                .await(10, TimeUnit.SECONDS);
    }

    private JoinAnswer rejoin1(SpecDevice device, int rjCount1) throws Exception {
        return rejoin1(joinServer, device, rjCount1, NET_ID);
    }

    /** A type 1 rejoin-request of a LoRaWAN 1.1 device, answered by {@code joinServer}. */
    static JoinAnswer rejoin1(InternalJoinServer joinServer, SpecDevice device, int rjCount1, NetId netId)
            throws Exception {
        byte[] phy = device.rejoinRequest1(rjCount1);
        RejoinRequest request = (RejoinRequest) FrameCodec.decode(phy);
        return joinServer.rejoin(new RejoinRequestContext(phy, request, Eui64.parse(device.joinEui),
                MacVersion.LORAWAN_1_1_0, netId, new DevAddr(0x26000002), new DlSettings(true, 0, 0), 1,
                Optional.empty())).await(10, TimeUnit.SECONDS);
    }

    private static void accepted(JoinAnswer answer) {
        assertInstanceOf(JoinAnswer.Accepted.class, answer, answer::toString);
    }

    private static Eui64 eui(SpecDevice device) {
        return Eui64.parse(device.devEui);
    }
}
