package net.lorawanns.joinclient.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.sim.DeviceCrypto;

/**
 * An external join server written for the tests from the specifications (LoRaWAN 1.0.4 section 6.2, LoRaWAN 1.1
 * sections 6.1.1 and 6.2, TS002 section 6.2), sharing no code with the server: JoinReq for LoRaWAN 1.0.x and 1.1
 * devices, RejoinReq for 1.1 devices (type 1 checked here with JSIntKey and RJcount1), HTTPS with its own CA, our
 * client certificate required, hand-built JoinAns JSON with the NwkSKey and AppSKey wrapped (the JDK's AESWrap) under the KEKs it
 * shares with us.
 */
public final class TestJoinServer implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, byte[]> appKeys = new ConcurrentHashMap<>();
    private final Map<String, byte[]> nwkKeys = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastRjCount1 = new ConcurrentHashMap<>();
    private final AtomicInteger joinNonce = new AtomicInteger(0x000100);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String nsKekLabel;
    private volatile byte[] nsKek;
    private volatile String asKekLabel;
    private volatile byte[] asKek;
    private volatile boolean keepAppSKey;
    private volatile String lastPath;
    private volatile String lastAuthorization;
    private volatile String lastServerName;
    private volatile long delayMillis;
    private volatile int paddingBytes;
    private volatile String asyncAnswerUrl;
    private volatile String onlyPath;
    private volatile String lastMessageType;
    private volatile WebClient asyncClient;

    private TestJoinServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /**
     * @param credentials the server's certificate and key
     * @param clientCa the CA of the client certificates it accepts
     */
    public static TestJoinServer start(Vertx vertx, TestPki.Credentials credentials, TestPki.Authority clientCa)
            throws Exception {
        TestJoinServer[] self = new TestJoinServer[1];
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(credentials.certFile().toString())
                                .setKeyPath(credentials.keyFile().toString()))
                        .setTrustOptions(new PemTrustOptions().addCertPath(clientCa.certFile().toString()))
                        .setClientAuth(ClientAuth.REQUIRED).setSni(true))
                .requestHandler(request -> self[0].handle(request))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        self[0] = new TestJoinServer(vertx, server);
        return self[0];
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "https://localhost:" + port() + "/";
    }

    public int requests() {
        return requests.get();
    }

    /** The path of the last request. */
    public String lastPath() {
        return lastPath;
    }

    /** The MessageType of the last request. */
    public String lastMessageType() {
        return lastMessageType;
    }

    /** The TLS server name (SNI) the client of the last request indicated; null when none. */
    public String lastServerName() {
        return lastServerName;
    }

    /** The Authorization header of the last request; null when it had none. */
    public String lastAuthorization() {
        return lastAuthorization;
    }

    public void addDevice(String devEui, byte[] appKey) {
        appKeys.put(devEui.toUpperCase(), appKey);
    }

    /** A LoRaWAN 1.1 device, with both root keys. */
    public void addDevice11(String devEui, byte[] appKey, byte[] nwkKey) {
        appKeys.put(devEui.toUpperCase(), appKey);
        nwkKeys.put(devEui.toUpperCase(), nwkKey);
    }

    /** The label and KEK for network session keys; a null label sends them in clear. */
    public void nsKek(String label, byte[] kek) {
        nsKekLabel = label;
        nsKek = kek;
    }

    public void asKek(String label, byte[] kek) {
        asKekLabel = label;
        asKek = kek;
    }

    /** Keep the AppSKey for the application server's AppSKeyReq: the JoinAns has none. */
    public void keepAppSKey() {
        keepAppSKey = true;
    }

    public void delay(long millis) {
        delayMillis = millis;
    }

    /** Answers requests to {@code path} only; any other path gets 404, as a web server does. */
    public void onlyPath(String path) {
        onlyPath = path;
    }

    /** Pads every answer with a {@code VendorPadding} field of this many characters. */
    public void padAnswers(int bytes) {
        paddingBytes = bytes;
    }

    /** Answer in async mode: acknowledge at once, then POST the JoinAns to {@code url} with this client. */
    public void answerAsync(String url, TestPki.Credentials clientCert, TestPki.Authority serverCa) {
        asyncAnswerUrl = url;
        asyncClient = WebClient.create(vertx, new WebClientOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(clientCert.certFile().toString())
                        .setKeyPath(clientCert.keyFile().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(serverCa.certFile().toString())));
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        lastPath = request.path();
        lastAuthorization = request.getHeader("Authorization");
        lastServerName = request.connection().indicatedServerName();
        if (onlyPath != null && !onlyPath.equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonObject req = new JsonObject(body);
            lastMessageType = req.getString("MessageType");
            JsonObject ans = "HomeNSReq".equals(req.getString("MessageType")) ? homeNs(req) : answer(req);
            if (paddingBytes > 0) {
                ans.put("VendorPadding", "x".repeat(paddingBytes));
            }
            if (asyncAnswerUrl != null) {
                request.response().setStatusCode(200).end();
                vertx.setTimer(50, t -> asyncClient.postAbs(asyncAnswerUrl).sendBuffer(Buffer.buffer(ans.encode())));
            } else if (delayMillis > 0) {
                vertx.setTimer(delayMillis, t -> request.response().putHeader("Content-Type", "application/json")
                        .end(ans.encode()));
            } else {
                request.response().putHeader("Content-Type", "application/json").end(ans.encode());
            }
        });
    }

    /** HomeNSAns (TS002-1.1 section 12): the device's home NetID, or UnknownDevEUI; the network is the sender's. */
    private JsonObject homeNs(JsonObject req) {
        JsonObject ans = new JsonObject().put("ProtocolVersion", req.getString("ProtocolVersion"))
                .put("SenderID", req.getString("ReceiverID")).put("ReceiverID", req.getString("SenderID"))
                .put("TransactionID", req.getLong("TransactionID")).put("MessageType", "HomeNSAns");
        if (!appKeys.containsKey(req.getString("DevEUI").toUpperCase())) {
            return failure(ans, "UnknownDevEUI", "no device " + req.getString("DevEUI"));
        }
        return ans.put("Result", new JsonObject().put("ResultCode", "Success"))
                .put("HNetID", req.getString("SenderID"));
    }

    private JsonObject answer(JsonObject req) {
        boolean rejoin = "RejoinReq".equals(req.getString("MessageType"));
        JsonObject ans = new JsonObject().put("ProtocolVersion", req.getString("ProtocolVersion"))
                .put("SenderID", req.getString("ReceiverID")).put("ReceiverID", req.getString("SenderID"))
                .put("TransactionID", req.getLong("TransactionID"))
                .put("MessageType", rejoin ? "RejoinAns" : "JoinAns");
        String devEui = req.getString("DevEUI").toUpperCase();
        byte[] appKey = appKeys.get(devEui);
        if (appKey == null) {
            return ans.put("Result", new JsonObject().put("ResultCode", "UnknownDevEUI")
                    .put("Description", "no device " + devEui));
        }
        byte[] nwkKey = nwkKeys.get(devEui);
        byte[] phy = HEX.parseHex(req.getString("PHYPayload"));
        byte[] devEuiLe = DeviceCrypto.reversed(HEX.parseHex(devEui));
        if (!rejoin) {
            return accept(req, ans, appKey, nwkKey, 0xFF, Arrays.copyOfRange(phy, 17, 19),
                    nwkKey == null ? appKey : nwkKey);
        }
        if (nwkKey == null) {
            return failure(ans, "JoinReqFailed", "rejoin-requests are LoRaWAN 1.1 only");
        }
        int type = phy[1];
        byte[] count = type == 1 ? Arrays.copyOfRange(phy, 18, 20) : Arrays.copyOfRange(phy, 13, 15);
        if (type == 1) {
            byte[] jsIntKey = DeviceCrypto.derive(nwkKey, 6, devEuiLe);
            if (!Arrays.equals(DeviceCrypto.mic(jsIntKey, Arrays.copyOf(phy, 20)), Arrays.copyOfRange(phy, 20, 24))) {
                return failure(ans, "MICFailed", "rejoin-request MIC");
            }
            int value = (count[0] & 0xFF) | (count[1] & 0xFF) << 8;
            Integer last = lastRjCount1.get(devEui);
            if (last != null && value <= last) {
                return failure(ans, "JoinReqFailed", "RJcount1 " + value + " is not greater than " + last);
            }
            lastRjCount1.put(devEui, value);
        }
        return accept(req, ans, appKey, nwkKey, type, count, DeviceCrypto.derive(nwkKey, 5, devEuiLe));
    }

    /**
     * A join-accept (or rejoin-accept): for 1.1 devices OptNeg set, MIC with JSIntKey over JoinReqType | JoinEUI |
     * nonce | MHDR | fields, and the four session keys; for 1.0 devices the MIC with the AppKey and two keys.
     */
    private JsonObject accept(JsonObject req, JsonObject ans, byte[] appKey, byte[] nwkKey, int joinReqType,
                              byte[] nonce, byte[] encryptionKey) {
        boolean v11 = nwkKey != null;
        int value = joinNonce.getAndIncrement();
        byte[] joinNonceLe = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16)};
        byte[] netIdLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("SenderID")));
        byte[] joinEuiLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("ReceiverID")));
        byte[] devEuiLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("DevEUI")));
        byte[] devAddrLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("DevAddr")));
        byte[] dlSettings = HEX.parseHex(req.getString("DLSettings"));
        if (v11) {
            dlSettings[0] |= (byte) 0x80;
        }
        byte[] body = DeviceCrypto.concat(joinNonceLe, netIdLe, devAddrLe, dlSettings,
                new byte[] {(byte) req.getInteger("RxDelay").intValue()},
                req.getString("CFList") == null ? new byte[0] : HEX.parseHex(req.getString("CFList")));
        byte[] mic = v11
                ? DeviceCrypto.mic(DeviceCrypto.derive(nwkKey, 6, devEuiLe), new byte[] {(byte) joinReqType},
                        joinEuiLe, nonce, new byte[] {0x20}, body)
                : DeviceCrypto.mic(appKey, new byte[] {0x20}, body);
        byte[] clear = DeviceCrypto.concat(body, mic);
        byte[] encrypted = new byte[clear.length];
        for (int i = 0; i < clear.length; i += 16) {
            System.arraycopy(DeviceCrypto.aesDecrypt(encryptionKey, Arrays.copyOfRange(clear, i, i + 16)), 0,
                    encrypted, i, 16);
        }
        ans.put("Result", new JsonObject().put("ResultCode", "Success"))
                .put("PHYPayload", HEX.formatHex(DeviceCrypto.concat(new byte[] {0x20}, encrypted)))
                .put("SessionKeyID", "0A0B0C0D").put("Lifetime", 0);
        if (v11) {
            ans.put("FNwkSIntKey", envelope(nsKekLabel, nsKek, DeviceCrypto.derive(nwkKey, 1, joinNonceLe,
                            joinEuiLe, nonce)))
                    .put("SNwkSIntKey", envelope(nsKekLabel, nsKek, DeviceCrypto.derive(nwkKey, 3, joinNonceLe,
                            joinEuiLe, nonce)))
                    .put("NwkSEncKey", envelope(nsKekLabel, nsKek, DeviceCrypto.derive(nwkKey, 4, joinNonceLe,
                            joinEuiLe, nonce)));
            return keepAppSKey ? ans : ans.put("AppSKey", envelope(asKekLabel, asKek, DeviceCrypto.derive(appKey, 2,
                    joinNonceLe, joinEuiLe, nonce)));
        }
        ans.put("NwkSKey", envelope(nsKekLabel, nsKek, DeviceCrypto.derive(appKey, 1, joinNonceLe, netIdLe, nonce)));
        return keepAppSKey ? ans : ans.put("AppSKey", envelope(asKekLabel, asKek, DeviceCrypto.derive(appKey, 2,
                joinNonceLe, netIdLe, nonce)));
    }

    private static JsonObject failure(JsonObject ans, String code, String description) {
        return ans.put("Result", new JsonObject().put("ResultCode", code).put("Description", description));
    }

    private static JsonObject envelope(String label, byte[] kek, byte[] key) {
        return label == null ? new JsonObject().put("KEKLabel", "").put("AESKey", HEX.formatHex(key))
                : new JsonObject().put("KEKLabel", label).put("AESKey", HEX.formatHex(DeviceCrypto.wrap(kek, key)));
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
