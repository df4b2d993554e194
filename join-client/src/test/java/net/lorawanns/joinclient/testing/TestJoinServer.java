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
import net.lorawanns.core.testing.DeviceCrypto;
import net.lorawanns.core.testing.TestPki;

/**
 * An external join server for LoRaWAN 1.0.x devices written for the tests from the specifications (LoRaWAN 1.0.4
 * section 6.2, TS002 section 6.2), sharing no code with the server: HTTPS with its own CA, our client certificate
 * required, hand-built JoinAns JSON with the NwkSKey and AppSKey wrapped (the JDK's AESWrap) under the KEKs it
 * shares with us.
 */
public final class TestJoinServer implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, byte[]> appKeys = new ConcurrentHashMap<>();
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
        request.body().onSuccess(body -> {
            JsonObject ans = answer(new JsonObject(body));
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

    private JsonObject answer(JsonObject req) {
        JsonObject ans = new JsonObject().put("ProtocolVersion", req.getString("ProtocolVersion"))
                .put("SenderID", req.getString("ReceiverID")).put("ReceiverID", req.getString("SenderID"))
                .put("TransactionID", req.getLong("TransactionID")).put("MessageType", "JoinAns");
        String devEui = req.getString("DevEUI").toUpperCase();
        byte[] appKey = appKeys.get(devEui);
        if (appKey == null) {
            return ans.put("Result", new JsonObject().put("ResultCode", "UnknownDevEUI")
                    .put("Description", "no device " + devEui));
        }
        byte[] phy = HEX.parseHex(req.getString("PHYPayload"));
        byte[] devNonce = Arrays.copyOfRange(phy, 17, 19);
        int nonce = joinNonce.getAndIncrement();
        byte[] joinNonceLe = {(byte) nonce, (byte) (nonce >>> 8), (byte) (nonce >>> 16)};
        byte[] netIdLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("SenderID")));
        byte[] devAddrLe = DeviceCrypto.reversed(HEX.parseHex(req.getString("DevAddr")));
        byte[] body = DeviceCrypto.concat(joinNonceLe, netIdLe, devAddrLe, HEX.parseHex(req.getString("DLSettings")),
                new byte[] {(byte) req.getInteger("RxDelay").intValue()},
                req.getString("CFList") == null ? new byte[0] : HEX.parseHex(req.getString("CFList")));
        byte[] mic = DeviceCrypto.mic(appKey, new byte[] {0x20}, body);
        byte[] clear = DeviceCrypto.concat(body, mic);
        byte[] encrypted = new byte[clear.length];
        for (int i = 0; i < clear.length; i += 16) {
            System.arraycopy(DeviceCrypto.aesDecrypt(appKey, Arrays.copyOfRange(clear, i, i + 16)), 0, encrypted, i, 16);
        }
        byte[] nwkSKey = DeviceCrypto.derive(appKey, 1, joinNonceLe, netIdLe, devNonce);
        byte[] appSKey = DeviceCrypto.derive(appKey, 2, joinNonceLe, netIdLe, devNonce);
        ans.put("Result", new JsonObject().put("ResultCode", "Success"))
                .put("PHYPayload", HEX.formatHex(DeviceCrypto.concat(new byte[] {0x20}, encrypted)))
                .put("NwkSKey", envelope(nsKekLabel, nsKek, nwkSKey))
                .put("SessionKeyID", "0A0B0C0D").put("Lifetime", 0);
        return keepAppSKey ? ans : ans.put("AppSKey", envelope(asKekLabel, asKek, appSKey));
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
