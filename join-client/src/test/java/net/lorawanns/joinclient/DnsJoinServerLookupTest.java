package net.lorawanns.joinclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.joinclient.testing.TestDnsServer;
import net.lorawanns.sim.TestVectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

/** JoinEUI lookups against a real DNS server on loopback, each NAPTR flag, the fallbacks and the limits. */
class DnsJoinServerLookupTest {
    private Vertx vertx;
    private TestDnsServer dns;
    private MeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        dns = new TestDnsServer();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theNamesAskedAreTheSharedVectorsNames() throws Exception {
        int checked = 0;
        for (JsonNode v : TestVectors.group("dns_names")) {
            if (!v.has("join_eui")) {
                continue;
            }
            checked++;
            DnsJoinServerLookup lookup = lookup(TestVectors.text(v, "suffix"), false, 100);
            lookup.lookup(Eui64.parse(TestVectors.text(v, "join_eui"))).await(10, TimeUnit.SECONDS);
            assertEquals(TestVectors.text(v, "name_expected") + " NAPTR", dns.questions().get(dns.questions().size() - 3),
                    v.get("name").asText());
        }
        assertEquals(2, checked, "the shared vectors hold two JoinEUI names");
    }

    @Test
    void eachNaptrFlagLeadsToItsServerAtTheAddressTheConfiguredResolverGave() throws Exception {
        DnsJoinServerLookup lookup = lookup("joineuis.test", true, 100);
        Name aName = name(lookup, "0000000000000001");
        dns.add(new NAPTRRecord(aName, DClass.IN, 300, 10, 10, "A", "LWNS", "", Name.fromString("js-a.test.")));
        dns.address("js-a.test", "192.0.2.1");
        assertEquals(server("https://js-a.test:443/", "192.0.2.1"), find(lookup, "0000000000000001"));

        Name sName = name(lookup, "0000000000000002");
        Name service = Name.fromString("_lwns._tcp.js-s.test.");
        dns.add(new NAPTRRecord(sName, DClass.IN, 300, 10, 10, "S", "LWNS", "", service));
        dns.add(new SRVRecord(service, DClass.IN, 300, 0, 0, 8443, Name.fromString("js.private.test.")));
        dns.address("js.private.test", "192.0.2.2");
        assertEquals(server("https://js.private.test:8443/", "192.0.2.2"), find(lookup, "0000000000000002"));
        assertTrue(dns.questions().contains("js.private.test A"), "the SRV target's address is asked of the "
                + "configured resolver: " + dns.questions());

        Name uName = name(lookup, "0000000000000003");
        dns.add(new NAPTRRecord(uName, DClass.IN, 300, 10, 10, "U", "LWN", "!^.*$!http://js-u.test:8080/bi!",
                Name.root));
        dns.address("js-u.test", "192.0.2.3");
        assertEquals(server("http://js-u.test:8080/bi", "192.0.2.3"), find(lookup, "0000000000000003"));

        Name plain = name(lookup, "0000000000000004");
        dns.add(new ARecord(plain, DClass.IN, 300, InetAddress.getByName("192.0.2.4")));
        assertEquals(server("https://" + plain.toString(true) + ":443/", "192.0.2.4"),
                find(lookup, "0000000000000004"), "no NAPTR: the name itself on 443, as deployed servers do");

        assertEquals(Optional.empty(), find(lookup, "0000000000000005"), "a name DNS does not know");
        int asked = dns.questions().size();
        assertEquals(Optional.empty(), find(lookup, "0000000000000005"));
        assertEquals(asked, dns.questions().size(), "a negative answer is cached");
    }

    @Test
    void plainHttpRecordsAreRefusedUnlessAllowed() throws Exception {
        DnsJoinServerLookup strict = lookup("joineuis.test", false, 100);
        Name name = name(strict, "0000000000000010");
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "A", "LWN", "", Name.fromString("js-http.test.")));
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 20, 10, "U", "LWNS", "!^.*$!http://js-http.test/!",
                Name.root));
        dns.address("js-http.test", "192.0.2.10");

        DnsJoinServerLookup.Answer refused = strict.lookup(Eui64.parse("0000000000000010")).await(10, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), refused.server(), "neither the LWN record nor an LWNS record that makes http://");
        assertTrue(refused.why().contains("allow_http"), refused.why());
        assertEquals(2.0, registry.counter("lorawan.join.dns.refused", "reason", "http_not_allowed").count());

        assertEquals(server("http://js-http.test:80/", "192.0.2.10"),
                find(lookup("joineuis.test", true, 100), "0000000000000010"), "allowed by the operator");
    }

    @Test
    void aRegexpThatWouldBacktrackForMinutesIsStoppedAndTheNextRecordUsed() throws Exception {
        DnsJoinServerLookup lookup = lookup("joineuis.test", false, 100);
        Name name = name(lookup, "0000000000000020");
        // Nested quantifiers that can never match: Java tries every way of splitting the name, 7^44 of them.
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 10, 10, "U", "LWNS", "!(.*.*.*.*.*.*.*)*X!https://evil.test/!",
                Name.root));
        dns.add(new NAPTRRecord(name, DClass.IN, 300, 20, 10, "A", "LWNS", "", Name.fromString("js-good.test.")));
        dns.address("js-good.test", "192.0.2.20");

        long started = System.nanoTime();
        assertEquals(server("https://js-good.test:443/", "192.0.2.20"), find(lookup, "0000000000000020"));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "the regexp was given up on");
        assertEquals(1.0, registry.counter("lorawan.join.dns.refused", "reason", "regexp_timeout").count());
    }

    @Test
    void aRegexpsBackReferencesAndFlagsAreRfc3403s() throws Exception {
        assertEquals(Optional.of("https://js.test/bi/4.3.2.1"), NaptrRegexp.apply(
                "!^(.*)\\.JOINEUIS\\.TEST$!https://js.test/bi/\\1!i", "4.3.2.1.joineuis.test", Duration.ofSeconds(1)));
        assertEquals(Optional.of("https://js.test/$1"), NaptrRegexp.apply("#^.*$#https://js.test/$1#",
                "4.3.2.1.joineuis.test", Duration.ofSeconds(1)), "a $ in the substitution is a character, not a group");
        assertEquals(Optional.empty(), NaptrRegexp.apply("!^x!https://js.test/!", "4.3.2.1.joineuis.test",
                Duration.ofSeconds(1)));
    }

    @Test
    void aRegexpLongerThanADnsStringIsNotApplied() {
        String expression = "!" + "a".repeat(NaptrRegexp.MAX_EXPRESSION_CHARS) + "!https://x.test/!";
        NaptrRegexp.Refused refused = assertThrows(NaptrRegexp.Refused.class,
                () -> NaptrRegexp.apply(expression, "1.0.joineuis.test", Duration.ofSeconds(1)));
        assertEquals("regexp_too_long", refused.reason());
    }

    @Test
    void theCacheIsBoundedAndNamesWithoutAServerNeverPushOutTheFoundOnes() throws Exception {
        DnsJoinServerLookup lookup = lookup("joineuis.test", false, 3);
        Name found = name(lookup, "0000000000000030");
        dns.add(new ARecord(found, DClass.IN, 300, InetAddress.getByName("192.0.2.30")));
        assertTrue(find(lookup, "0000000000000030").isPresent());
        for (int i = 0; i < 50; i++) {
            find(lookup, String.format("00000000000010%02X", i));
        }
        assertEquals(4, lookup.cachedAnswers(), "three JoinEUIs without a server and the one found");
        int asked = dns.questions().size();
        assertTrue(find(lookup, "0000000000000030").isPresent());
        assertEquals(asked, dns.questions().size(), "the found server is still cached");
    }

    @Test
    void aFailedLookupNamesTheDnsServerAsked() throws Exception {
        DnsJoinServerLookup lookup = lookup("joineuis.test", false, 100);
        dns.fail();
        Throwable failure = assertThrows(Exception.class,
                () -> lookup.lookup(Eui64.parse("0000000000000040")).await(10, TimeUnit.SECONDS));
        assertTrue(failure.getMessage().contains("DNS server " + dns.hostPort()), failure.getMessage());
        assertTrue(failure.getMessage().contains("SERVFAIL"), failure.getMessage());
    }

    private DnsJoinServerLookup lookup(String suffix, boolean allowHttp, int cacheSize) {
        return new DnsJoinServerLookup(vertx, DnsJoinServerLookup.resolver(dns.hostPort()), dns.hostPort(), true,
                suffix, Duration.ofSeconds(60), allowHttp, cacheSize, registry);
    }

    private static Optional<DnsJoinServerLookup.Server> server(String uri, String address) throws Exception {
        return Optional.of(new DnsJoinServerLookup.Server(URI.create(uri), InetAddress.getByName(address)));
    }

    private static Name name(DnsJoinServerLookup lookup, String joinEui) throws Exception {
        return Name.fromString(lookup.name(Eui64.parse(joinEui)) + ".");
    }

    private static Optional<DnsJoinServerLookup.Server> find(DnsJoinServerLookup lookup, String joinEui)
            throws Exception {
        return lookup.lookup(Eui64.parse(joinEui)).await(10, TimeUnit.SECONDS).server();
    }
}
