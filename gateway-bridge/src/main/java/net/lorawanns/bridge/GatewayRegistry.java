package net.lorawanns.bridge;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.types.Eui64;

/**
 * The gateways this bridge talks to, and the admission policy for their datagrams: unknown-gateway policy,
 * optional pinning to the first source address, and a per-gateway rate limit counted in frames. Registered
 * gateways live in a table of their own: however many EUIs strangers claim, a registered gateway's state is never
 * forgotten or refused. Used on the bridge's event loop only.
 */
final class GatewayRegistry {
    /** Unregistered gateways silent for this many offline timeouts are forgotten. */
    private static final int FORGET_AFTER_OFFLINE_TIMEOUTS = 10;
    /** How many of the longest-silent unregistered gateways a newcomer may look through for one to replace. */
    private static final int EVICTION_SCAN = 64;

    private final Map<Eui64, GatewayState> registered = new HashMap<>();
    /** In access order, the longest silent first: where a newcomer looks for one to replace. */
    private final LinkedHashMap<Eui64, GatewayState> unregistered = new LinkedHashMap<>(16, 0.75f, true);
    private final boolean acceptUnknown;
    private final boolean pin;
    private final int rateLimit;
    private final int maxUnregistered;
    private final long offlineTimeoutNanos;
    /** Read by metrics from other threads; written here only. */
    private final AtomicInteger onlineCount = new AtomicInteger();
    private final AtomicInteger knownCount = new AtomicInteger();
    private final GatewayLinks links;

    GatewayRegistry(UdpGatewaySettings settings, Set<Eui64> registeredGateways, long nowNanos) {
        this.links = new GatewayLinks(settings.defaultRoundTrip());
        this.acceptUnknown = settings.unknownGatewayPolicy() == UdpGatewaySettings.UnknownGatewayPolicy.ACCEPT;
        this.pin = settings.pinSourceAddress();
        this.rateLimit = settings.rateLimit();
        this.maxUnregistered = settings.maxUnknownGateways();
        this.offlineTimeoutNanos = settings.offlineTimeout().toNanos();
        for (Eui64 eui : registeredGateways) {
            registered.put(eui, new GatewayState(eui, rateLimit, nowNanos));
        }
        updateKnownCount();
    }

    /**
     * The state of the datagram's gateway if its datagram may be processed, else the reason to drop it. The rate
     * limit is not taken here: see {@link #withinRate}.
     */
    GatewayState admit(Eui64 eui, InetSocketAddress sender, int version, long nowNanos)
            throws MalformedDatagramException {
        GatewayState state = registered.get(eui);
        if (state == null) {
            if (!acceptUnknown) {
                throw new MalformedDatagramException(DropReason.UNKNOWN_GATEWAY, "gateway " + eui + " is not registered");
            }
            state = unregistered.get(eui);
            if (state == null) {
                state = newcomer(eui, nowNanos);
            }
        }
        if (pin) {
            if (state.pinnedHost == null) {
                state.pinnedHost = sender.getAddress();
            } else if (!state.pinnedHost.equals(sender.getAddress())) {
                throw new MalformedDatagramException(DropReason.ADDRESS_MISMATCH, "gateway " + eui + " is pinned to "
                        + state.pinnedHost.getHostAddress() + ", datagram came from " + sender.getAddress().getHostAddress());
            }
        }
        state.lastSeenNanos = nowNanos;
        state.protocolVersion = version;
        return state;
    }

    /**
     * A state for an unregistered gateway heard for the first time. When the table is full, the longest-silent
     * unregistered gateway without a downlink path makes room; spoofed EUIs, which rarely keep one open, thus
     * replace each other rather than the gateways that PULL_DATA.
     */
    private GatewayState newcomer(Eui64 eui, long nowNanos) throws MalformedDatagramException {
        if (unregistered.size() >= maxUnregistered && !forgetOneWithoutDownlinkPath()) {
            throw new MalformedDatagramException(DropReason.TOO_MANY_GATEWAYS,
                    "already " + unregistered.size() + " unregistered gateways, the longest silent all online");
        }
        GatewayState state = new GatewayState(eui, rateLimit, nowNanos);
        unregistered.put(eui, state);
        updateKnownCount();
        return state;
    }

    private boolean forgetOneWithoutDownlinkPath() {
        Iterator<GatewayState> eldest = unregistered.values().iterator();
        for (int i = 0; i < EVICTION_SCAN && eldest.hasNext(); i++) {
            GatewayState state = eldest.next();
            if (!state.online) {
                eldest.remove();
                links.forgotten(state.eui);
                return true;
            }
        }
        return false;
    }

    /** Takes one frame (or one datagram without frames) from the gateway's rate limit; false when it is over. */
    boolean withinRate(GatewayState state, long nowNanos) {
        return state.bucket == null || state.bucket.tryAcquire(nowNanos);
    }

    /**
     * Takes one PULL_DATA or TX_ACK from the gateway's rate limit, which counts them apart from frames: a gateway
     * whose frames are over the limit keeps its keepalives and downlink acknowledgements.
     */
    boolean withinControlRate(GatewayState state, long nowNanos) {
        return state.controlBucket == null || state.controlBucket.tryAcquire(nowNanos);
    }

    /** Whether the gateway's rate limit has room for at least one more frame (takes nothing). */
    boolean hasRate(GatewayState state, long nowNanos) {
        return state.bucket == null || state.bucket.hasToken(nowNanos);
    }

    String rateLimitText() {
        return rateLimit + "/s";
    }

    /** A PULL_DATA opened the downlink path: remember where to send, and whether the gateway just came online. */
    boolean pulled(GatewayState state, InetSocketAddress from, long nowNanos) {
        state.pullAddress = from;
        state.lastPullNanos = nowNanos;
        if (!state.online) {
            state.online = true;
            onlineCount.incrementAndGet();
            links.opened(state.eui);
            return true;
        }
        return false;
    }

    /**
     * Makes exactly {@code registeredNow} the registered gateways (from the configuration and the API). Under
     * {@code accept}, a gateway that is no longer registered keeps its state as an unregistered one; under
     * {@code reject} it is cut off at once: its state, downlink path included, is forgotten.
     *
     * @return the gateways cut off
     */
    List<Eui64> setRegistered(Set<Eui64> registeredNow, long nowNanos) {
        List<Eui64> cutOff = new ArrayList<>();
        for (Iterator<GatewayState> it = registered.values().iterator(); it.hasNext(); ) {
            GatewayState state = it.next();
            if (!registeredNow.contains(state.eui)) {
                it.remove();
                if (acceptUnknown) {
                    unregistered.put(state.eui, state);
                } else {
                    forget(state);
                    cutOff.add(state.eui);
                }
            }
        }
        for (Eui64 eui : registeredNow) {
            if (!registered.containsKey(eui)) {
                GatewayState state = unregistered.remove(eui);
                registered.put(eui, state != null ? state : new GatewayState(eui, rateLimit, nowNanos));
            }
        }
        updateKnownCount();
        return cutOff;
    }

    /** Whether the gateway is registered (in the configuration or through the API), not merely admitted. */
    boolean isRegistered(GatewayState state) {
        return registered.get(state.eui) == state;
    }

    Optional<GatewayState> get(Eui64 eui) {
        GatewayState state = registered.get(eui);
        return Optional.ofNullable(state != null ? state : unregistered.get(eui));
    }

    /** Marks gateways without a recent PULL_DATA offline and forgets long-silent unregistered ones. */
    List<GatewayState> sweep(long nowNanos) {
        List<GatewayState> wentOffline = new ArrayList<>();
        for (GatewayState state : registered.values()) {
            markOfflineIfSilent(state, nowNanos, wentOffline);
        }
        for (Iterator<GatewayState> it = unregistered.values().iterator(); it.hasNext(); ) {
            GatewayState state = it.next();
            markOfflineIfSilent(state, nowNanos, wentOffline);
            if (!state.online && nowNanos - state.lastSeenNanos > offlineTimeoutNanos * FORGET_AFTER_OFFLINE_TIMEOUTS) {
                it.remove();
                links.forgotten(state.eui);
            }
        }
        updateKnownCount();
        return wentOffline;
    }

    private void markOfflineIfSilent(GatewayState state, long nowNanos, List<GatewayState> wentOffline) {
        if (state.online && nowNanos - state.lastPullNanos > offlineTimeoutNanos) {
            state.online = false;
            onlineCount.decrementAndGet();
            links.closed(state.eui);
            wentOffline.add(state);
        }
    }

    private void forget(GatewayState state) {
        if (state.online) {
            state.online = false;
            onlineCount.decrementAndGet();
        }
        state.pullAddress = null;
        links.forgotten(state.eui);
    }

    private void updateKnownCount() {
        knownCount.set(registered.size() + unregistered.size());
    }

    /** The gateways' downlink paths and backhaul latencies, readable from any thread. */
    GatewayLinks links() {
        return links;
    }

    AtomicInteger onlineCount() {
        return onlineCount;
    }

    AtomicInteger knownCount() {
        return knownCount;
    }
}
