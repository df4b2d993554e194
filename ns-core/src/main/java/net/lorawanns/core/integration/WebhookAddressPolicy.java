package net.lorawanns.core.integration;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import net.lorawanns.config.Cidr;

/**
 * Which addresses webhooks may reach: public unicast addresses, plus the networks the operator allows in
 * {@code api.webhook_allowed_networks}. Anyone who may set an application's webhook must not be able to aim the
 * server at its own Redis, the cloud metadata endpoint (169.254.169.254) or the operator's internal network, so
 * every special-purpose range of the IANA registries (RFC 6890) is refused unless allowed. Immutable; any thread.
 */
public final class WebhookAddressPolicy {
    private record Range(Cidr network, String kind) {
        Range(String network, String kind) {
            this(Cidr.parse(network), kind);
        }
    }

    private static final List<Range> NOT_PUBLIC = List.of(
            new Range("0.0.0.0/8", "a 'this network' address"), // RFC 791; 0.0.0.0 reaches the local host
            new Range("10.0.0.0/8", "a private address (RFC 1918)"),
            new Range("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
            new Range("127.0.0.0/8", "a loopback address"),
            new Range("169.254.0.0/16", "a link-local address"),
            new Range("172.16.0.0/12", "a private address (RFC 1918)"),
            new Range("192.0.0.0/24", "an IETF protocol address (RFC 6890)"),
            new Range("192.0.2.0/24", "a documentation address (RFC 5737)"),
            new Range("192.168.0.0/16", "a private address (RFC 1918)"),
            new Range("198.18.0.0/15", "a benchmarking address (RFC 2544)"),
            new Range("198.51.100.0/24", "a documentation address (RFC 5737)"),
            new Range("203.0.113.0/24", "a documentation address (RFC 5737)"),
            new Range("224.0.0.0/4", "a multicast address"),
            new Range("240.0.0.0/4", "a reserved or broadcast address"),
            new Range("::/96", "an unspecified, loopback or IPv4-compatible address"),
            new Range("64:ff9b::/96", "a NAT64 address (RFC 6052)"), // reaches an IPv4 address of any kind
            new Range("64:ff9b:1::/48", "a NAT64 address (RFC 8215)"),
            new Range("100::/64", "a discard address (RFC 6666)"),
            new Range("2001:db8::/32", "a documentation address (RFC 3849)"),
            new Range("fc00::/7", "a unique local address (RFC 4193)"),
            new Range("fe80::/10", "a link-local address"),
            new Range("fec0::/10", "a site-local address"),
            new Range("ff00::/8", "a multicast address"));

    private final List<Cidr> allowed;

    /** @param allowedNetworks the validated {@code api.webhook_allowed_networks} */
    public WebhookAddressPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    /** Why a webhook may not reach {@code address}, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (allowed.stream().anyMatch(network -> network.contains(address))) {
            return Optional.empty();
        }
        return NOT_PUBLIC.stream().filter(range -> range.network().contains(address)).findFirst()
                .map(range -> address.getHostAddress() + " is " + range.kind()
                        + "; webhooks reach it only when api.webhook_allowed_networks allows it");
    }

    /**
     * Checks a webhook URL as it is set: a host written as an IP address must be one webhooks may reach (a host
     * name is checked at each delivery, against the addresses it then resolves to).
     *
     * @throws IllegalArgumentException naming {@code webhook_url} and the reason
     */
    public void checkUrl(URI url) {
        Cidr.literal(url.getHost()).flatMap(this::refusal).ifPresent(why -> {
            throw new IllegalArgumentException("webhook_url: " + why);
        });
    }
}
