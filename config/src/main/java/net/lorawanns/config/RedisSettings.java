package net.lorawanns.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code [redis]}.
 *
 * @param servers {@code redis://} or {@code rediss://} URLs; empty = start an embedded Redis (for trying the server)
 * @param mode standalone, cluster or sentinel
 * @param masterName the monitored master's name, for sentinel mode
 * @param keyPrefix prepended to every key, so that several deployments can share one Redis
 * @param requestTimeout how long a request may wait for Redis's answer before it fails (and its frame is dropped)
 * @param maxPendingRequests requests sent and not yet answered, at most; beyond that new requests fail at once, so
 *                           that a stalled Redis cannot make the server buffer without bound
 * @param minReplicasAcked how many replicas must have a frame's counter step (Redis WAIT) before the frame is
 *                         delivered; 0 = do not wait (standalone, or accepting that a failover may lose steps)
 * @param replicaAckTimeout how long the counter step waits for those replicas before the frame is refused
 */
public record RedisSettings(List<String> servers, String mode, String masterName, String keyPrefix,
                            Duration requestTimeout, Integer maxPendingRequests, Integer minReplicasAcked,
                            Duration replicaAckTimeout) {
    /** How the servers are used. */
    public enum Mode { STANDALONE, CLUSTER, SENTINEL }

    public static final RedisSettings DEFAULTS = new RedisSettings(null, null, null, null);
    /** Bounds min_replicas_acked, to catch a mistyped value: masters have a few replicas, not dozens. */
    private static final int MAX_REPLICAS_ACKED = 16;

    /** Settings with the defaults for everything but the servers, mode, master name and key prefix. */
    public RedisSettings(List<String> servers, String mode, String masterName, String keyPrefix) {
        this(servers, mode, masterName, keyPrefix, null, null, null, null);
    }

    public RedisSettings {
        List<String> urls = new ArrayList<>();
        List<String> given = Check.list(servers);
        for (int i = 0; i < given.size(); i++) {
            urls.add(Check.url("servers[" + i + "]", given.get(i), Set.of("redis", "rediss")).toString());
        }
        servers = List.copyOf(urls);
        Mode parsed = Check.oneOf("mode", Check.or(mode, "standalone"), Mode.class);
        mode = parsed.name().toLowerCase(java.util.Locale.ROOT);
        masterName = Check.or(masterName, "");
        keyPrefix = Check.or(keyPrefix, "");
        if (keyPrefix.contains("{") || keyPrefix.contains("}")) {
            // The server's keys carry their Redis Cluster hash tag in braces; a brace in the prefix would move it.
            throw new InvalidSettingException("key_prefix", "must not contain '{' or '}', got '" + keyPrefix + "'");
        }
        requestTimeout = Check.positive("request_timeout", Check.or(requestTimeout, Duration.ofSeconds(1)));
        maxPendingRequests = Check.range("max_pending_requests", Check.or(maxPendingRequests, 50_000), 1, 10_000_000);
        if (parsed == Mode.SENTINEL && masterName.isEmpty()) {
            throw new InvalidSettingException("master_name", "is required in sentinel mode");
        }
        if (parsed == Mode.STANDALONE && servers.size() > 1) {
            throw new InvalidSettingException("servers", "standalone mode takes one server, got " + servers.size());
        }
        minReplicasAcked = Check.range("min_replicas_acked", Check.or(minReplicasAcked, 0), 0, MAX_REPLICAS_ACKED);
        replicaAckTimeout = Check.positive("replica_ack_timeout", Check.or(replicaAckTimeout, Duration.ofMillis(500)));
        if (minReplicasAcked > 0 && replicaAckTimeout.compareTo(requestTimeout) >= 0) {
            throw new InvalidSettingException("replica_ack_timeout", "must be shorter than request_timeout ("
                    + Durations.format(requestTimeout) + "), which bounds the counter step and its WAIT together");
        }
    }

    /** True when no server is configured and the launcher starts a Redis of its own. */
    @JsonIgnore
    public boolean embedded() {
        return servers.isEmpty();
    }

    @JsonIgnore
    public Mode modeValue() {
        return Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    }

    /** The server URLs with any password masked, for logs and {@code config check}. */
    @JsonIgnore
    public List<String> maskedServers() {
        return servers.stream().map(s -> Check.masked(URI.create(s))).toList();
    }

    @Override
    public String toString() {
        return "RedisSettings[servers=" + maskedServers() + ", mode=" + mode + ", masterName=" + masterName
                + ", keyPrefix=" + keyPrefix + ", requestTimeout=" + Durations.format(requestTimeout)
                + ", maxPendingRequests=" + maxPendingRequests + ", minReplicasAcked=" + minReplicasAcked
                + ", replicaAckTimeout=" + Durations.format(replicaAckTimeout) + "]";
    }
}
