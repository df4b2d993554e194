package net.lorawanns.bridge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.limits.TokenBucket;
import net.lorawanns.core.types.Eui64;

/** What the bridge knows of one gateway, registered or not. Changed only on the bridge's event loop. */
final class GatewayState {
    final Eui64 eui;
    /** Frames (rxpk), and datagrams of PUSH_DATA without frames. */
    final TokenBucket bucket;
    /** PULL_DATA and TX_ACK, kept apart so that a flood of frames cannot cut the downlink path off. */
    final TokenBucket controlBucket;
    InetAddress pinnedHost;
    /** Where PULL_RESP goes: the source of the latest PULL_DATA. */
    InetSocketAddress pullAddress;
    int protocolVersion;
    long lastSeenNanos;
    long lastPullNanos;
    boolean online;
    GatewayStats stats;

    GatewayState(Eui64 eui, int rateLimit, long nowNanos) {
        this.eui = eui;
        this.bucket = rateLimit > 0 ? new TokenBucket(rateLimit, nowNanos) : null;
        this.controlBucket = rateLimit > 0 ? new TokenBucket(rateLimit, nowNanos) : null;
        this.lastSeenNanos = nowNanos;
    }
}
