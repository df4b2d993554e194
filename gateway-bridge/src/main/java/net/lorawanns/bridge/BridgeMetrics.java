package net.lorawanns.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.TxStatus;

/** The bridge's metrics; every counter is made once, so counting allocates nothing. */
final class BridgeMetrics {
    /** Wired backhaul answers within tens of ms, cellular within hundreds; beyond 1 s RX1 is out of reach. */
    private static final Duration[] ROUND_TRIP_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2)};
    private final Map<Identifier, Counter> datagrams = new EnumMap<>(Identifier.class);
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Map<TxStatus, Counter> downlinks = new EnumMap<>(TxStatus.class);
    private final Counter received;
    private final Counter rxpkForwarded;
    private final Counter statReports;
    private final Counter statRxReceived;
    private final Counter statRxOk;
    private final Counter statTxEmitted;
    private final Timer roundTrips;

    BridgeMetrics(MeterRegistry registry, AtomicInteger onlineGateways, AtomicInteger knownGateways) {
        for (Identifier id : Identifier.values()) {
            datagrams.put(id, Counter.builder("lorawan.gateway.udp.datagrams")
                    .description("Datagrams received from gateways, by identifier")
                    .tag("identifier", id.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("lorawan.gateway.udp.dropped")
                    .description("Datagrams or rxpk not used, by reason")
                    .tag("reason", reason.tag()).register(registry));
        }
        for (TxStatus status : TxStatus.values()) {
            downlinks.put(status, Counter.builder("lorawan.gateway.udp.downlinks")
                    .description("Downlinks by outcome (TX_ACK)")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        received = Counter.builder("lorawan.gateway.udp.received")
                .description("Datagrams read from the socket, before any check").register(registry);
        rxpkForwarded = Counter.builder("lorawan.gateway.udp.rxpk.forwarded")
                .description("Received frames passed to the network server").register(registry);
        statReports = Counter.builder("lorawan.gateway.udp.stat.reports").register(registry);
        statRxReceived = Counter.builder("lorawan.gateway.udp.stat.rx.received")
                .description("Sum of rxnb from gateway status reports").register(registry);
        statRxOk = Counter.builder("lorawan.gateway.udp.stat.rx.ok")
                .description("Sum of rxok from gateway status reports").register(registry);
        statTxEmitted = Counter.builder("lorawan.gateway.udp.stat.tx.emitted")
                .description("Sum of txnb from gateway status reports").register(registry);
        roundTrips = Timer.builder("lorawan.gateway.udp.tx_ack.round_trip")
                .description("Downlink round trips, PULL_RESP sent to its TX_ACK received, of all gateways")
                .serviceLevelObjectives(ROUND_TRIP_BUCKETS).register(registry);
        Gauge.builder("lorawan.gateway.udp.gateways.online", onlineGateways, AtomicInteger::get)
                .description("Gateways with a recent PULL_DATA").strongReference(true).register(registry);
        Gauge.builder("lorawan.gateway.udp.gateways.known", knownGateways, AtomicInteger::get)
                .description("Gateways the bridge keeps state for").strongReference(true).register(registry);
    }

    void received() {
        received.increment();
    }

    void datagram(Identifier identifier) {
        datagrams.get(identifier).increment();
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    void forwarded() {
        rxpkForwarded.increment();
    }

    void roundTrip(Duration roundTrip) {
        roundTrips.record(roundTrip);
    }

    void downlink(TxStatus status) {
        downlinks.get(status).increment();
    }

    void stats(GatewayStats stats) {
        statReports.increment();
        if (stats.rxReceived() != null) {
            statRxReceived.increment(stats.rxReceived());
        }
        if (stats.rxOk() != null) {
            statRxOk.increment(stats.rxOk());
        }
        if (stats.txEmitted() != null) {
            statTxEmitted.increment(stats.txEmitted());
        }
    }
}
