package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestPki;
import net.lorawanns.joinclient.testing.TestDnsServer;
import net.lorawanns.joinclient.testing.TestJoinServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

/**
 * {@code lorawan-ns js check}: a real DNS server on loopback, a test join server over HTTPS with its own CA that
 * requires our client certificate, and configuration files as an operator writes them; each case asserts the line
 * that names the problem (and the key to change) and the exit status.
 */
class JsCheckCommandTest {
    private static final String JOIN_EUI = "70B3D57ED0001234";
    private static final String DEV_EUI = "0004A30B001C0530";
    private static final String NAPTR_NAME = "4.3.2.1.0.0.0.d.e.7.5.d.3.b.0.7.joineuis.test.";

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Vertx vertx;
    private TestPki.Authority jsCa;
    private TestPki.Authority nsCa;
    private TestPki.Credentials nsClient;
    private TestJoinServer joinServer;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        jsCa = TestPki.authority(dir, "vendor-js");
        nsCa = TestPki.authority(dir, "our-ns");
        nsClient = nsCa.issue("ns-client");
        joinServer = TestJoinServer.start(vertx, jsCa.issue("js-server"), nsCa);
        joinServer.addDevice(DEV_EUI, HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C"));
        dns = new TestDnsServer();
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
        joinServer.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aGoodServerFoundByDnsIsShownStepByStepAndPasses() throws Exception {
        Name name = Name.fromString(NAPTR_NAME);
        Name srv = Name.fromString("_lwns._tcp.js.joineuis.test.");
        dns.add(new NAPTRRecord(name, DClass.IN, 600, 10, 20, "S", "LWNS", "", srv));
        dns.add(new SRVRecord(srv, DClass.IN, 120, 0, 5, joinServer.port(), Name.fromString("localhost.")));
        dns.address("localhost", "127.0.0.1");
        Path config = config(dnsKeys() + defaultTable(jsCa.certFile(), nsClient));

        assertEquals(0, run("js", "check", JOIN_EUI, "--config", config.toString()), output());
        String output = out.toString();
        line(output, "resolution         INFO NAPTR " + NAPTR_NAME + ": order 10, preference 20, flags \"S\", "
                + "service \"LWNS\", regexp \"\", replacement _lwns._tcp.js.joineuis.test., TTL 600 s (DNS server "
                + dns.hostPort() + ")");
        line(output, "resolution         INFO SRV _lwns._tcp.js.joineuis.test.: priority 0, weight 5, port "
                + joinServer.port() + ", target localhost., TTL 120 s");
        line(output, "resolution         INFO A localhost.: 127.0.0.1, TTL 300 s");
        line(output, "resolution         OK   joins go to https://localhost:" + joinServer.port() + "/ at 127.0.0.1 "
                + "(DNS;");
        line(output, "tls                INFO server certificate 0: subject CN=js-server, issuer CN=vendor-js, "
                + "valid from");
        line(output, "tls                INFO host name checked against the certificate: localhost");
        line(output, "tls                OK   handshake completed (TLSv1.3)");
        line(output, "tls                OK   the server accepted our client certificate CN=ns-client");
        line(output, "backend_interfaces OK   the server answers Backend Interfaces and refuses the DevEUI no device "
                + "has");
        assertTrue(output.contains("Result UnknownDevEUI"), output);

        out.getBuffer().setLength(0);
        assertEquals(0, run("js", "check", JOIN_EUI, "--config", config.toString(), "--dev-eui", DEV_EUI), output());
        line(out.toString(), "backend_interfaces OK   the server knows DevEUI " + DEV_EUI);
        assertEquals("HomeNSReq", joinServer.lastMessageType());
    }

    @Test
    void aServerInAPrivateZoneIsCheckedAtTheAddressTheConfiguredResolverGave() throws Exception {
        // Only the configured DNS server knows the name, and only the name is on the certificate.
        TestJoinServer privateJs = TestJoinServer.start(vertx, jsCa.issueFor("js-private", "js.vendor.internal"),
                nsCa);
        Name srv = Name.fromString("_lwns._tcp.vendor.internal.");
        dns.add(new NAPTRRecord(Name.fromString(NAPTR_NAME), DClass.IN, 300, 10, 10, "S", "LWNS", "", srv));
        dns.add(new SRVRecord(srv, DClass.IN, 300, 0, 0, privateJs.port(), Name.fromString("js.vendor.internal.")));
        dns.address("js.vendor.internal", "127.0.0.1");
        Path config = config(dnsKeys() + defaultTable(jsCa.certFile(), nsClient));
        assertEquals(0, run("js", "check", JOIN_EUI, "--config", config.toString()), output());
        line(out.toString(), "tls                OK   handshake completed (TLSv1.3): the certificate is trusted and names "
                + "js.vendor.internal");
        assertEquals("js.vendor.internal", privateJs.lastServerName(), "SNI names the host");
        privateJs.close();
    }

    @Test
    void anUnknownCaNamesTheCaCertKey() throws Exception {
        TestPki.Authority other = TestPki.authority(dir, "someone-else");
        Path config = config(staticEntry(joinServer.url(), other.certFile(), nsClient));
        assertEquals(1, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "resolution         INFO static entry join_server.servers[0] matches: prefix "
                + "70B3D57ED0000000/40 contains " + JOIN_EUI);
        line(out.toString(), "tls                FAIL the server's certificate is not trusted (issued by "
                + "CN=vendor-js,");
        assertTrue(out.toString().contains("set join_server.servers[0].ca_cert to that CA's certificate"), output());
        assertEquals(0, joinServer.requests(), "no request goes to a server we do not trust");
    }

    @Test
    void anExpiredCertificateIsNamedWithItsDates() throws Exception {
        Instant now = Instant.now();
        TestJoinServer expired = TestJoinServer.start(vertx, jsCa.issue("js-expired", now.minus(Duration.ofDays(60)),
                now.minus(Duration.ofDays(1))), nsCa);
        Path config = config(staticEntry(expired.url(), jsCa.certFile(), nsClient));
        assertEquals(1, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "tls                FAIL the server's certificate is expired (valid from ");
        assertTrue(out.toString().contains("its operator must renew it; if it is the wrong server, change "
                + "join_server.servers[0].server"), output());
        expired.close();
    }

    @Test
    void aRefusedClientCertificateNamesTheTlsCertKey() throws Exception {
        TestPki.Credentials stranger = TestPki.authority(dir, "stranger").issue("stranger-client");
        Path config = config(staticEntry(joinServer.url(), jsCa.certFile(), stranger));
        assertEquals(1, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "tls                INFO server certificate 0: subject CN=js-server");
        // The server's CertificateRequest names the CA it accepts: the TLS stack then sends no certificate of
        // another, and the server refuses the handshake (TLS 1.2) or the connection right after it (TLS 1.3).
        String refusal = out.toString().lines().filter(l -> l.startsWith("tls                FAIL")).findFirst()
                .orElseThrow(() -> new AssertionError(output()));
        assertTrue(refusal.contains("ours, CN=stranger-client issued by CN=stranger, is not from an issuer the server "
                + "accepts (CN=our-ns)"), refusal);
        assertTrue(refusal.contains("et join_server.servers[0].tls_cert and tls_key to a certificate its operator "
                + "trusts"), refusal);
        assertEquals(0, joinServer.requests());
    }

    @Test
    void aWrongPathShowsTheHttpStatusAndTheServerKey() throws Exception {
        joinServer.onlyPath("/api/join");
        Path config = config(staticEntry(joinServer.url() + "lorawan", jsCa.certFile(), nsClient));
        assertEquals(1, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "backend_interfaces FAIL HTTP 404: the URL's path is wrong; change "
                + "join_server.servers[0].server to the join server's Backend Interfaces URL");

        out.getBuffer().setLength(0);
        Path right = config(staticEntry(joinServer.url() + "api/join", jsCa.certFile(), nsClient));
        assertEquals(0, run("js", "check", JOIN_EUI, "-c", right.toString()), output());
    }

    @Test
    void aCertificateForAnotherHostNamesTheServerKey() throws Exception {
        TestJoinServer elsewhere = TestJoinServer.start(vertx, jsCa.issueFor("js-elsewhere", "js.elsewhere.example"),
                nsCa);
        Path config = config(staticEntry(elsewhere.url(), jsCa.certFile(), nsClient));
        assertEquals(1, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "tls                FAIL the server's TLS certificate does not match host name localhost: "
                + "change join_server.servers[0].server to name a host the certificate has");
        elsewhere.close();
    }

    @Test
    void anAsyncServerThatTakesTheRequestPasses() throws Exception {
        // Its HomeNSAns goes to the async endpoint of a running server, which the check does not start.
        joinServer.answerAsync("https://127.0.0.1:9/", nsClient, jsCa);
        TestPki.Credentials asyncEndpoint = nsCa.issue("ns-async");
        Path config = config("""
                async_bind = "127.0.0.1:0"
                async_tls_cert = "%s"
                async_tls_key = "%s"
                async_client_ca_cert = "%s"
                """.formatted(asyncEndpoint.certFile(), asyncEndpoint.keyFile(), jsCa.certFile())
                + staticEntry(joinServer.url(), jsCa.certFile(), nsClient) + "async = true\n");
        assertEquals(0, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        line(out.toString(), "backend_interfaces OK   HTTP 200: the server took the request; in async mode "
                + "(join_server.servers[0].async)");
    }

    @Test
    void noDnsRecordIsAWarningAndADisabledInternalDefaultAFailure() throws Exception {
        Path config = config(dnsKeys() + defaultTable(jsCa.certFile(), nsClient) + "[internal_js]\nenabled = false\n");
        assertEquals(1, run("js", "check", JOIN_EUI, "--config", config.toString()), output());
        String output = out.toString();
        line(output, "resolution         INFO NAPTR " + NAPTR_NAME + ": none (NXDOMAIN from DNS server "
                + dns.hostPort() + ")");
        line(output, "resolution         WARN DNS names no usable join server at " + NAPTR_NAME.substring(0,
                NAPTR_NAME.length() - 1) + " (no A or AAAA record for " + NAPTR_NAME);
        line(output, "resolution         FAIL joins go to the internal join server (default), which is disabled: set "
                + "internal_js.enabled = true");

        out.getBuffer().setLength(0);
        Path internal = config(dnsKeys());
        assertEquals(0, run("js", "check", JOIN_EUI, "--config", internal.toString()), output());
        line(out.toString(), "resolution         OK   joins go to the internal join server (default)");
    }

    @Test
    void aBadConfigurationExitsWithTwoNamingTheKey() throws Exception {
        Path config = config(staticEntry(joinServer.url(), dir.resolve("missing-ca.pem"), nsClient));
        assertEquals(2, run("js", "check", JOIN_EUI, "-c", config.toString()), output());
        assertTrue(err.toString().contains("ca_cert"), output());
    }

    private int run(String... args) {
        picocli.CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private String output() {
        return out + "\n" + err;
    }

    /** The output has a line starting with {@code start}. */
    private static void line(String output, String start) {
        assertTrue(output.lines().anyMatch(l -> l.startsWith(start)), "no line starting with\n" + start + "\nin\n"
                + output);
    }

    private Path config(String joinServerTables) throws Exception {
        return Files.writeString(dir.resolve("ns-" + System.nanoTime() + ".toml"), """
                [logging]
                level = "error"
                [network]
                net_id = "000013"
                [join_server]
                """ + joinServerTables);
    }

    private String dnsKeys() {
        return """
                resolve_join_eui = true
                resolve_domain_suffix = "joineuis.test"
                dns_resolver = "%s"
                """.formatted(dns.hostPort());
    }

    private static String defaultTable(Path caCert, TestPki.Credentials client) {
        return """
                [join_server.default]
                server = ""
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(caCert, client.certFile(), client.keyFile());
    }

    private static String staticEntry(String url, Path caCert, TestPki.Credentials client) {
        return """
                [[join_server.servers]]
                join_eui_prefix = "70B3D57ED0000000/40"
                server = "%s"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                """.formatted(url, caCert, client.certFile(), client.keyFile());
    }
}
