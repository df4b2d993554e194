package net.lorawanns.js;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.InternalJsSettings;
import net.lorawanns.config.JsClientSettings;
import net.lorawanns.config.KekSettings;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.config.Secret;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.AttemptLimit;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.DeviceClaiming;
import net.lorawanns.js.claim.OwnerToken;
import net.lorawanns.js.transfer.ExportLock;
import net.lorawanns.sim.DeviceCrypto;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal join server as another operator's network server sees it: real HTTPS with certificates made here,
 * requests written by hand from TS002 (not by this project's client), and keys checked by the test device's own
 * derivation and the JDK's AESWrap.
 */
class BackendInterfacesServerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String NET_ID = "000013";
    private static final String JOIN_EUI = "70B3D57ED0001234";
    private static final byte[] NS_KEK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    private static final byte[] AS_KEK = HEX.parseHex("0F0E0D0C0B0A09080706050403020100");

    @TempDir
    Path dir;
    private Vertx vertx;
    private Redis redis;
    private RootKeyStore rootKeys;
    private ExportLock exportLock;
    private ClaimStore claims;
    private DeviceClaiming claiming;
    private HttpServer server;
    private TestPki.Authority jsCa;
    private TestPki.Authority partnerCa;
    private TestPki.Authority asCa;
    private TestPki.Credentials limited;
    private WebClient partner;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings redisSettings = TestRedis.settings();
        redis = TestRedis.client(vertx, redisSettings);
        RedisKeys keys = new RedisKeys(redisSettings.keyPrefix());
        AtRestCipher cipher = new AtRestCipher(new MasterKey("1", AesKey.of(new byte[16])), List.of());
        rootKeys = new RootKeyStore(redis, keys, cipher);
        exportLock = new ExportLock(redis, keys, rootKeys);
        AppSKeyStore appSKeys = new AppSKeyStore(redis, keys, cipher);
        claims = new ClaimStore(redis, keys, cipher, AttemptLimit.DEFAULT);
        Map<String, AesKey> keks = Map.of("ns.partner", AesKey.of(NS_KEK), "as.partner", AesKey.of(AS_KEK));
        claiming = new DeviceClaiming(rootKeys, claims, new AuditLog(redis, keys, Duration.ofDays(1), 1000),
                keks.keySet(), Clock.systemUTC(), new SimpleMeterRegistry());
        InternalJoinServer joinServer = new InternalJoinServer(rootKeys, claims, appSKeys, new DevNonceRegistry(redis, keys),
                new JoinNonceCounter(redis, keys), new RejoinCount1Registry(redis, keys), Duration.ofDays(7), keks, "");

        jsCa = TestPki.authority(dir, "js");
        TestPki.Credentials serverCert = jsCa.issue("js-server");
        partnerCa = TestPki.authority(dir, "partner");
        asCa = TestPki.authority(dir, "app-server");
        limited = partnerCa.issue("limited");
        InternalJsSettings settings = new InternalJsSettings(true, List.of(JOIN_EUI.substring(0, 10) + "000000/40"),
                "127.0.0.1:0", serverCert.certFile().toString(), serverCert.keyFile().toString(), List.of(
                new JsClientSettings("limited", null, limited.certFile().toString(), List.of(NET_ID), null, null,
                        "ns.partner", "as.partner", null, 1, null),
                new JsClientSettings("partner", partnerCa.certFile().toString(), null, List.of(NET_ID), null, null,
                        "ns.partner", "as.partner", null, null, null),
                new JsClientSettings("app-server", asCa.certFile().toString(), null, null, null, List.of("as-1"),
                        "", "as.partner", null, null, null)),
                new Secret("00000000000000000000000000000000"), "1", null, null, null,
                List.of(new KekSettings("ns.partner", new Secret(HEX.formatHex(NS_KEK))),
                        new KekSettings("as.partner", new Secret(HEX.formatHex(AS_KEK)))), null);
        server = BackendInterfacesServer.start(vertx, settings, joinServer, rootKeys, appSKeys, keks,
                eui -> eui.toString().startsWith(JOIN_EUI.substring(0, 10)), new SimpleMeterRegistry(),
                "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        partner = client(partnerCa.issue("partner-ns"), jsCa);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoRaWAN103DeviceJoinsOverBackendInterfaces10() throws Exception {
        SpecDevice device = provision("0004A30B001C0530", "1.0.3", NetId.parse(NET_ID));
        JsonObject ans = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 1234, "MessageType": "JoinReq", "MACVersion": "1.0.3",
                 "PHYPayload": "%s", "DevEUI": "0004A30B001C0530", "DevAddr": "26011F2A",
                 "DLSettings": "00", "RxDelay": 1}
                """.formatted(HEX.withUpperCase().formatHex(device.joinRequest(0x1F2E))), 200);
        assertEquals("Success", result(ans), ans.encode());
        assertEquals("JoinAns", ans.getString("MessageType"));
        assertEquals(1234, ans.getLong("TransactionID"));
        assertEquals(JOIN_EUI, ans.getString("SenderID"));
        assertEquals(NET_ID, ans.getString("ReceiverID"));
        device.acceptJoin(HEX.parseHex(ans.getString("PHYPayload")));
        assertEquals("26011F2A", device.devAddr());
        assertArrayEquals(device.fNwkSIntKey, unwrap(ans.getJsonObject("NwkSKey"), "ns.partner", NS_KEK));
        assertArrayEquals(device.appSKey, unwrap(ans.getJsonObject("AppSKey"), "as.partner", AS_KEK));
        assertNull(ans.getValue("FNwkSIntKey"), "a 1.0 session has one NwkSKey");
        assertEquals(7 * 24 * 3600, ans.getLong("Lifetime"));
        assertEquals(32, ans.getString("SessionKeyID").length());

        JsonObject again = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 1235, "MessageType": "JoinReq", "MACVersion": "1.0.3",
                 "PHYPayload": "%s", "DevEUI": "0004A30B001C0530", "DevAddr": "26011F2B",
                 "DLSettings": "00", "RxDelay": 1}
                """.formatted(HEX.formatHex(device.joinRequest(0x1F2E))), 200);
        assertEquals("JoinReqFailed", result(again), "a 1.0.3 device may not reuse a DevNonce");
    }

    @Test
    void aLoRaWAN104DeviceJoinsWithPrefixedLowerCaseHex() throws Exception {
        SpecDevice device = provision("0004A30B001C0531", "1.0.4", NetId.parse(NET_ID));
        JsonObject ans = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "0x000013", "ReceiverID": "0x70b3d57ed0001234",
                 "TransactionID": 77, "MessageType": "JoinReq", "MACVersion": "1.0.4",
                 "PHYPayload": "0x%s", "DevEUI": "0x0004a30b001c0531", "DevAddr": "0x26011f2c",
                 "DLSettings": "0x23", "RxDelay": 5,
                 "CFList": "0x184f84e85684b85e84886684586e8400"}
                """.formatted(HEX.formatHex(device.joinRequest(7))), 200);
        assertEquals("Success", result(ans), ans.encode());
        device.acceptJoin(HEX.parseHex(ans.getString("PHYPayload")));
        assertEquals(2, device.rx1DrOffset);
        assertEquals(3, device.rx2Dr);
        assertEquals(5, device.rxDelay);
        assertEquals("184f84e85684b85e84886684586e8400", HEX.formatHex(device.cfList));
        assertArrayEquals(device.fNwkSIntKey, unwrap(ans.getJsonObject("NwkSKey"), "ns.partner", NS_KEK));

        JsonObject notGreater = post(partner, joinReq11Or10("1.0", "1.0.4", "0004A30B001C0531", device.joinRequest(7)), 200);
        assertEquals("JoinReqFailed", result(notGreater), "a 1.0.4 DevNonce must increase");
    }

    @Test
    void aLoRaWAN11DeviceJoinsOverBackendInterfaces11WithThreeNetworkKeys() throws Exception {
        SpecDevice device = provision("0004A30B001C0532", "1.1", NetId.parse(NET_ID));
        JsonObject ans = post(partner, """
                {"ProtocolVersion": "1.1", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "SenderNSID": "ns-a.example", "TransactionID": 4000000000, "MessageType": "JoinReq",
                 "MACVersion": "1.1", "PHYPayload": "%s", "DevEUI": "0004A30B001C0532", "DevAddr": "26011F2D",
                 "DLSettings": "00", "RxDelay": 1}
                """.formatted(HEX.formatHex(device.joinRequest(1))), 200);
        assertEquals("Success", result(ans), ans.encode());
        assertEquals("1.1", ans.getString("ProtocolVersion"));
        assertEquals("ns-a.example", ans.getString("ReceiverNSID"));
        assertEquals(4000000000L, ans.getLong("TransactionID"));
        device.acceptJoin(HEX.parseHex(ans.getString("PHYPayload")));
        assertArrayEquals(device.fNwkSIntKey, unwrap(ans.getJsonObject("FNwkSIntKey"), "ns.partner", NS_KEK));
        assertArrayEquals(device.sNwkSIntKey, unwrap(ans.getJsonObject("SNwkSIntKey"), "ns.partner", NS_KEK));
        assertArrayEquals(device.nwkSEncKey, unwrap(ans.getJsonObject("NwkSEncKey"), "ns.partner", NS_KEK));
        assertArrayEquals(device.appSKey, unwrap(ans.getJsonObject("AppSKey"), "as.partner", AS_KEK));
        assertNull(ans.getValue("NwkSKey"));
    }

    @Test
    void aDeviceLockedAfterExportIsRefusedJoinsAndRejoinsOverBackendInterfaces() throws Exception {
        SpecDevice device = provision("0004A30B001C053A", "1.1", NetId.parse(NET_ID));
        JsonObject joined = post(partner, joinReq11Or10("1.1", "1.1", "0004A30B001C053A", device.joinRequest(1)), 200);
        device.acceptJoin(HEX.parseHex(joined.getString("PHYPayload")));
        exportLock.exportAndLock(Eui64.parse("0004A30B001C053A"), "", "test").await(10, TimeUnit.SECONDS);

        JsonObject join = post(partner, joinReq11Or10("1.1", "1.1", "0004A30B001C053A", device.joinRequest(2)), 200);
        assertEquals("ActivationDisallowed", result(join), join.encode());
        assertTrue(join.getJsonObject("Result").getString("Description").contains("locked after export"),
                join.encode());
        JsonObject rejoin = post(partner, rejoinReq("0004A30B001C053A", device.rejoinRequest1(), "26011F3B"), 200);
        assertEquals("ActivationDisallowed", result(rejoin), rejoin.encode());
    }

    /** TS002-1.1 RejoinReq: type 1 checked here (JSIntKey, RJcount1), type 0 after its network checked it. */
    @Test
    void aLoRaWAN11DeviceRejoinsOverBackendInterfaces11() throws Exception {
        SpecDevice device = provision("0004A30B001C0534", "1.1", NetId.parse(NET_ID));
        JsonObject joined = post(partner, joinReq11Or10("1.1", "1.1", "0004A30B001C0534", device.joinRequest(1)), 200);
        device.acceptJoin(HEX.parseHex(joined.getString("PHYPayload")));

        JsonObject type1 = post(partner, rejoinReq("0004A30B001C0534", device.rejoinRequest1(), "26011F3A"), 200);
        assertEquals("Success", result(type1), type1.encode());
        assertEquals("RejoinAns", type1.getString("MessageType"));
        device.acceptRejoin(HEX.parseHex(type1.getString("PHYPayload")));
        assertEquals("26011F3A", device.devAddr());
        assertArrayEquals(device.sNwkSIntKey, unwrap(type1.getJsonObject("SNwkSIntKey"), "ns.partner", NS_KEK));
        assertArrayEquals(device.appSKey, unwrap(type1.getJsonObject("AppSKey"), "as.partner", AS_KEK));

        JsonObject replayed = post(partner, rejoinReq("0004A30B001C0534", device.rejoinRequest1(0), "26011F3B"), 200);
        assertEquals("JoinReqFailed", result(replayed), "RJcount1 0 again");
        byte[] forged = device.rejoinRequest1();
        forged[forged.length - 1] ^= 0x01;
        assertEquals("MICFailed", result(post(partner, rejoinReq("0004A30B001C0534", forged, "26011F3B"), 200)));

        JsonObject type0 = post(partner, rejoinReq("0004A30B001C0534", device.rejoinRequest(0), "26011F3C"), 200);
        assertEquals("Success", result(type0), type0.encode());
        device.acceptRejoin(HEX.parseHex(type0.getString("PHYPayload")));
        assertArrayEquals(device.fNwkSIntKey, unwrap(type0.getJsonObject("FNwkSIntKey"), "ns.partner", NS_KEK));

        String otherJoinEui = rejoinReq("0004A30B001C0534", device.rejoinRequest1(), "26011F3E")
                .replace("\"ReceiverID\": \"70B3D57ED0001234\"", "\"ReceiverID\": \"70B3D57ED0001235\"");
        assertEquals("MalformedRequest", result(post(partner, otherJoinEui, 200)), "ReceiverID is the frame's JoinEUI");
        String version10 = rejoinReq("0004A30B001C0534", device.rejoinRequest(0), "26011F3E")
                .replace("\"ProtocolVersion\": \"1.1\"", "\"ProtocolVersion\": \"1.0\"");
        assertEquals("MalformedRequest", result(post(partner, version10, 200)), "no RejoinReq in 1.0");

        SpecDevice old = provision("0004A30B001C0535", "1.0.4", NetId.parse(NET_ID));
        byte[] notA11Device = SpecDevice.rejoinType1(new byte[16], JOIN_EUI, old.devEui, 0);
        JsonObject refused = post(partner, rejoinReq("0004A30B001C0535", notA11Device, "26011F3D"), 200);
        assertEquals("JoinReqFailed", result(refused));
        assertTrue(refused.getJsonObject("Result").getString("Description").contains("1.1 only"), refused.encode());
    }

    private static String rejoinReq(String devEui, byte[] phy, String devAddr) {
        return """
                {"ProtocolVersion": "1.1", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 77, "MessageType": "RejoinReq", "MACVersion": "1.1", "PHYPayload": "%s",
                 "DevEUI": "%s", "DevAddr": "%s", "DLSettings": "00", "RxDelay": 1}
                """.formatted(HEX.formatHex(phy), devEui, devAddr);
    }

    @Test
    void anApplicationServerFetchesTheAppSKeyAndANetworkAsksForTheHomeNetwork() throws Exception {
        SpecDevice device = provision("0004A30B001C0533", "1.0.3", NetId.parse(NET_ID), Optional.empty(),
                Optional.of("as-1"));
        JsonObject joined = post(partner, joinReq11Or10("1.0", "1.0.3", "0004A30B001C0533", device.joinRequest(99)), 200);
        device.acceptJoin(HEX.parseHex(joined.getString("PHYPayload")));
        WebClient untrusted = client(TestPki.authority(dir, "rogue").issue("rogue-client"), jsCa);
        assertThrows(Exception.class, () -> post(untrusted, "{}", 200), "a certificate of an unknown CA is refused");

        WebClient asClient = client(asCa.issue("as-1"), jsCa);
        JsonObject ans = post(asClient, """
                {"ProtocolVersion": "1.0", "SenderID": "as-1", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 5, "MessageType": "AppSKeyReq", "DevEUI": "0004A30B001C0533",
                 "SessionKeyID": "%s"}
                """.formatted(joined.getString("SessionKeyID")), 200);
        assertEquals("Success", result(ans), ans.encode());
        assertEquals("AppSKeyAns", ans.getString("MessageType"));
        assertArrayEquals(device.appSKey, unwrap(ans.getJsonObject("AppSKey"), "as.partner", AS_KEK));

        JsonObject wrongSession = post(asClient, """
                {"ProtocolVersion": "1.0", "SenderID": "as-1", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 6, "MessageType": "AppSKeyReq", "DevEUI": "0004A30B001C0533",
                 "SessionKeyID": "00112233"}
                """, 200);
        assertEquals("UnknownDevEUI", result(wrongSession));
        JsonObject notAnAs = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "as-1", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 7, "MessageType": "AppSKeyReq", "DevEUI": "0004A30B001C0533",
                 "SessionKeyID": "%s"}
                """.formatted(joined.getString("SessionKeyID")), 200);
        assertEquals("UnknownSender", result(notAnAs), "a network server's certificate may not fetch AppSKeys");

        JsonObject home = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 8, "MessageType": "HomeNSReq", "DevEUI": "0004A30B001C0533"}
                """, 200);
        assertEquals("Success", result(home), home.encode());
        assertEquals("HomeNSAns", home.getString("MessageType"));
        assertEquals(NET_ID, home.getString("HNetID"));
    }

    @Test
    void anAppSKeyReqIsAnsweredOnlyForDevicesOfTheRequestingApplicationServer() throws Exception {
        WebClient asClient = client(asCa.issue("as-1"), jsCa);
        for (Optional<String> otherAs : List.of(Optional.of("as-2"), Optional.<String>empty())) {
            String devEui = otherAs.isPresent() ? "0004A30B001C0540" : "0004A30B001C0541";
            SpecDevice device = provision(devEui, "1.0.3", NetId.parse(NET_ID), Optional.empty(), otherAs);
            JsonObject joined = post(partner, joinReq11Or10("1.0", "1.0.3", devEui, device.joinRequest(1)), 200);
            assertEquals("Success", result(joined), joined.encode());
            JsonObject ans = post(asClient, """
                    {"ProtocolVersion": "1.0", "SenderID": "as-1", "ReceiverID": "70B3D57ED0001234",
                     "TransactionID": 11, "MessageType": "AppSKeyReq", "DevEUI": "%s", "SessionKeyID": "%s"}
                    """.formatted(devEui, joined.getString("SessionKeyID")), 200);
            assertEquals("UnknownDevEUI", result(ans), "device of " + otherAs + ": " + ans.encode());
            assertNull(ans.getValue("AppSKey"));
        }
    }

    @Test
    void aPeerThatSendsNoNsidCannotReachADeviceRegisteredWithAHomeNsid() throws Exception {
        SpecDevice device = provision("0004A30B001C0542", "1.0.4", NetId.parse(NET_ID), Optional.of("ns-home"),
                Optional.empty());
        JsonObject withoutNsid = post(partner, joinReq11Or10("1.0", "1.0.4", "0004A30B001C0542",
                device.joinRequest(1)), 200);
        assertEquals("ActivationDisallowed", result(withoutNsid), withoutNsid.encode());
        JsonObject otherNsid = post(partner, joinReq11Or10("1.1", "1.0.4", "0004A30B001C0542", device.joinRequest(2))
                .replace("\"TransactionID\"", "\"SenderNSID\": \"ns-other\", \"TransactionID\""), 200);
        assertEquals("ActivationDisallowed", result(otherNsid), otherNsid.encode());
        JsonObject home = post(partner, joinReq11Or10("1.1", "1.0.4", "0004A30B001C0542", device.joinRequest(3))
                .replace("\"TransactionID\"", "\"SenderNSID\": \"ns-home\", \"TransactionID\""), 200);
        assertEquals("Success", result(home), home.encode());
    }

    @Test
    void refusalsCarryTheirResultCodes() throws Exception {
        SpecDevice foreign = provision("0004A30B001C0534", "1.0.3", NetId.parse("00000A"));
        assertEquals("ActivationDisallowed", result(post(partner,
                joinReq11Or10("1.0", "1.0.3", "0004A30B001C0534", foreign.joinRequest(1)), 200)),
                "a device of another home network");
        SpecDevice device = provision("0004A30B001C0535", "1.0.3", NetId.parse(NET_ID));
        assertEquals("UnknownSender", result(post(partner, joinReq11Or10("1.0", "1.0.3", "0004A30B001C0535",
                device.joinRequest(2)).replace("\"SenderID\": \"000013\"", "\"SenderID\": \"000014\""), 200)),
                "a client may speak only for its own NetIDs");
        byte[] badMic = device.joinRequest(3);
        badMic[badMic.length - 1] ^= 1;
        assertEquals("MICFailed", result(post(partner, joinReq11Or10("1.0", "1.0.3", "0004A30B001C0535", badMic), 200)));
        SpecDevice unknown = new SpecDevice("0004A30B001C05FF", JOIN_EUI, "1.0.3", new byte[16], null, 0);
        assertEquals("UnknownDevEUI", result(post(partner,
                joinReq11Or10("1.0", "1.0.3", "0004A30B001C05FF", unknown.joinRequest(4)), 200)));
        SpecDevice elsewhere = new SpecDevice("0004A30B001C05FE", "0000000000000001", "1.0.3", new byte[16], null, 0);
        assertEquals("UnknownReceiver", result(post(partner, joinReq11Or10("1.0", "1.0.3", "0004A30B001C05FE",
                elsewhere.joinRequest(4)).replace(JOIN_EUI, "0000000000000001"), 200)));

        JsonObject notJson = post(partner, "{\"ProtocolVersion\": \"1.0\", ", 200);
        assertEquals("MalformedRequest", result(notJson));
        JsonObject missing = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 9, "MessageType": "JoinReq", "MACVersion": "1.0.3", "PHYPayload": "00"}
                """, 200);
        assertEquals("MalformedRequest", result(missing));
        assertEquals("JoinAns", missing.getString("MessageType"));
        assertEquals(9, missing.getLong("TransactionID"));
        JsonObject version = post(partner, """
                {"ProtocolVersion": "2.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 10, "MessageType": "JoinReq"}
                """, 200);
        assertEquals("InvalidProtocolVersion", result(version));
        post(partner, "{\"pad\": \"" + "x".repeat(70_000) + "\"}", 413);
    }

    @Test
    void aProvisionedDeviceAnswersOnlyOnceClaimedAndThenOnlyItsOwnersNetwork() throws Exception {
        Eui64 devEui = Eui64.parse("0004A30B001C0550");
        byte[] appKey = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
        OwnerToken token = OwnerToken.of("OWNER-TOKEN-1");
        RootKeys keys = new RootKeys(Eui64.parse(JOIN_EUI), MacVersion.LORAWAN_1_0_3, AesKey.of(appKey),
                Optional.empty(), DeviceClaiming.NO_HOME, Optional.empty(), Optional.empty());
        claims.provision(devEui, rootKeys.seal(devEui, keys), token).await(10, TimeUnit.SECONDS);
        SpecDevice device = new SpecDevice(devEui.toString(), JOIN_EUI, "1.0.3", appKey, null, 0);

        JsonObject unclaimed = post(partner, joinReq11Or10("1.0", "1.0.3", devEui.toString(), device.joinRequest(1)),
                200);
        assertEquals("ActivationDisallowed", result(unclaimed), unclaimed.encode());
        assertTrue(unclaimed.getJsonObject("Result").getString("Description").contains("not claimed"),
                unclaimed.encode());
        // Its root keys name no real home network: a roaming partner asking for it learns none.
        JsonObject noHome = post(partner, """
                {"ProtocolVersion": "1.0", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 9, "MessageType": "HomeNSReq", "DevEUI": "%s"}
                """.formatted(devEui), 200);
        assertEquals("UnknownDevEUI", result(noHome), noHome.encode());
        assertFalse(noHome.containsKey("HNetID"), noHome.encode());

        claiming.claim(devEui, Optional.empty(), token, new DeviceClaiming.Claimant(NetId.parse("00000A"),
                Optional.empty(), ""), "test").await(10, TimeUnit.SECONDS);
        JsonObject otherNetwork = post(partner, joinReq11Or10("1.0", "1.0.3", devEui.toString(),
                device.joinRequest(2)), 200);
        assertEquals("ActivationDisallowed", result(otherNetwork), "claimed by NetID 00000A; asked by 000013");

        claiming.unclaim(devEui, token, "test").await(10, TimeUnit.SECONDS);
        claiming.claim(devEui, Optional.empty(), token, new DeviceClaiming.Claimant(NetId.parse(NET_ID),
                Optional.empty(), "as.partner"), "test").await(10, TimeUnit.SECONDS);
        JsonObject home = post(partner, joinReq11Or10("1.0", "1.0.3", devEui.toString(), device.joinRequest(3)), 200);
        assertEquals("Success", result(home), home.encode());
        device.acceptJoin(HEX.parseHex(home.getString("PHYPayload")));
        assertArrayEquals(device.appSKey, unwrap(home.getJsonObject("AppSKey"), "as.partner", AS_KEK));
    }

    @Test
    void clientsWithoutAnAllowedCertificateOrAboveTheirRateAreRefused() throws Exception {
        WebClient anonymous = WebClient.create(vertx, new WebClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(jsCa.certFile().toString())));
        assertThrows(Exception.class, () -> post(anonymous, "{}", 200), "no client certificate");

        WebClient limitedClient = client(limited, jsCa);
        int refused = 0;
        for (int i = 0; i < 4; i++) {
            HttpResponse<Buffer> response = send(limitedClient, "{}");
            if (response.statusCode() == 429) {
                refused++;
            }
        }
        assertTrue(refused >= 2, "a client allowed 1 request/s sent 4 at once; refused: " + refused);
    }

    private SpecDevice provision(String devEui, String version, NetId home) throws Exception {
        return provision(devEui, version, home, Optional.empty(), Optional.empty());
    }

    private SpecDevice provision(String devEui, String version, NetId home, Optional<String> homeNsId,
                                 Optional<String> asId) throws Exception {
        byte[] appKey = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] nwkKey = version.equals("1.1") ? HEX.parseHex("3C4FCF098815F7ABA6D2AE2816157E2B") : null;
        rootKeys.setRootKeys(Eui64.parse(devEui), new RootKeys(Eui64.parse(JOIN_EUI), MacVersion.parse(version),
                AesKey.of(appKey), Optional.ofNullable(nwkKey).map(AesKey::of), home, homeNsId, asId))
                .await(10, TimeUnit.SECONDS);
        return new SpecDevice(devEui, JOIN_EUI, version, appKey, nwkKey, 0);
    }

    private static String joinReq11Or10(String protocol, String macVersion, String devEui, byte[] phy) {
        return """
                {"ProtocolVersion": "%s", "SenderID": "000013", "ReceiverID": "70B3D57ED0001234",
                 "TransactionID": 42, "MessageType": "JoinReq", "MACVersion": "%s",
                 "PHYPayload": "%s", "DevEUI": "%s", "DevAddr": "26011F30", "DLSettings": "00", "RxDelay": 1}
                """.formatted(protocol, macVersion, HEX.formatHex(phy), devEui);
    }

    private WebClient client(TestPki.Credentials credentials, TestPki.Authority trusted) {
        return WebClient.create(vertx, new WebClientOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(credentials.certFile().toString())
                        .setKeyPath(credentials.keyFile().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(trusted.certFile().toString())));
    }

    private HttpResponse<Buffer> send(WebClient client, String body) throws Exception {
        return client.post(server.actualPort(), "localhost", "/").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS);
    }

    private JsonObject post(WebClient client, String body, int expectedStatus) throws Exception {
        HttpResponse<Buffer> response = send(client, body);
        assertEquals(expectedStatus, response.statusCode(), response.bodyAsString());
        String text = response.bodyAsString();
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
        return expectedStatus == 200 ? new JsonObject(text) : new JsonObject();
    }

    private static String result(JsonObject answer) {
        return answer.getJsonObject("Result").getString("ResultCode");
    }

    private static byte[] unwrap(JsonObject envelope, String label, byte[] kek) {
        assertEquals(label, envelope.getString("KEKLabel"));
        byte[] wrapped = HEX.parseHex(envelope.getString("AESKey"));
        assertEquals(24, wrapped.length);
        return DeviceCrypto.unwrap(kek, wrapped);
    }
}
