package net.lorawanns.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.gateway.BackhaulLatency;
import net.lorawanns.core.gateway.DownlinkFrame;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.GatewayStatusRecorder;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.types.Eui64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Semtech UDP packet-forwarder server (protocol versions 1 and 2). Everything runs on one event loop, the
 * bridge's own ({@link GatewaySocket}):
 * PUSH_DATA and PULL_DATA are acknowledged before anything else is done with them, rxpk become
 * {@link UplinkFrame}s, downlinks go out as PULL_RESP to the address of the gateway's latest PULL_DATA and
 * are settled by the matching TX_ACK or a timeout. Bad datagrams are counted by reason and logged at debug.
 */
public final class UdpBridge implements GatewayBackend {
    private static final Logger LOG = LoggerFactory.getLogger(UdpBridge.class);

    private final Vertx vertx;
    private final UdpGatewaySettings settings;
    private final HostPort bind;
    private final GatewayRegistry registry;
    private final BridgeMetrics metrics;
    private final PushDataDecoder decoder;
    private final GatewayStatusRecorder status;
    private final Map<PendingKey, Pending> pending = new HashMap<>();
    private Context context;
    private GatewaySocket socket;
    private volatile boolean listening;
    /** Cleared on the bridge's event loop when a graceful shutdown begins; read there only. */
    private boolean acceptingUplinks = true;
    private GatewayListener listener;
    private long sweepTimer = -1;

    /** A bridge on a context of its own, made when it starts. */
    public UdpBridge(Vertx vertx, UdpGatewaySettings settings, Set<Eui64> registeredGateways, MeterRegistry meters) {
        this(vertx, null, settings, registeredGateways, meters);
    }

    /**
     * @param context the event loop the bridge reads, answers and sends on; null for one made when it starts (on the
     *                event loop of the thread that starts it)
     */
    public UdpBridge(Vertx vertx, Context context, UdpGatewaySettings settings, Set<Eui64> registeredGateways,
                     MeterRegistry meters) {
        this(vertx, context, settings, registeredGateways, GatewayStatusRecorder.NONE, meters);
    }

    /**
     * @param context the event loop the bridge reads, answers and sends on; null for one made when it starts
     * @param status where each PULL_DATA and status report of a registered gateway is told, for every instance to
     *               see (at most one call per such datagram, never per rxpk; it does not make the bridge wait). Those
     *               of unregistered gateways are not: anyone reaching the port could claim any number of EUIs, and
     *               the API lists registered gateways only.
     */
    public UdpBridge(Vertx vertx, Context context, UdpGatewaySettings settings, Set<Eui64> registeredGateways,
                     GatewayStatusRecorder status, MeterRegistry meters) {
        this.vertx = vertx;
        this.status = status;
        this.context = context;
        this.settings = settings;
        this.bind = HostPort.parse(settings.bind());
        this.registry = new GatewayRegistry(settings, registeredGateways, System.nanoTime());
        this.metrics = new BridgeMetrics(meters, registry.onlineCount(), registry.knownCount());
        this.decoder = new PushDataDecoder(settings.forwardCrcBad(), settings.forwardCrcMissing());
    }

    @Override
    public Future<Void> start(GatewayListener gatewayListener) {
        this.listener = gatewayListener;
        if (context == null) {
            context = vertx.getOrCreateContext();
        }
        Promise<Void> started = Promise.promise();
        context.runOnContext(v -> {
            GatewaySocket.bind((ContextInternal) context, bind.host(), bind.port(), this::receive).onComplete(ar -> {
                if (ar.failed()) {
                    started.fail(new IllegalStateException("cannot listen for gateways on " + settings.bind()
                            + " (gateway.udp.bind): " + ar.cause().getMessage(), ar.cause()));
                    return;
                }
                socket = ar.result();
                long sweepMillis = Math.max(50, Math.min(settings.offlineTimeout().toMillis() / 2, 10_000));
                sweepTimer = vertx.setPeriodic(sweepMillis, id -> sweep());
                listening = true;
                started.complete();
            });
        });
        return started.future();
    }

    /**
     * The first step of a graceful shutdown: PUSH_DATA is no longer acknowledged nor its frames passed on, while
     * PULL_DATA, downlinks and TX_ACKs go on for the frames already taken.
     */
    public Future<Void> stopAcceptingUplinks() {
        if (context == null) {
            return Future.succeededFuture();
        }
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            acceptingUplinks = false;
            stopped.complete();
        });
        return stopped.future();
    }

    /** Whether the socket is bound and not closed. */
    public boolean listening() {
        return listening;
    }

    /** The bound UDP port (useful with port 0). */
    public int port() {
        return socket.port();
    }

    @Override
    public Future<Void> stop() {
        if (socket == null) {
            return Future.succeededFuture();
        }
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            vertx.cancelTimer(sweepTimer);
            pending.values().forEach(p -> settle(p, TxResult.of(TxStatus.NO_ACK)));
            pending.clear();
            listening = false;
            socket.close().onComplete(stopped);
        });
        return stopped.future();
    }

    /**
     * Replaces the set of registered gateways (those of the configuration plus those registered through the API).
     * Under {@code unknown_gateways = "reject"} a gateway left out is cut off as soon as the returned future
     * completes. Any thread; the change runs on the bridge's event loop.
     */
    public Future<Void> setRegisteredGateways(Set<Eui64> registered) {
        Set<Eui64> copy = Set.copyOf(registered);
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            for (Eui64 cutOff : registry.setRegistered(copy, System.nanoTime())) {
                LOG.info("Gateway {} is no longer registered: its datagrams are refused from now on", cutOff);
            }
            done.complete();
        });
        return done.future();
    }

    /** Whether the gateway has sent PULL_DATA within the offline timeout. */
    public Future<Boolean> isOnline(Eui64 gateway) {
        Promise<Boolean> answer = Promise.promise();
        context.runOnContext(v -> answer.complete(registry.get(gateway).map(s -> s.online).orElse(false)));
        return answer.future();
    }

    /** The gateway's latest status report, if any. */
    public Future<GatewayStats> lastStats(Eui64 gateway) {
        Promise<GatewayStats> answer = Promise.promise();
        context.runOnContext(v -> answer.complete(registry.get(gateway).map(s -> s.stats).orElse(null)));
        return answer.future();
    }

    /** One datagram, in {@code datagram[0, length)} until this returns (see {@link GatewaySocket.Receiver}). */
    private void receive(byte[] datagram, int length, InetSocketAddress sender, boolean truncated) {
        metrics.received();
        try {
            if (truncated) {
                throw new MalformedDatagramException(DropReason.TOO_LONG,
                        "longer than " + GatewaySocket.MAX_DATAGRAM + " bytes");
            }
            Header header = Header.parse(datagram, length);
            metrics.datagram(header.identifier());
            long nowNanos = System.nanoTime();
            Instant now = Instant.now();
            GatewayState state = registry.admit(header.gatewayEui(), sender, header.version(), nowNanos);
            switch (header.identifier()) {
                case PUSH_DATA -> pushData(header, datagram, length, sender, now, nowNanos, state);
                case PULL_DATA -> {
                    takeControlRate(state, nowNanos);
                    pullData(header, sender, now, nowNanos, state);
                }
                case TX_ACK -> {
                    takeControlRate(state, nowNanos);
                    txAck(header, datagram, length);
                }
                default -> throw new IllegalStateException("Header.parse admits only gateway identifiers");
            }
        } catch (MalformedDatagramException e) {
            metrics.dropped(e.reason());
            if (LOG.isDebugEnabled()) {
                LOG.debug("Dropped datagram of {} bytes from {}: {} ({})", length, sender, e.reason().tag(),
                        e.getMessage());
            }
        }
    }

    private void takeRate(GatewayState state, long nowNanos) throws MalformedDatagramException {
        if (!registry.withinRate(state, nowNanos)) {
            throw rateLimited(state);
        }
    }

    private void takeControlRate(GatewayState state, long nowNanos) throws MalformedDatagramException {
        if (!registry.withinControlRate(state, nowNanos)) {
            throw rateLimited(state);
        }
    }

    private MalformedDatagramException rateLimited(GatewayState state) {
        return new MalformedDatagramException(DropReason.RATE_LIMITED,
                "gateway " + state.eui + " is over " + registry.rateLimitText());
    }

    /**
     * The rate limit counts frames: one PUSH_DATA may carry many rxpk, and each takes its share (one without rxpk,
     * a status report, takes one). A gateway already over its limit gets no PUSH_ACK and its datagram is not
     * decoded; a datagram that goes over it midway loses the rxpk past the limit.
     */
    private void pushData(Header header, byte[] datagram, int length, InetSocketAddress sender, Instant now,
                          long nowNanos, GatewayState state) throws MalformedDatagramException {
        if (!registry.hasRate(state, nowNanos)) {
            throw rateLimited(state);
        }
        if (!acceptingUplinks) {
            // Not acknowledged, so that the forwarder's statistics show it; it does not send the datagram again.
            throw new MalformedDatagramException(DropReason.SHUTTING_DOWN, "the server is shutting down");
        }
        // The forwarder waits about 100 ms for PUSH_ACK: answer before decoding.
        socket.reply(Header.ack(header.version(), header.token(), Identifier.PUSH_ACK), sender);
        PushData push = decoder.decode(header.gatewayEui(), datagram, Header.GATEWAY_HEADER_SIZE,
                length - Header.GATEWAY_HEADER_SIZE, now);
        // Indexed loops: an iterator per datagram is garbage the lists' sizes do not need.
        for (int i = 0; i < push.rejected().size(); i++) {
            PushData.RejectedRxpk rejected = push.rejected().get(i);
            metrics.dropped(rejected.reason());
            if (LOG.isDebugEnabled()) {
                LOG.debug("Dropped rxpk from gateway {}: {} ({})", header.gatewayEui(), rejected.reason().tag(),
                        rejected.detail());
            }
        }
        if (push.frameCount() == 0) {
            takeRate(state, nowNanos);
        }
        for (int i = 0; i < push.frameCount(); i++) {
            UplinkFrame frame = push.frame(i);
            if (!registry.withinRate(state, nowNanos)) {
                metrics.dropped(DropReason.RATE_LIMITED);
                continue;
            }
            metrics.forwarded();
            listener.uplink(frame);
        }
        if (push.stats() != null) {
            state.stats = push.stats();
            metrics.stats(push.stats());
            listener.stats(push.stats());
            if (registry.isRegistered(state)) {
                status.reported(push.stats(), now);
            }
        }
    }

    private void pullData(Header header, InetSocketAddress sender, Instant now, long nowNanos, GatewayState state) {
        socket.reply(Header.ack(header.version(), header.token(), Identifier.PULL_ACK), sender);
        if (registry.isRegistered(state)) {
            status.pulled(state.eui, now);
        }
        if (registry.pulled(state, sender, nowNanos)) {
            LOG.info("Gateway {} online at {} (protocol version {})", state.eui, sender, header.version());
        }
    }

    private void txAck(Header header, byte[] datagram, int length) throws MalformedDatagramException {
        Pending waiting = pending.remove(new PendingKey(header.gatewayEui(), header.token()));
        if (waiting == null) {
            throw new MalformedDatagramException(DropReason.UNMATCHED_TX_ACK,
                    "no downlink with token " + header.token() + " is waiting for gateway " + header.gatewayEui());
        }
        vertx.cancelTimer(waiting.timer);
        if (waiting.sentNanos != 0) {
            Duration roundTrip = Duration.ofNanos(System.nanoTime() - waiting.sentNanos);
            registry.links().measured(header.gatewayEui(), roundTrip);
            metrics.roundTrip(roundTrip);
        }
        TxResult result;
        try {
            result = TxAckDecoder.decode(datagram, Header.GATEWAY_HEADER_SIZE, length - Header.GATEWAY_HEADER_SIZE);
        } catch (MalformedDatagramException e) {
            settle(waiting, new TxResult(TxStatus.NO_ACK, "unreadable TX_ACK: " + e.getMessage()));
            throw e;
        }
        settle(waiting, result);
    }

    @Override
    public boolean reachable(Eui64 gateway) {
        return registry.links().reachable(gateway);
    }

    @Override
    public BackhaulLatency latency(Eui64 gateway) {
        return registry.links().latency(gateway);
    }

    /**
     * Sends on the bridge's event loop; the result is given on the caller's context (the pipeline's), so that what
     * the caller does next runs there, not on the bridge's loop that settles the TX_ACK.
     */
    @Override
    public Future<TxResult> send(DownlinkFrame frame) {
        ContextInternal caller = (ContextInternal) Vertx.currentContext();
        Promise<TxResult> result = caller != null ? caller.promise() : Promise.promise();
        context.runOnContext(v -> transmit(frame, result));
        return result.future();
    }

    private void transmit(DownlinkFrame frame, Promise<TxResult> result) {
        GatewayState state = registry.get(frame.gatewayEui()).orElse(null);
        if (state == null || !state.online || state.pullAddress == null) {
            metrics.downlink(TxStatus.GATEWAY_UNAVAILABLE);
            result.complete(new TxResult(TxStatus.GATEWAY_UNAVAILABLE,
                    "gateway " + frame.gatewayEui() + " has no recent PULL_DATA"));
            return;
        }
        // Version 1 has no TX_ACK and sends PULL_RESP with a zero token (PROTOCOL.TXT v1.3 added TX_ACK).
        boolean acknowledged = state.protocolVersion >= 2;
        int token = acknowledged ? freshToken(state.eui) : 0;
        byte[] datagram = TxpkEncoder.pullResp(state.protocolVersion, token, frame);
        InetSocketAddress to = state.pullAddress;
        Pending waiting = null;
        if (acknowledged) {
            PendingKey key = new PendingKey(state.eui, token);
            long timeout = Math.max(1, settings.txAckTimeout().toMillis());
            waiting = new Pending(result, vertx.setTimer(timeout, id -> {
                Pending expired = pending.remove(key);
                if (expired != null) {
                    // The round trip took at least this long: a link slower than tx_ack_timeout is still learnt.
                    registry.links().measured(state.eui, Duration.ofMillis(timeout));
                    settle(expired, new TxResult(TxStatus.NO_ACK, "no TX_ACK within " + Duration.ofMillis(timeout)));
                }
            }));
            pending.put(key, waiting);
        }
        Pending registered = waiting;
        if (registered != null) {
            registered.sentNanos = System.nanoTime();
        }
        socket.send(datagram, to).onComplete(sent -> {
            if (sent.failed()) {
                if (registered != null) {
                    pending.values().remove(registered);
                    vertx.cancelTimer(registered.timer);
                }
                metrics.downlink(TxStatus.GATEWAY_UNAVAILABLE);
                result.tryComplete(new TxResult(TxStatus.GATEWAY_UNAVAILABLE, "send failed: " + sent.cause().getMessage()));
            } else if (!acknowledged) {
                metrics.downlink(TxStatus.UNCONFIRMED);
                result.tryComplete(TxResult.of(TxStatus.UNCONFIRMED));
            }
        });
    }

    private int freshToken(Eui64 gateway) {
        int token;
        do {
            token = ThreadLocalRandom.current().nextInt(1, 0x10000);
        } while (pending.containsKey(new PendingKey(gateway, token)));
        return token;
    }

    private void settle(Pending waiting, TxResult result) {
        if (waiting.result.tryComplete(result)) {
            metrics.downlink(result.status());
        }
    }

    private void sweep() {
        for (GatewayState state : registry.sweep(System.nanoTime())) {
            LOG.info("Gateway {} offline: no PULL_DATA for {}", state.eui, settings.offlineTimeout());
        }
    }

    private record PendingKey(Eui64 gateway, int token) {
    }

    /** A downlink waiting for its TX_ACK; {@code sentNanos} is set once its PULL_RESP left (0 before). */
    private static final class Pending {
        final Promise<TxResult> result;
        final long timer;
        long sentNanos;

        Pending(Promise<TxResult> result, long timer) {
            this.result = result;
            this.timer = timer;
        }
    }
}
