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
    private record StaticEntry(long base, int bits, Optional<JoinServerEntry> entry, String text) {
        boolean matches(Eui64 eui) {
            long mask = bits == 0 ? 0 : -1L << (64 - bits);
            return (eui.value() & mask) == (base & mask);
        }
    }

    /**
     * @param internalJoinEuis the internal join server's JoinEUIs; empty when it is disabled
     * @param dns the DNS lookup, when {@code resolve_join_eui} is on
     */
    public JoinEuiResolver(JoinServerSettings settings, List<String> internalJoinEuis,
                           Optional<DnsJoinServerLookup> dns, MeterRegistry registry) {
        List<StaticEntry> all = new ArrayList<>();
        for (JoinServerEntry entry : settings.servers()) {
            String prefix = entry.joinEui().isEmpty() ? entry.joinEuiPrefix() : entry.joinEui() + "/64";
            all.add(entry(prefix, Optional.of(entry)));
        }
        for (String prefix : internalJoinEuis) {
            StaticEntry internal = entry(prefix.contains("/") ? prefix : prefix + "/64", Optional.empty());
            if (internal.bits > 0) {
                all.add(internal);
            }
        }
        all.sort(Comparator.comparingInt(StaticEntry::bits).reversed());
        this.entries = List.copyOf(all);
        this.dns = dns;
        this.defaultEntry = settings.defaultServer();
        this.registry = registry;
    }

    private static StaticEntry entry(String prefix, Optional<JoinServerEntry> entry) {
        int slash = prefix.indexOf('/');
        return new StaticEntry(Eui64.parse(prefix.substring(0, slash)).value(),
                Integer.parseInt(prefix.substring(slash + 1)), entry, prefix);
    }

    public Future<JoinServerRoute> resolve(Eui64 joinEui) {
        for (StaticEntry entry : entries) {
            if (entry.matches(joinEui)) {
                count("static", "found");
                String source = "static entry " + entry.text;
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
