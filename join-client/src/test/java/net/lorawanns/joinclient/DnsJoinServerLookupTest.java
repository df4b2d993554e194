package net.lorawanns.joinclient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.TestVectors;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.joinclient.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;

/** JoinEUI lookups against a real DNS server on loopback, each NAPTR flag and the fallbacks. */
class DnsJoinServerLookupTest {
    private Vertx vertx;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        dns = new TestDnsServer();
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
            DnsJoinServerLookup lookup = lookup(TestVectors.text(v, "suffix"));
            lookup.lookup(Eui64.parse(TestVectors.text(v, "join_eui"))).await(10, TimeUnit.SECONDS);
            assertEquals(TestVectors.text(v, "name_expected") + " NAPTR", dns.questions().get(dns.questions().size() - 3),
                    v.get("name").asText());
        }
        assertEquals(2, checked, "the shared vectors hold two JoinEUI names");
    }

    @Test
    void eachNaptrFlagLeadsToItsServer() throws Exception {
        DnsJoinServerLookup lookup = lookup("joineuis.test");
        Name aName = name(lookup, "0000000000000001");
        dns.add(new NAPTRRecord(aName, DClass.IN, 300, 10, 10, "A", "LWNS", "", Name.fromString("js-a.test.")));
        dns.add(new ARecord(Name.fromString("js-a.test."), DClass.IN, 300, InetAddress.getByName("192.0.2.1")));
        assertEquals(Optional.of(URI.create("https://js-a.test:443/")), find(lookup, "0000000000000001"));

        Name uName = name(lookup, "0000000000000002");
        dns.add(new NAPTRRecord(uName, DClass.IN, 300, 10, 10, "U", "LWN", "!^.*$!http://js-u.test:8080/bi!",
                Name.root));
        assertEquals(Optional.of(URI.create("http://js-u.test:8080/bi")), find(lookup, "0000000000000002"));

        Name plain = name(lookup, "0000000000000003");
        dns.add(new ARecord(plain, DClass.IN, 300, InetAddress.getByName("192.0.2.3")));
        assertEquals(Optional.of(URI.create("https://" + plain.toString(true) + ":443/")),
                find(lookup, "0000000000000003"), "no NAPTR: the name itself on 443, as deployed servers do");

        assertEquals(Optional.empty(), find(lookup, "0000000000000004"), "a name DNS does not know");
        int asked = dns.questions().size();
        assertEquals(Optional.empty(), find(lookup, "0000000000000004"));
        assertEquals(asked, dns.questions().size(), "a negative answer is cached");
    }

    private DnsJoinServerLookup lookup(String suffix) {
        return new DnsJoinServerLookup(vertx, DnsJoinServerLookup.resolver(dns.hostPort()), suffix, Duration.ofSeconds(60));
    }

    private static Name name(DnsJoinServerLookup lookup, String joinEui) throws Exception {
        return Name.fromString(lookup.name(Eui64.parse(joinEui)) + ".");
    }

    private static Optional<URI> find(DnsJoinServerLookup lookup, String joinEui) throws Exception {
        return lookup.lookup(Eui64.parse(joinEui)).await(10, TimeUnit.SECONDS);
    }
}
