package net.lorawanns.joinclient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.core.backend.DnsNames;
import net.lorawanns.core.types.Eui64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
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
 * name with service LWNS (HTTPS) or, when {@code allow_http} is on, LWN (HTTP), in order then preference; flag S leads
 * to an SRV lookup, A to an address lookup, U to the URI the regexp makes (applied on a worker thread with bounded size
 * and time, see {@link NaptrRegexp}). A name without NAPTR records that has an address is used as
 * {@code https://<name>:443/}, as deployed servers do.
 *
 * <p>Every question goes to the configured {@code dns_resolver}, the join server's own address (A, then AAAA)
 * included: the caller connects to that address and keeps the host name for TLS. Answers are cached for their TTL,
 * "no server" for {@code dns_negative_cache}; each in its own least-recently-used cache of {@code dns_cache_size}
 * entries, so that JoinEUIs that resolve to nothing never push out the servers that were found.
 */
public final class DnsJoinServerLookup {
    private static final Logger LOG = LoggerFactory.getLogger(DnsJoinServerLookup.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REGEXP_TIME = Duration.ofMillis(50);
    private static final Consumer<String> NO_TRACE = line -> { };

    private final Vertx vertx;
    private final Resolver resolver;
    private final String resolverName;
    private final boolean ownResolver;
    private final String suffix;
    private final long negativeNanos;
    private final boolean allowHttp;
    private final LruCache<Eui64, Cached> found;
    private final LruCache<Eui64, Cached> notFound;
    private final MeterRegistry registry;

    /**
     * A join server DNS named.
     *
     * @param uri its Backend Interfaces URL, with the host name TLS checks
     * @param address the address the configured resolver gave for that host
     */
    public record Server(URI uri, InetAddress address) {
    }

    /**
     * What DNS says about a JoinEUI.
     *
     * @param server the join server; empty when DNS names none that can be used
     * @param why when empty, why: for the log line of the fallback
     */
    public record Answer(Optional<Server> server, String why) {
        static Answer none(String why) {
            return new Answer(Optional.empty(), why);
        }
    }

    private record Cached(Answer answer, long expiresAtNanos) {
    }

    /** An answer and how long it may be remembered. */
    private record Found(Answer answer, long ttlSeconds) {
        static Found none(String why) {
            return new Found(Answer.none(why), 0);
        }
    }

    DnsJoinServerLookup(Vertx vertx, Resolver resolver, String resolverName, boolean ownResolver, String suffix,
                        Duration negativeCache, boolean allowHttp, int cacheSize, MeterRegistry registry) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.resolverName = resolverName;
        this.ownResolver = ownResolver;
        this.suffix = suffix;
        this.negativeNanos = negativeCache.toNanos();
        this.allowHttp = allowHttp;
        this.found = new LruCache<>(cacheSize);
        this.notFound = new LruCache<>(cacheSize);
        this.registry = registry;
    }

    /**
     * The lookup {@code [join_server]} configures.
     *
     * @throws IllegalArgumentException when {@code dns_resolver} names a host that does not resolve
     */
    public static DnsJoinServerLookup of(Vertx vertx, JoinServerSettings settings, MeterRegistry registry) {
        String hostPort = settings.dnsResolver();
        return new DnsJoinServerLookup(vertx, resolver(hostPort), hostPort.isEmpty() ? "(the system's resolvers)"
                : hostPort, !hostPort.isEmpty(), settings.resolveDomainSuffix(), settings.dnsNegativeCache(), settings.allowHttp(),
                settings.dnsCacheSize(), registry);
    }

    /** The configured DNS server ({@code host:port}), or the system's resolvers when empty. */
    static Resolver resolver(String hostPort) {
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

    /** The DNS server asked, for messages. */
    public String resolverName() {
        return resolverName;
    }

    /** Whether a DNS server is configured ({@code dns_resolver}), rather than the system's resolvers. */
    public boolean ownResolver() {
        return ownResolver;
    }

    /**
     * The address of a host, as the configured DNS server gives it (A, else AAAA): for the host name of a static
     * entry, which must reach the same split or private zone as the servers DNS finds. An address literal is itself.
     * Fails naming the DNS server when it has none.
     */
    public Future<InetAddress> addressOf(String host) {
        if (host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            try {
                return Future.succeededFuture(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return Future.failedFuture(e);
            }
        }
        Name name;
        try {
            name = Name.fromString(host.endsWith(".") ? host : host + ".");
        } catch (TextParseException e) {
            return Future.failedFuture(new JoinClientException("'" + host + "' is not a host name"));
        }
        return address(name, NO_TRACE).compose(found -> found.isPresent()
                ? Future.succeededFuture(found.get().address)
                : Future.failedFuture(new JoinClientException("no A or AAAA record for " + host + " (DNS server "
                        + resolverName + ")")));
    }

    /** How many answers are cached: found servers and "none" (each bounded by {@code dns_cache_size}). */
    int cachedAnswers() {
        return found.size() + notFound.size();
    }

    /**
     * The join server of a JoinEUI. Fails when DNS cannot be asked (timeout, SERVFAIL), naming the DNS server: that
     * outcome is not cached.
     */
    public Future<Answer> lookup(Eui64 joinEui) {
        long now = System.nanoTime();
        for (LruCache<Eui64, Cached> cache : List.of(found, notFound)) {
            Optional<Cached> cached = cache.get(joinEui);
            if (cached.isPresent() && now - cached.get().expiresAtNanos < 0) {
                return Future.succeededFuture(cached.get().answer);
            }
        }
        return find(joinEui, NO_TRACE).map(result -> {
            Answer answer = result.answer;
            if (answer.server().isPresent()) {
                notFound.remove(joinEui);
                found.put(joinEui, new Cached(answer, System.nanoTime() + result.ttlSeconds * 1_000_000_000L));
            } else {
                found.remove(joinEui);
                notFound.put(joinEui, new Cached(answer, System.nanoTime() + negativeNanos));
            }
            return answer;
        });
    }

    /**
     * The same look-up, asking DNS afresh (the cache is neither read nor written), with every record received, its
     * TTL and the DNS server asked given to {@code trace} (on the caller's context): for the join-server check.
     */
    public Future<Answer> lookupTraced(Eui64 joinEui, Consumer<String> trace) {
        return find(joinEui, trace).map(Found::answer);
    }

    private Future<Found> find(Eui64 joinEui, Consumer<String> trace) {
        Name name;
        try {
            name = Name.fromString(name(joinEui) + ".");
        } catch (TextParseException e) {
            return Future.failedFuture(e);
        }
        return naptr(name, trace);
    }

    private Future<Found> naptr(Name name, Consumer<String> trace) {
        return query(name, Type.NAPTR, trace).compose(message -> {
            List<NAPTRRecord> records = new ArrayList<>();
            int httpRefused = 0;
            for (Record record : message.getSection(Section.ANSWER)) {
                if (record instanceof NAPTRRecord naptr && scheme(naptr).isPresent()) {
                    if (scheme(naptr).get().equals("http") && !allowHttp) {
                        httpRefused++;
                    } else {
                        records.add(naptr);
                    }
                }
            }
            if (httpRefused > 0) {
                refused("http_not_allowed");
                LOG.warn("{}: {} NAPTR record(s) with service LWN (plain HTTP) not used: join_server.allow_http is "
                        + "false", name, httpRefused);
            }
            if (records.isEmpty()) {
                if (httpRefused > 0) {
                    return Future.succeededFuture(Found.none("only LWN (plain HTTP) records, and "
                            + "join_server.allow_http is false"));
                }
                return located(name, "https", 443, Long.MAX_VALUE, name, trace);
            }
            records.sort(Comparator.comparingInt(NAPTRRecord::getOrder).thenComparingInt(NAPTRRecord::getPreference));
            return firstUsable(name, records, 0, "", trace);
        });
    }

    private Future<Found> firstUsable(Name name, List<NAPTRRecord> records, int index, String whyNot,
                                      Consumer<String> trace) {
        if (index >= records.size()) {
            return Future.succeededFuture(Found.none(whyNot));
        }
        NAPTRRecord record = records.get(index);
        String scheme = scheme(record).orElseThrow();
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String flags = record.getFlags().toUpperCase(Locale.ROOT);
        Future<Found> found;
        if (flags.contains("S")) {
            found = srv(record.getReplacement(), scheme, record.getTTL(), trace);
        } else if (flags.contains("A")) {
            found = located(record.getReplacement(), scheme, defaultPort, record.getTTL(), record.getReplacement(),
                    trace);
        } else if (flags.contains("U")) {
            found = uri(record, name, trace);
        } else {
            found = Future.succeededFuture(Found.none("NAPTR flags '" + record.getFlags() + "' are not S, A or U"));
        }
        return found.compose(result -> result.answer.server().isPresent() ? Future.succeededFuture(result)
                : firstUsable(name, records, index + 1, result.answer.why(), trace));
    }

    private Future<Found> srv(Name target, String scheme, long ttl, Consumer<String> trace) {
        return query(target, Type.SRV, trace).compose(message -> {
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
                return Future.succeededFuture(Found.none("no SRV record at " + target + " (DNS server "
                        + resolverName + ")"));
            }
            SRVRecord best = records.get(0);
            return located(best.getTarget(), scheme, best.getPort(), Math.min(ttl, best.getTTL()), best.getTarget(),
                    trace);
        });
    }

    /** {@code scheme://host:port/} at the address {@code lookup} has (A, else AAAA). */
    private Future<Found> located(Name lookup, String scheme, int port, long ttl, Name host, Consumer<String> trace) {
        URI uri = URI.create(scheme + "://" + host.toString(true) + ":" + port + "/");
        return address(lookup, trace).map(address -> address
                .map(a -> new Found(new Answer(Optional.of(new Server(uri, a.address)), ""), Math.min(ttl, a.ttl)))
                .orElseGet(() -> Found.none("no A or AAAA record for " + lookup + " (DNS server " + resolverName
                        + ")")));
    }

    private record Addressed(InetAddress address, long ttl) {
    }

    private Future<Optional<Addressed>> address(Name host, Consumer<String> trace) {
        return query(host, Type.A, trace).compose(a -> {
            Optional<Addressed> v4 = firstAddress(a);
            return v4.isPresent() ? Future.succeededFuture(v4)
                    : query(host, Type.AAAA, trace).map(this::firstAddress);
        });
    }

    private Optional<Addressed> firstAddress(Message message) {
        for (Record record : message.getSection(Section.ANSWER)) {
            if (record instanceof ARecord a) {
                return Optional.of(new Addressed(a.getAddress(), a.getTTL()));
            }
            if (record instanceof AAAARecord aaaa) {
                return Optional.of(new Addressed(aaaa.getAddress(), aaaa.getTTL()));
            }
        }
        return Optional.empty();
    }

    /** Flag U: the regexp applied to the name, off the event loop; then the host's address. */
    private Future<Found> uri(NAPTRRecord record, Name name, Consumer<String> trace) {
        String expression = record.getRegexp() == null ? "" : record.getRegexp();
        String subject = name.toString(true);
        return vertx.executeBlocking(() -> {
            try {
                return NaptrRegexp.apply(expression, subject, REGEXP_TIME);
            } catch (NaptrRegexp.Refused e) {
                refused(e.reason());
                LOG.warn("{}: NAPTR regexp not used: {}", name, e.getMessage());
                throw e;
            }
        }, false).transform(done -> {
            if (done.failed()) {
                return Future.succeededFuture(Found.none("NAPTR regexp not used: " + done.cause().getMessage()));
            }
            Optional<String> text = done.result();
            if (text.isEmpty()) {
                return Future.succeededFuture(Found.none("the NAPTR regexp does not match " + subject));
            }
            URI uri;
            try {
                uri = new URI(text.get());
            } catch (URISyntaxException e) {
                return Future.succeededFuture(Found.none("the NAPTR regexp makes no URL: " + e.getMessage()));
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp) || uri.getHost() == null) {
                refused(scheme.equals("http") ? "http_not_allowed" : "bad_uri");
                return Future.succeededFuture(Found.none("the NAPTR regexp makes " + uri + ", not an https URL"
                        + (scheme.equals("http") ? " (join_server.allow_http is false)" : "")));
            }
            return uriAddress(uri, record.getTTL(), trace);
        });
    }

    private Future<Found> uriAddress(URI uri, long ttl, Consumer<String> trace) {
        try {
            InetAddress literal = Address.getByAddress(uri.getHost().replaceAll("^\\[|]$", ""));
            return Future.succeededFuture(new Found(new Answer(Optional.of(new Server(uri, literal)), ""), ttl));
        } catch (UnknownHostException notALiteral) {
            Name host;
            try {
                host = Name.fromString(uri.getHost() + ".");
            } catch (TextParseException e) {
                return Future.succeededFuture(Found.none("the NAPTR regexp makes host '" + uri.getHost()
                        + "', not a DNS name"));
            }
            return address(host, trace).map(address -> address
                    .map(a -> new Found(new Answer(Optional.of(new Server(uri, a.address)), ""), Math.min(ttl, a.ttl)))
                    .orElseGet(() -> Found.none("no A or AAAA record for " + host + " (DNS server " + resolverName
                            + ")")));
        }
    }

    private Future<Message> query(Name name, int type, Consumer<String> trace) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return Future.fromCompletionStage(resolver.sendAsync(query), vertx.getOrCreateContext()).transform(done -> {
            if (done.failed()) {
                return Future.failedFuture(new JoinClientException("DNS server " + resolverName + " gave no answer for "
                        + name + " " + Type.string(type) + ": " + done.cause().getMessage()));
            }
            int rcode = done.result().getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return Future.failedFuture(new JoinClientException("DNS server " + resolverName + " answered "
                        + Rcode.string(rcode) + " for " + name + " " + Type.string(type)));
            }
            traceAnswer(name, type, done.result(), trace);
            return Future.succeededFuture(done.result());
        });
    }

    private void traceAnswer(Name name, int type, Message message, Consumer<String> trace) {
        if (trace == NO_TRACE) {
            return;
        }
        List<Record> answers = message.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).toList();
        if (answers.isEmpty()) {
            trace.accept(Type.string(type) + " " + name + ": none (" + Rcode.string(message.getRcode())
                    + " from DNS server " + resolverName + ")");
        }
        for (Record record : answers) {
            trace.accept(describe(record) + ", TTL " + record.getTTL() + " s (DNS server " + resolverName + ")");
        }
    }

    private static String describe(Record record) {
        if (record instanceof NAPTRRecord naptr) {
            return "NAPTR " + naptr.getName() + ": order " + naptr.getOrder() + ", preference " + naptr.getPreference()
                    + ", flags \"" + naptr.getFlags() + "\", service \"" + naptr.getService() + "\", regexp \""
                    + naptr.getRegexp() + "\", replacement " + naptr.getReplacement();
        }
        if (record instanceof SRVRecord srv) {
            return "SRV " + srv.getName() + ": priority " + srv.getPriority() + ", weight " + srv.getWeight()
                    + ", port " + srv.getPort() + ", target " + srv.getTarget();
        }
        if (record instanceof ARecord a) {
            return "A " + a.getName() + ": " + a.getAddress().getHostAddress();
        }
        if (record instanceof AAAARecord aaaa) {
            return "AAAA " + aaaa.getName() + ": " + aaaa.getAddress().getHostAddress();
        }
        return record.toString();
    }

    /** LWNS is the Backend Interfaces over HTTPS, LWN over HTTP (Backend Interfaces 1.0 section 19.1). */
    private static Optional<String> scheme(NAPTRRecord record) {
        String service = record.getService().toUpperCase(Locale.ROOT);
        if (service.equals("LWNS")) {
            return Optional.of("https");
        }
        return service.equals("LWN") ? Optional.of("http") : Optional.empty();
    }

    private void refused(String reason) {
        Counter.builder("lorawan.join.dns.refused").description("DNS records of join servers not used, by reason")
                .tag("reason", reason).register(registry).increment();
    }
}
