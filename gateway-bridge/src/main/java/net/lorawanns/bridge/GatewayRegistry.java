package net.lorawanns.bridge;

import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.types.Eui64;

/**
 * The gateways this bridge talks to, and the admission policy for their datagrams: unknown-gateway policy,
 * optional pinning to the first source address, and a per-gateway rate limit. Used on the bridge's event
 * loop only.
 */
final class GatewayRegistry {
    /** Unregistered gateways kept at most; beyond it new ones are refused, so that random EUIs cannot fill memory. */
    static final int MAX_UNREGISTERED = 100_000;
    /** Unregistered gateways silent for this many offline timeouts are forgotten. */
    private static final int FORGET_AFTER_OFFLINE_TIMEOUTS = 10;

    private final Map<Eui64, GatewayState> gateways = new HashMap<>();
    private final boolean acceptUnknown;
    private final boolean pin;
    private final int rateLimit;
    private final long offlineTimeoutNanos;
    private int unregistered;
    /** Read by metrics from other threads; written here only. */
    private final AtomicInteger onlineCount = new AtomicInteger();
    private final AtomicInteger knownCount = new AtomicInteger();

    GatewayRegistry(UdpGatewaySettings settings, Set<Eui64> registered, long nowNanos) {
        this.acceptUnknown = settings.unknownGatewayPolicy() == UdpGatewaySettings.UnknownGatewayPolicy.ACCEPT;
        this.pin = settings.pinSourceAddress();
        this.rateLimit = settings.rateLimit();
        this.offlineTimeoutNanos = settings.offlineTimeout().toNanos();
        for (Eui64 eui : registered) {
            gateways.put(eui, new GatewayState(eui, true, rateLimit, nowNanos));
        }
        knownCount.set(gateways.size());
    }

    /** The state of the datagram's gateway if its datagram may be processed, else the reason to drop it. */
    GatewayState admit(Eui64 eui, SocketAddress sender, int version, long nowNanos)
            throws MalformedDatagramException {
        GatewayState state = gateways.get(eui);
        if (state == null) {
            if (!acceptUnknown) {
                throw new MalformedDatagramException(DropReason.UNKNOWN_GATEWAY, "gateway " + eui + " is not registered");
            }
            if (unregistered >= MAX_UNREGISTERED) {
                throw new MalformedDatagramException(DropReason.TOO_MANY_GATEWAYS,
                        "already " + unregistered + " unregistered gateways");
            }
            state = new GatewayState(eui, false, rateLimit, nowNanos);
            gateways.put(eui, state);
            unregistered++;
            knownCount.incrementAndGet();
        }
        if (pin) {
            if (state.pinnedHost == null) {
                state.pinnedHost = sender.host();
            } else if (!state.pinnedHost.equals(sender.host())) {
                throw new MalformedDatagramException(DropReason.ADDRESS_MISMATCH,
                        "gateway " + eui + " is pinned to " + state.pinnedHost + ", datagram came from " + sender.host());
            }
        }
        if (state.bucket != null && !state.bucket.tryAcquire(nowNanos)) {
            throw new MalformedDatagramException(DropReason.RATE_LIMITED, "gateway " + eui + " is over " + rateLimit + "/s");
        }
        state.lastSeenNanos = nowNanos;
        state.protocolVersion = version;
        return state;
    }

    /** A PULL_DATA opened the downlink path: remember where to send, and whether the gateway just came online. */
    boolean pulled(GatewayState state, SocketAddress from, long nowNanos) {
        state.pullAddress = from;
        state.lastPullNanos = nowNanos;
        if (!state.online) {
            state.online = true;
            onlineCount.incrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Makes exactly {@code registered} the registered gateways (from the configuration and the API). A gateway
     * that is no longer registered keeps its state as an unregistered one, subject to the unknown-gateway policy.
     */
    void setRegistered(Set<Eui64> registered, long nowNanos) {
        for (GatewayState state : gateways.values()) {
            boolean now = registered.contains(state.eui);
            if (state.registered != now) {
                state.registered = now;
                unregistered += now ? -1 : 1;
            }
        }
        for (Eui64 eui : registered) {
            if (!gateways.containsKey(eui)) {
                gateways.put(eui, new GatewayState(eui, true, rateLimit, nowNanos));
                knownCount.incrementAndGet();
            }
        }
    }

    Optional<GatewayState> get(Eui64 eui) {
        return Optional.ofNullable(gateways.get(eui));
    }

    /** Marks gateways without a recent PULL_DATA offline and forgets long-silent unregistered ones. */
    List<GatewayState> sweep(long nowNanos) {
        List<GatewayState> wentOffline = new ArrayList<>();
        for (Iterator<GatewayState> it = gateways.values().iterator(); it.hasNext(); ) {
            GatewayState state = it.next();
            if (state.online && nowNanos - state.lastPullNanos > offlineTimeoutNanos) {
                state.online = false;
                onlineCount.decrementAndGet();
                wentOffline.add(state);
            }
            if (!state.registered && !state.online
                    && nowNanos - state.lastSeenNanos > offlineTimeoutNanos * FORGET_AFTER_OFFLINE_TIMEOUTS) {
                it.remove();
                unregistered--;
                knownCount.decrementAndGet();
            }
        }
        return wentOffline;
    }

    AtomicInteger onlineCount() {
        return onlineCount;
    }

    AtomicInteger knownCount() {
        return knownCount;
    }
}
