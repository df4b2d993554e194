package net.lorawanns.joinclient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.config.JoinServerCertificate;
import net.lorawanns.config.JoinServerEntry;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Eui64Prefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinEUI -> join server, in order: the most specific static entry (a {@code [[join_server.servers]]} entry, or an
 * {@code internal_js.join_euis} prefix other than the catch-all, which points at the internal join server); DNS
 * when enabled; then {@code [join_server.default]}. A step that fails logs one line and counts, and the next is
 * tried. A server DNS finds is called with the TLS files of the most specific {@code [[join_server.certificates]]}
 * entry for the JoinEUI, else those of the default entry. All certificate files are read by the constructor, at
 * start-up.
 */
public final class JoinEuiResolver {
    private static final Logger LOG = LoggerFactory.getLogger(JoinEuiResolver.class);

    private final List<StaticEntry> entries;
    private final List<CertificateEntry> certificates;
    private final Optional<DnsJoinServerLookup> dns;
    private final JoinServerEntry defaultEntry;
    private final ClientTls defaultTls;
    /** The default entry's TLS files, for servers DNS finds that no certificates entry covers. */
    private final CertificateEntry defaultCertificates;
    private final MeterRegistry registry;

    private static final Consumer<String> NO_TRACE = line -> { };
    private static final String DEFAULT_KEY = "join_server.default";

    /**
     * One static mapping: a JoinEUI prefix to an external server, or (entry empty) to the internal join server.
     *
     * @param key the TOML key that configures it, for messages
     */
    private record StaticEntry(Eui64Prefix prefix, Optional<JoinServerEntry> entry, ClientTls tls, String key) {
    }

    private record CertificateEntry(Eui64Prefix prefix, ClientTls tls, String key) {
    }

    /**
     * @param internalJoinEuis the internal join server's JoinEUIs; empty when it is disabled
     * @param dns the DNS lookup, when {@code resolve_join_eui} is on
     * @throws InvalidSettingException naming the key (e.g. {@code certificates[0].ca_cert}) of a certificate file that
     *                                 cannot be read
     */
    public JoinEuiResolver(Vertx vertx, JoinServerSettings settings, List<String> internalJoinEuis,
                           Optional<DnsJoinServerLookup> dns, MeterRegistry registry) {
        List<StaticEntry> all = new ArrayList<>();
        for (int i = 0; i < settings.servers().size(); i++) {
            JoinServerEntry entry = settings.servers().get(i);
            String prefix = entry.joinEui().isEmpty() ? entry.joinEuiPrefix() : entry.joinEui();
            all.add(new StaticEntry(Eui64Prefix.parse(prefix), Optional.of(entry),
                    keyed("servers[" + i + "].", () -> ClientTls.load(vertx, entry.caCert(), entry.tlsCert(),
                            entry.tlsKey())), "join_server.servers[" + i + "]"));
        }
        for (String text : internalJoinEuis) {
            Eui64Prefix prefix = Eui64Prefix.parse(text);
            if (prefix.bits() > 0) {
                all.add(new StaticEntry(prefix, Optional.empty(), ClientTls.SYSTEM, "internal_js.join_euis"));
            }
        }
        all.sort(Comparator.comparingInt((StaticEntry e) -> e.prefix().bits()).reversed());
        this.entries = List.copyOf(all);
        List<CertificateEntry> certs = new ArrayList<>();
        for (int i = 0; i < settings.certificates().size(); i++) {
            JoinServerCertificate c = settings.certificates().get(i);
            certs.add(new CertificateEntry(Eui64Prefix.parse(c.joinEui()), keyed("certificates[" + i + "].",
                    () -> ClientTls.load(vertx, c.caCert(), c.tlsCert(), c.tlsKey())),
                    "join_server.certificates[" + i + "]"));
        }
        certs.sort(Comparator.comparingInt((CertificateEntry e) -> e.prefix().bits()).reversed());
        this.certificates = List.copyOf(certs);
        this.dns = dns;
        this.defaultEntry = settings.defaultServer();
        this.defaultTls = keyed("default.", () -> ClientTls.load(vertx, defaultEntry.caCert(), defaultEntry.tlsCert(),
                defaultEntry.tlsKey()));
        this.defaultCertificates = new CertificateEntry(Eui64Prefix.parse("0000000000000000/0"), defaultTls,
                DEFAULT_KEY);
        this.registry = registry;
    }

    private static ClientTls keyed(String keyPrefix, Supplier<ClientTls> load) {
        try {
            return load.get();
        } catch (InvalidSettingException e) {
            throw new InvalidSettingException(keyPrefix + e.key(), e.getMessage());
        }
    }

    public Future<JoinServerRoute> resolve(Eui64 joinEui) {
        return resolve(joinEui, NO_TRACE, NO_TRACE);
    }

    /**
     * The route a join-request of {@code joinEui} would take, found as {@link #resolve} finds it except that DNS is
     * asked afresh; each step (the static entry that matches and why, every DNS record with its TTL, the fallback) is
     * given to {@code trace} as one line. For the join-server check.
     */
    public Future<JoinServerRoute> explain(Eui64 joinEui, Consumer<String> trace, Consumer<String> problems) {
        return resolve(joinEui, trace, problems);
    }

    private Future<JoinServerRoute> resolve(Eui64 joinEui, Consumer<String> trace, Consumer<String> problems) {
        for (StaticEntry entry : entries) {
            if (entry.prefix().contains(joinEui)) {
                count(trace, "static", "found");
                String source = "static entry " + entry.prefix();
                trace.accept("static entry " + entry.key() + " matches: " + (entry.prefix().bits() == Eui64.SIZE * 8
                        ? "exact JoinEUI " + joinEui : "prefix " + entry.prefix() + " contains " + joinEui)
                        + " (the most specific entry wins)");
                if (entry.entry.isEmpty()) {
                    return Future.succeededFuture(new JoinServerRoute.Internal(source));
                }
                JoinServerEntry e = entry.entry.get();
                URI server = URI.create(e.server());
                Optional<DnsJoinServerLookup> own = dns.filter(DnsJoinServerLookup::ownResolver);
                if (own.isEmpty()) {
                    return Future.succeededFuture(new JoinServerRoute.External(server, e, entry.tls(),
                            Optional.empty(), source, entry.key(), entry.key()));
                }
                // With a DNS server of its own configured, every name of the join path is looked up there.
                return own.get().addressOf(server.getHost()).map(address -> {
                    trace.accept(server.getHost() + " is " + address.getHostAddress() + " (DNS server "
                            + own.get().resolverName() + ")");
                    return new JoinServerRoute.External(server, e, entry.tls(), Optional.of(address), source,
                            entry.key(), entry.key());
                });
            }
        }
        if (dns.isEmpty()) {
            trace.accept("no static entry matches and DNS look-ups are off (join_server.resolve_join_eui = false)");
            return Future.succeededFuture(fallback(trace));
        }
        DnsJoinServerLookup lookup = dns.get();
        trace.accept("no static entry matches; DNS look-up of " + lookup.name(joinEui) + ", asking "
                + lookup.resolverName());
        Future<DnsJoinServerLookup.Answer> answered = trace == NO_TRACE ? lookup.lookup(joinEui)
                : lookup.lookupTraced(joinEui, trace);
        return answered.map(answer -> {
            if (answer.server().isPresent()) {
                count(trace, "dns", "found");
                DnsJoinServerLookup.Server server = answer.server().get();
                CertificateEntry tls = dnsTls(joinEui);
                trace.accept("DNS names " + server.uri() + " at " + server.address().getHostAddress()
                        + "; TLS files of " + tls.key());
                return (JoinServerRoute) new JoinServerRoute.External(server.uri(), defaultEntry.withoutHeaders(),
                        tls.tls(), Optional.of(server.address()), "DNS", DEFAULT_KEY, tls.key());
            }
            count(trace, "dns", "not_found");
            LOG.info("JoinEUI {}: DNS names no usable join server at {}{}; using the default", joinEui,
                    lookup.name(joinEui), answer.why().isEmpty() ? "" : " (" + answer.why() + ")");
            problems.accept("DNS names no usable join server at " + lookup.name(joinEui)
                    + (answer.why().isEmpty() ? "" : " (" + answer.why() + ")") + "; joins use " + DEFAULT_KEY
                    + ". To use DNS, publish NAPTR records there; or add a [[join_server.servers]] entry (join_eui)");
            return fallback(trace);
        }).recover(e -> {
            count(trace, "dns", "error");
            LOG.warn("JoinEUI {}: DNS lookup of {} failed ({}); using the default", joinEui, lookup.name(joinEui),
                    e.getMessage());
            problems.accept("DNS look-up of " + lookup.name(joinEui) + " failed: " + e.getMessage() + "; joins use "
                    + DEFAULT_KEY + ". Check join_server.dns_resolver");
            return Future.succeededFuture(fallback(trace));
        });
    }

    private CertificateEntry dnsTls(Eui64 joinEui) {
        for (CertificateEntry entry : certificates) {
            if (entry.prefix().contains(joinEui)) {
                return entry;
            }
        }
        return defaultCertificates;
    }

    private JoinServerRoute fallback(Consumer<String> trace) {
        count(trace, "default", "found");
        trace.accept(DEFAULT_KEY + " applies: " + (defaultEntry.isInternal()
                ? "the internal join server (server = \"\")" : defaultEntry.server()));
        return defaultEntry.isInternal() ? new JoinServerRoute.Internal("default")
                : new JoinServerRoute.External(URI.create(defaultEntry.server()), defaultEntry, defaultTls,
                        Optional.empty(), "default", DEFAULT_KEY, DEFAULT_KEY);
    }

    /** Counts the steps of joins; those of a check (traced) are not joins. */
    private void count(Consumer<String> trace, String step, String outcome) {
        if (trace != NO_TRACE) {
            return;
        }
        Counter.builder("lorawan.join.resolution").description("JoinEUI resolution steps")
                .tag("step", step).tag("outcome", outcome).register(registry).increment();
    }
}
