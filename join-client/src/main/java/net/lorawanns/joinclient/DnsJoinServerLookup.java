package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.lorawanns.config.HostPort;
import net.lorawanns.core.backend.DnsNames;
import net.lorawanns.core.types.Eui64;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds a JoinEUI's join server in DNS (Backend Interfaces 1.0 section 19): NAPTR records of the nibble-reversed
 * name with service LWNS (HTTPS) or LWN (HTTP), in order then preference; flag S leads to an SRV lookup, A to an
 * address lookup, U to the URI the regexp makes. A name without NAPTR records that has an address is used as
 * {@code https://<name>:443/}, as deployed servers do. Answers are cached for their TTL, "no server" for the
 * configured negative time.
 */
public final class DnsJoinServerLookup {
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final Resolver resolver;
    private final String suffix;
    private final long negativeNanos;
    private final Map<Eui64, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<URI> server, long expiresAtNanos) {
    }

    /** A server and how long it may be remembered. */
    private record Found(Optional<URI> server, long ttlSeconds) {
    }

    public DnsJoinServerLookup(Vertx vertx, Resolver resolver, String suffix, Duration negativeCache) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.suffix = suffix;
        this.negativeNanos = negativeCache.toNanos();
    }

    /** The configured DNS server ({@code host:port}), or the system's resolvers when empty. */
    public static Resolver resolver(String hostPort) {
        Resolver resolver;
        if (hostPort.isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            HostPort address = HostPort.parse(hostPort);
            try {
                SimpleResolver simple = new SimpleResolver(address.host());
                simple.setPort(address.port());
                resolver = simple;
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("dns_resolver: unknown host " + address.host());
            }
        }
        resolver.setTimeout(QUERY_TIMEOUT);
        return resolver;
    }

    /** The name looked up for a JoinEUI. */
    public String name(Eui64 joinEui) {
        return DnsNames.joinEui(joinEui, suffix);
    }

    /**
     * The join server of a JoinEUI; empty when DNS names none. Fails when DNS cannot be asked (timeout, SERVFAIL):
     * that outcome is not cached.
     */
    public Future<Optional<URI>> lookup(Eui64 joinEui) {
        long now = System.nanoTime();
        Cached cached = cache.get(joinEui);
        if (cached != null && now - cached.expiresAtNanos < 0) {
            return Future.succeededFuture(cached.server);
        }
        Name name;
        try {
            name = Name.fromString(name(joinEui) + ".");
        } catch (TextParseException e) {
            return Future.failedFuture(e);
        }
        return naptr(name).map(found -> {
            long ttl = found.server.isPresent() ? found.ttlSeconds * 1_000_000_000L : negativeNanos;
            cache.put(joinEui, new Cached(found.server, System.nanoTime() + ttl));
            return found.server;
        });
    }

    private Future<Found> naptr(Name name) {
        return query(name, Type.NAPTR).compose(message -> {
            List<NAPTRRecord> records = new ArrayList<>();
            for (Record record : message.getSection(Section.ANSWER)) {
                if (record instanceof NAPTRRecord naptr && scheme(naptr).isPresent()) {
                    records.add(naptr);
                }
            }
            if (records.isEmpty()) {
                return addressOf(name, "https", 443, Long.MAX_VALUE, name);
            }
            records.sort(Comparator.comparingInt(NAPTRRecord::getOrder).thenComparingInt(NAPTRRecord::getPreference));
            return firstUsable(name, records, 0);
        });
    }

    private Future<Found> firstUsable(Name name, List<NAPTRRecord> records, int index) {
        if (index >= records.size()) {
            return Future.succeededFuture(new Found(Optional.empty(), 0));
        }
        NAPTRRecord record = records.get(index);
        String scheme = scheme(record).orElseThrow();
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String flags = record.getFlags().toUpperCase(Locale.ROOT);
        Future<Found> found;
        if (flags.contains("S")) {
            found = srv(record.getReplacement(), scheme, record.getTTL());
        } else if (flags.contains("A")) {
            found = addressOf(record.getReplacement(), scheme, defaultPort, record.getTTL(), record.getReplacement());
        } else if (flags.contains("U")) {
            found = Future.succeededFuture(new Found(regexp(record.getRegexp(), name), record.getTTL()));
        } else {
            found = Future.succeededFuture(new Found(Optional.empty(), 0));
        }
        return found.compose(result -> result.server.isPresent() ? Future.succeededFuture(result)
                : firstUsable(name, records, index + 1));
    }

    private Future<Found> srv(Name target, String scheme, long ttl) {
        return query(target, Type.SRV).map(message -> {
            List<SRVRecord> records = new ArrayList<>();
            for (Record record : message.getSection(Section.ANSWER)) {
                if (record instanceof SRVRecord srv) {
                    records.add(srv);
                }
            }
            // RFC 2782: lowest priority first; among equals the heavier weight.
            records.sort(Comparator.comparingInt(SRVRecord::getPriority)
                    .thenComparing(Comparator.comparingInt(SRVRecord::getWeight).reversed()));
            if (records.isEmpty()) {
                return new Found(Optional.empty(), 0);
            }
            SRVRecord best = records.get(0);
            return new Found(Optional.of(uri(scheme, best.getTarget(), best.getPort())), Math.min(ttl, best.getTTL()));
        });
    }

    /** {@code scheme://host:port/} when {@code lookup} has an A or AAAA record. */
    private Future<Found> addressOf(Name lookup, String scheme, int port, long ttl, Name host) {
        return query(lookup, Type.A).compose(a -> {
            Optional<Long> aTtl = answerTtl(a, Type.A);
            if (aTtl.isPresent()) {
                return Future.succeededFuture(new Found(Optional.of(uri(scheme, host, port)), Math.min(ttl, aTtl.get())));
            }
            return query(lookup, Type.AAAA).map(aaaa -> answerTtl(aaaa, Type.AAAA)
                    .map(t -> new Found(Optional.of(uri(scheme, host, port)), Math.min(ttl, t)))
                    .orElse(new Found(Optional.empty(), 0)));
        });
    }

    private static Optional<Long> answerTtl(Message message, int type) {
        return message.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).map(Record::getTTL)
                .min(Long::compare);
    }

    private Future<Message> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return Future.fromCompletionStage(resolver.sendAsync(query), vertx.getOrCreateContext()).compose(answer -> {
            int rcode = answer.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return Future.failedFuture(new JoinClientException("DNS answered " + Rcode.string(rcode) + " for "
                        + name + " " + Type.string(type)));
            }
            return Future.succeededFuture(answer);
        });
    }

    /** LWNS is the Backend Interfaces over HTTPS, LWN over HTTP (Backend Interfaces 1.0 section 19.1). */
    private static Optional<String> scheme(NAPTRRecord record) {
        String service = record.getService().toUpperCase(Locale.ROOT);
        if (service.equals("LWNS")) {
            return Optional.of("https");
        }
        return service.equals("LWN") ? Optional.of("http") : Optional.empty();
    }

    /** RFC 3403 section 4.1: delimiter, ERE, delimiter, substitution, delimiter, flags; applied to the name. */
    static Optional<URI> regexp(String expression, Name name) {
        if (expression == null || expression.length() < 3) {
            return Optional.empty();
        }
        String delimiter = Pattern.quote(expression.substring(0, 1));
        String[] parts = expression.substring(1).split(delimiter, -1);
        if (parts.length < 2) {
            return Optional.empty();
        }
        String subject = name.toString(true);
        boolean ignoreCase = parts.length > 2 && parts[2].contains("i");
        try {
            Pattern pattern = Pattern.compile(parts[0], ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
            var matcher = pattern.matcher(subject);
            if (!matcher.find()) {
                return Optional.empty();
            }
            String replacement = parts[1].replaceAll("\\\\(\\d)", "\\$$1");
            return Optional.of(URI.create(matcher.replaceFirst(replacement)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static URI uri(String scheme, Name host, int port) {
        return URI.create(scheme + "://" + host.toString(true) + ":" + port + "/");
    }
}
