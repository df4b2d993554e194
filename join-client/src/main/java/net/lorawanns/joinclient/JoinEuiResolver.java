package net.lorawanns.joinclient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * tried.
 */
public final class JoinEuiResolver {
    private static final Logger LOG = LoggerFactory.getLogger(JoinEuiResolver.class);

    private final List<StaticEntry> entries;
    private final Optional<DnsJoinServerLookup> dns;
    private final JoinServerEntry defaultEntry;
    private final MeterRegistry registry;

    /** One static mapping: a JoinEUI prefix to an external server, or (entry empty) to the internal join server. */
    private record StaticEntry(Eui64Prefix prefix, Optional<JoinServerEntry> entry) {
    }

    /**
     * @param internalJoinEuis the internal join server's JoinEUIs; empty when it is disabled
     * @param dns the DNS lookup, when {@code resolve_join_eui} is on
     */
    public JoinEuiResolver(JoinServerSettings settings, List<String> internalJoinEuis,
                           Optional<DnsJoinServerLookup> dns, MeterRegistry registry) {
        List<StaticEntry> all = new ArrayList<>();
        for (JoinServerEntry entry : settings.servers()) {
            String prefix = entry.joinEui().isEmpty() ? entry.joinEuiPrefix() : entry.joinEui();
            all.add(new StaticEntry(Eui64Prefix.parse(prefix), Optional.of(entry)));
        }
        for (String text : internalJoinEuis) {
            Eui64Prefix prefix = Eui64Prefix.parse(text);
            if (prefix.bits() > 0) {
                all.add(new StaticEntry(prefix, Optional.empty()));
            }
        }
        all.sort(Comparator.comparingInt((StaticEntry e) -> e.prefix().bits()).reversed());
        this.entries = List.copyOf(all);
        this.dns = dns;
        this.defaultEntry = settings.defaultServer();
        this.registry = registry;
    }

    public Future<JoinServerRoute> resolve(Eui64 joinEui) {
        for (StaticEntry entry : entries) {
            if (entry.prefix().contains(joinEui)) {
                count("static", "found");
                String source = "static entry " + entry.prefix();
                return Future.succeededFuture(entry.entry.<JoinServerRoute>map(e -> new JoinServerRoute.External(
                        URI.create(e.server()), e, source)).orElse(new JoinServerRoute.Internal(source)));
            }
        }
        if (dns.isEmpty()) {
            return Future.succeededFuture(fallback());
        }
        return dns.get().lookup(joinEui).map(found -> {
            if (found.isPresent()) {
                count("dns", "found");
                return (JoinServerRoute) new JoinServerRoute.External(found.get(), defaultEntry, "DNS");
            }
            count("dns", "not_found");
            LOG.info("JoinEUI {}: DNS names no join server at {}; using the default", joinEui,
                    dns.get().name(joinEui));
            return fallback();
        }).recover(e -> {
            count("dns", "error");
            LOG.warn("JoinEUI {}: DNS lookup of {} failed ({}); using the default", joinEui, dns.get().name(joinEui),
                    e.getMessage());
            return Future.succeededFuture(fallback());
        });
    }

    private JoinServerRoute fallback() {
        count("default", "found");
        return defaultEntry.isInternal() ? new JoinServerRoute.Internal("default")
                : new JoinServerRoute.External(URI.create(defaultEntry.server()), defaultEntry, "default");
    }

    private void count(String step, String outcome) {
        Counter.builder("lorawan.join.resolution").description("JoinEUI resolution steps")
                .tag("step", step).tag("outcome", outcome).register(registry).increment();
    }
}
