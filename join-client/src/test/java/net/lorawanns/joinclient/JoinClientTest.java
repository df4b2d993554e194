package net.lorawanns.joinclient;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.ConfigWriter;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import net.lorawanns.joinclient.testing.TestDnsServer;
import net.lorawanns.joinclient.testing.TestJoinServer;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joins through external join servers: a real DNS server on loopback, a test join server over HTTPS with its own
 * CA that requires our client certificate, and keys checked against the test device's own derivation.
 */
class JoinClientTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] APP_KEY = HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] NS_KEK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    private static final String DEV_EUI = "0004A30B001C0530";
    private static final String JOIN_EUI = "70B3D57ED0001234";
    /** The in-process join server stand-in: answers every request it gets with this marker. */
    private static final JoinAnswer INTERNAL = new JoinAnswer.Rejected(JoinResult.OTHER, "internal join server");

    @TempDir
    Path dir;
    private Vertx vertx;
    private TestDnsServer dns;
    private TestJoinServer joinServer;
    private TestPki.Authority jsCa;
    private TestPki.Authority nsCa;
    private TestPki.Credentials nsClient;
    private BackendInterfacesClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        dns = new TestDnsServer();
        jsCa = TestPki.authority(dir, "vendor-js");
        nsCa = TestPki.authority(dir, "our-ns");
        nsClient = nsCa.issue("ns-client");
        joinServer = TestJoinServer.start(vertx, jsCa.issue("js-server"), nsCa);
        joinServer.addDevice(DEV_EUI, APP_KEY);
        joinServer.nsKek("ns.example", NS_KEK);
        client = new BackendInterfacesClient(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        dns.close();
        joinServer.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeviceFoundThroughNaptrAndSrvJoinsAndItsKeysUnwrap() throws Exception {
        Name name = Name.fromString("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.");
        Name srv = Name.fromString("_lwns._tcp.js.joineuis.test.");
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 20, 10, "A", "LWN", "", Name.fromString("wrong.test.")));
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "S", "LWNS", "", srv));
        dns.add(new SRVRecord(srv, DClass.IN, 300, 0, 0, joinServer.port(), Name.fromString("localhost.")));
        dns.address("localhost", "127.0.0.1");
        ExternalJoinServers servers = servers(settings("""
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort()), defaultTls() + "headers = { Authorization = \"Bearer default-only\" }\n"));

        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class,
                servers.join(context(device.joinRequest(0x0102))).await(10, TimeUnit.SECONDS));
        assertEquals(null, joinServer.lastAuthorization(), "the default's headers never go to a server DNS names");
        device.acceptJoin(accepted.joinAcceptPhy());
        assertFalse(accepted.lorawan11());
        assertArrayEquals(device.fNwkSIntKey, accepted.fNwkSIntKey().bytes(), "NwkSKey unwrapped with ns.example");
        assertFalse(accepted.appSKey().orElseThrow().wrapped());
        assertArrayEquals(device.appSKey, accepted.appSKey().orElseThrow().aesKey(), "AppSKey sent in clear");
        assertEquals("0a0b0c0d", accepted.sessionKeyId());
        assertTrue(dns.questions().contains("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test NAPTR"), dns.questions().toString());

        int asked = dns.questions().size();
        servers.join(context(device.joinRequest(0x0103))).await(10, TimeUnit.SECONDS);
        assertEquals(asked, dns.questions().size(), "the answer is cached for its TTL");
    }

    @Test
    void anAppSKeyWrappedForTheApplicationStaysWrapped() throws Exception {
        joinServer.asKek("as.example", HEX.parseHex("0F0E0D0C0B0A09080706050403020100"));
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class, servers(settings("",
                staticEntry(jsCa.certFile(), ""))).join(context(new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY,
                        null, 0).joinRequest(9))).await(10, TimeUnit.SECONDS));
        assertEquals("as.example", accepted.appSKey().orElseThrow().kekLabel());
        assertEquals(24, accepted.appSKey().orElseThrow().aesKey().length);
    }

    @Test
    void whenDnsIsDownOrHasNoAnswerTheDefaultServerIsUsed() throws Exception {
        Name name = Name.fromString("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.");
        JoinServerSettings settings = settings("""
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort()), "");
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        assertEquals(INTERNAL, servers(settings).join(context(device.joinRequest(1))).await(10, TimeUnit.SECONDS),
                "no NAPTR and no address for the name: the default");
        assertTrue(dns.questions().contains("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test A"), dns.questions().toString());

        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "S", "LWNS", "", name));
        dns.fail();
        assertEquals(INTERNAL, servers(settings).join(context(device.joinRequest(2))).await(10, TimeUnit.SECONDS),
                "SERVFAIL: the default");
        dns.close();
        assertEquals(INTERNAL, servers(settings).join(context(device.joinRequest(3))).await(20, TimeUnit.SECONDS),
                "no DNS server at all: the default");
    }

    @Test
    void aServerCertificateFromAnotherCaFailsWithAClearError() throws Exception {
        TestPki.Authority other = TestPki.authority(dir, "someone-else");
        JoinClientException failure = failure(servers(settings("", staticEntry(other.certFile(), ""))));
        assertTrue(failure.getMessage().contains("JoinEUI " + JOIN_EUI), failure.getMessage());
        assertTrue(failure.getMessage().contains(joinServer.url()), failure.getMessage());
        assertTrue(failure.getMessage().contains("not trusted"), failure.getMessage());
    }

    @Test
    void anUnknownKekLabelFailsTheJoinWithAClearError() throws Exception {
        joinServer.nsKek("label-we-do-not-have", NS_KEK);
        JoinClientException failure = failure(servers(settings("", staticEntry(jsCa.certFile(), ""))));
        assertTrue(failure.getMessage().contains("NwkSKey is wrapped with KEK label 'label-we-do-not-have'"),
                failure.getMessage());
    }

    @Test
    void aServerSlowerThanTheBudgetFailsCleanly() throws Exception {
        joinServer.delay(3000);
        JoinClientException failure = failure(servers(settings("", staticEntry(jsCa.certFile(), "timeout = \"500ms\""))));
        assertTrue(failure.getMessage().contains("no answer within 500 ms"), failure.getMessage());
    }

    @Test
    void anOversizedAnswerIsCutOffWithAClearError() throws Exception {
        joinServer.padAnswers(4 * 1024 * 1024);
        JoinClientException failure = failure(servers(settings("", staticEntry(jsCa.certFile(), ""))));
        assertTrue(failure.getMessage().contains("JoinEUI " + JOIN_EUI + ", join server " + joinServer.url()),
                failure.getMessage());
        assertTrue(failure.getMessage().endsWith("the answer is larger than 65536 bytes; cut off unread"),
                failure.getMessage());
    }

    @Test
    void anOversizedAsynchronousAnswerIsRefused() throws Exception {
        TestPki.Credentials ours = nsCa.issue("ns-async");
        JoinServerSettings settings = settings("""
                async_bind = "127.0.0.1:0"
                async_tls_cert = "%s"
                async_tls_key = "%s"
                async_client_ca_cert = "%s"
                """.formatted(ours.certFile(), ours.keyFile(), jsCa.certFile()), staticEntry(jsCa.certFile(), "async = true"));
        AsyncAnswers answers = AsyncAnswers.start(vertx, settings).await(10, TimeUnit.SECONDS);
        TestPki.Credentials js = jsCa.issue("js-as-client");
        WebClient jsClient = WebClient.create(vertx, new WebClientOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(js.certFile().toString())
                        .setKeyPath(js.keyFile().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(nsCa.certFile().toString())));
        int status = jsClient.postAbs("https://localhost:" + answers.port() + "/")
                .sendBuffer(Buffer.buffer(new byte[1024 * 1024])).await(10, TimeUnit.SECONDS).statusCode();
        assertEquals(413, status, "a body over 64 KiB is refused, not buffered");
        answers.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aRefusalKeepsItsResultCode() throws Exception {
        SpecDevice stranger = new SpecDevice("0004A30B001C05FF", JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        JoinAnswer.Rejected rejected = assertInstanceOf(JoinAnswer.Rejected.class, servers(settings("",
                staticEntry(jsCa.certFile(), ""))).join(context(stranger.joinRequest(1))).await(10, TimeUnit.SECONDS));
        assertEquals(JoinResult.UNKNOWN_DEV_EUI, rejected.result());
    }

    @Test
    void anAsyncServerAnswersWithALaterPost() throws Exception {
        TestPki.Credentials ours = nsCa.issue("ns-async");
        JoinServerSettings settings = settings("""
                async_bind = "127.0.0.1:0"
                async_tls_cert = "%s"
                async_tls_key = "%s"
                async_client_ca_cert = "%s"
                """.formatted(ours.certFile(), ours.keyFile(), jsCa.certFile()), staticEntry(jsCa.certFile(), "async = true"));
        AsyncAnswers answers = AsyncAnswers.start(vertx, settings).await(10, TimeUnit.SECONDS);
        joinServer.answerAsync("https://localhost:" + answers.port() + "/", jsCa.issue("js-as-client"), nsCa);
        ExternalJoinServers servers = new ExternalJoinServers(resolver(settings), Optional.of(c -> internal()), client,
                Optional.of(answers), Map.of("ns.example", AesKey.of(NS_KEK)), "", new SimpleMeterRegistry());
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class,
                servers.join(context(device.joinRequest(5))).await(10, TimeUnit.SECONDS));
        device.acceptJoin(accepted.joinAcceptPhy());
        assertArrayEquals(device.fNwkSIntKey, accepted.fNwkSIntKey().bytes());
    }

    @Test
    void aServerInAPrivateZoneIsReachedAtTheResolversAddressWithItsNameKeptForTls() throws Exception {
        // A name only the configured DNS server knows, on a certificate that names it alone (not 127.0.0.1): the
        // join works only if we connect to the address that server gave and check the certificate against the name.
        TestJoinServer privateJs = TestJoinServer.start(vertx, jsCa.issueFor("js-private", "js.vendor.internal"), nsCa);
        privateJs.addDevice(DEV_EUI, APP_KEY);
        Name name = Name.fromString("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.");
        Name srv = Name.fromString("_lwns._tcp.vendor.internal.");
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "S", "LWNS", "", srv));
        dns.add(new SRVRecord(srv, DClass.IN, 300, 0, 0, privateJs.port(), Name.fromString("js.vendor.internal.")));
        dns.address("js.vendor.internal", "127.0.0.1");
        ExternalJoinServers servers = servers(settings("""
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort()), defaultTls()));

        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class,
                servers.join(context(device.joinRequest(0x0201))).await(10, TimeUnit.SECONDS));
        device.acceptJoin(accepted.joinAcceptPhy());
        assertEquals(1, privateJs.requests());
        assertEquals("js.vendor.internal", privateJs.lastServerName(), "SNI names the host, not the address");
        assertTrue(dns.questions().contains("js.vendor.internal A"), dns.questions().toString());
        privateJs.close();
    }

    @Test
    void aStaticEntrysHostIsLookedUpAtTheConfiguredDnsServerToo() throws Exception {
        TestJoinServer privateJs = TestJoinServer.start(vertx, jsCa.issueFor("js-static", "js.static.internal"), nsCa);
        privateJs.addDevice(DEV_EUI, APP_KEY);
        dns.address("js.static.internal", "127.0.0.1");
        ExternalJoinServers servers = servers(settings("""
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort()), """
                [[join_server.servers]]
                join_eui = "%s"
                server = "https://js.static.internal:%d/"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(JOIN_EUI, privateJs.port(), jsCa.certFile(), nsClient.certFile(), nsClient.keyFile())));

        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        JoinAnswer.Accepted accepted = assertInstanceOf(JoinAnswer.Accepted.class,
                servers.join(context(device.joinRequest(0x0301))).await(10, TimeUnit.SECONDS));
        device.acceptJoin(accepted.joinAcceptPhy());
        assertEquals("js.static.internal", privateJs.lastServerName(), "SNI names the host, not the address");
        assertTrue(dns.questions().contains("js.static.internal A"), dns.questions().toString());

        JoinClientException unknown = assertInstanceOf(JoinClientException.class, servers(settings("""
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort()), """
                [[join_server.servers]]
                join_eui = "%s"
                server = "https://js.nowhere.internal/"
                """.formatted(JOIN_EUI))).join(context(device.joinRequest(0x0302))).transform(Future::succeededFuture)
                .await(10, TimeUnit.SECONDS).cause());
        assertTrue(unknown.getMessage().contains("no A or AAAA record for js.nowhere.internal (DNS server "
                + dns.hostPort() + ")"), unknown.getMessage());
        privateJs.close();
    }

    @Test
    void chirpStackCertificatesEntriesGiveTheTlsOfServersFoundByDnsPerJoinEuiPrefix() throws Exception {
        Name name = Name.fromString("4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.");
        Name srv = Name.fromString("_lwns._tcp.js.joineuis.test.");
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "S", "LWNS", "", srv));
        dns.add(new SRVRecord(srv, DClass.IN, 300, 0, 0, joinServer.port(), Name.fromString("localhost.")));
        dns.address("localhost", "127.0.0.1");
        TestPki.Authority unrelated = TestPki.authority(dir, "unrelated");
        TestPki.Credentials unrelatedClient = unrelated.issue("unrelated-client");
        String keys = """
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort());
        // The default's files are wrong for this server; only the certificates entry of the prefix is right.
        String defaults = """
                [join_server.default]
                server = ""
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(unrelated.certFile(), unrelatedClient.certFile(), unrelatedClient.keyFile());
        String certificates = """
                [[join_server.certificates]]
                join_eui = "70B3D57ED0000000/40"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                [[join_server.certificates]]
                join_eui = "70B3D57ED0009999"
                ca_cert = "%s"
                """.formatted(jsCa.certFile(), nsClient.certFile(), nsClient.keyFile(), unrelated.certFile());
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        assertInstanceOf(JoinAnswer.Accepted.class, servers(settings(keys, defaults + certificates))
                .join(context(device.joinRequest(0x0301))).await(10, TimeUnit.SECONDS));

        JoinClientException failure = failure(servers(settings(keys, defaults)));
        assertTrue(failure.getMessage().contains("not trusted"), "without the entry the default's CA is used: "
                + failure.getMessage());
    }

    @Test
    void anEntrySendsItsPathAndHeadersWhichAreMaskedWhereverTheConfigurationIsShown() throws Exception {
        Settings all = new ConfigLoader(name -> name.equals("JS_TOKEN") ? "secret-token-4711" : null).parse("""
                [join_server]
                [[join_server.servers]]
                join_eui_prefix = "70B3D57ED0000000/40"
                server = "%sapi/v1/lorawan/join"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                protocol_version = "1.0"
                headers = { Authorization = "Bearer ${JS_TOKEN}" }
                """.formatted(joinServer.url(), jsCa.certFile(), nsClient.certFile(), nsClient.keyFile()));
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        assertInstanceOf(JoinAnswer.Accepted.class,
                servers(all.joinServer()).join(context(device.joinRequest(0x0501))).await(10, TimeUnit.SECONDS));
        assertEquals("/api/v1/lorawan/join", joinServer.lastPath());
        assertEquals("Bearer secret-token-4711", joinServer.lastAuthorization());

        String shown = new ConfigWriter().toToml(all);
        assertFalse(shown.contains("secret-token-4711"), shown);
        assertTrue(shown.contains("Authorization"), shown);
        assertFalse(all.joinServer().servers().get(0).toString().contains("secret-token-4711"),
                "an entry in a log line shows no header value");
    }

    @Test
    void anUnusableCertificateFileStopsStartUpNamingItsKey() throws Exception {
        Path notPem = dir.resolve("not-a-certificate.pem");
        Files.writeString(notPem, "hello");
        JoinServerSettings badCa = settings("", """
                [[join_server.certificates]]
                join_eui = "70B3D57ED0000000/40"
                ca_cert = "%s"
                """.formatted(notPem));
        assertEquals("certificates[0].ca_cert", assertThrows(InvalidSettingException.class,
                () -> resolver(badCa)).key());

        JoinServerSettings badKey = settings("", """
                [[join_server.certificates]]
                join_eui = "70B3D57ED0000000/40"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(nsClient.certFile(), notPem));
        InvalidSettingException refused = assertThrows(InvalidSettingException.class, () -> resolver(badKey));
        assertEquals("certificates[0].tls_key", refused.key(), refused.getMessage());
    }

    private JoinClientException failure(ExternalJoinServers servers) {
        SpecDevice device = new SpecDevice(DEV_EUI, JOIN_EUI, "1.0.3", APP_KEY, null, 0);
        return assertThrows(JoinClientException.class,
                () -> servers.join(context(device.joinRequest(1))).await(10, TimeUnit.SECONDS));
    }

    /** A [[join_server.servers]] table for the test join server's JoinEUI range. */
    private String staticEntry(Path caCert, String extra) {
        return """
                [[join_server.servers]]
                join_eui_prefix = "70B3D57ED0000000/40"
                server = "%s"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                %s
                """.formatted(joinServer.url(), caCert, nsClient.certFile(), nsClient.keyFile(), extra);
    }

    /** A [join_server.default] table: the internal join server, with the TLS files DNS-found servers use. */
    private String defaultTls() {
        return """
                [join_server.default]
                server = ""
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(jsCa.certFile(), nsClient.certFile(), nsClient.keyFile());
    }

    /** The [join_server] section: its own keys, then its tables. */
    private static JoinServerSettings settings(String keys, String tables) throws Exception {
        return new ConfigLoader().parse("[join_server]\n" + keys + "\n" + tables).joinServer();
    }

    private JoinEuiResolver resolver(JoinServerSettings settings) {
        Optional<DnsJoinServerLookup> lookup = settings.resolveJoinEui()
                ? Optional.of(DnsJoinServerLookup.of(vertx, settings, new SimpleMeterRegistry()))
                : Optional.empty();
        return new JoinEuiResolver(vertx, settings, List.of("0000000000000000/0"), lookup, new SimpleMeterRegistry());
    }

    private ExternalJoinServers servers(JoinServerSettings settings) {
        JoinServer internal = c -> internal();
        return new ExternalJoinServers(resolver(settings), Optional.of(internal), client, Optional.empty(),
                Map.of("ns.example", AesKey.of(NS_KEK)), "", new SimpleMeterRegistry());
    }

    private static Future<JoinAnswer> internal() {
        return Future.succeededFuture(INTERNAL);
    }

    private static JoinRequestContext context(byte[] phy) throws Exception {
        return new JoinRequestContext(phy, (JoinRequest) FrameCodec.decode(phy), MacVersion.LORAWAN_1_0_3,
                NetId.parse("000013"), DevAddr.parse("26011F2A"), new DlSettings(false, 0, 0), 1, Optional.empty());
    }
}
