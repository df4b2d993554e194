package net.lorawanns.core.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import net.lorawanns.core.device.FCntDecision;

/** The pipeline's counters and its processing-latency timer, as Prometheus sees them. */
public final class PipelineMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> frames = new ConcurrentHashMap<>();
    /** {@link #frames}' counters of the counter step's decisions, by ordinal: no name made per frame. */
    private final AtomicReferenceArray<Counter> decisions = new AtomicReferenceArray<>(FCntDecision.values().length);
    private final Map<String, Counter> joins = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejoins = new ConcurrentHashMap<>();
    private final Map<String, Counter> shed = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Timer dataLatency;
    private final Timer joinLatency;
    private final Counter cacheHits;
    private final Counter cacheMisses;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.dataLatency = latency("data");
        this.joinLatency = latency("join");
        String help = "Data uplinks whose MIC verified with a session of this instance's cache (hit), or that were"
                + " looked up in Redis (miss)";
        this.cacheHits = Counter.builder("lorawan.session.cache.lookups").description(help).tag("result", "hit")
                .register(registry);
        this.cacheMisses = Counter.builder("lorawan.session.cache.lookups").description(help).tag("result", "miss")
                .register(registry);
    }

    private Timer latency(String kind) {
        return Timer.builder("lorawan.uplink.processing")
                .description("From the close of the deduplication window to the decision on the frame (counter "
                        + "accepted or rejected, join answered)")
                .tag("kind", kind).publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }

    /** Counts a deduplicated frame by what became of it. */
    public void frame(String outcome) {
        counter(outcome).increment();
    }

    private Counter counter(String outcome) {
        return frames.computeIfAbsent(outcome, o -> Counter.builder("lorawan.uplink.frames")
                .description("Deduplicated uplink frames by outcome").tag("outcome", o).register(registry));
    }

    /** Counts a data frame by the counter step's decision, as {@link #frame} with the decision's name. */
    void frame(FCntDecision decision) {
        Counter counter = decisions.get(decision.ordinal());
        if (counter == null) {
            // Any thread: two that race register the same counter (the registry gives both the one it has).
            counter = counter(decision.name().toLowerCase(Locale.ROOT));
            decisions.set(decision.ordinal(), counter);
        }
        counter.increment();
    }

    /**
     * Counts a frame dropped before its decision: {@code queue_delay} and {@code redis_backlog} (the instance is behind:
     * each gateway copy that would start the frame counts), {@code in_flight_limit} (a copy), {@code past_deadline},
     * or {@code redis_<kind>} for a failed Redis request ({@code redis_timeout}, {@code redis_overload}, ...).
     */
    public void shed(String reason) {
        shed.computeIfAbsent(reason, r -> Counter.builder("lorawan.uplink.shed")
                .description("Uplink frames (or gateway copies) dropped before their decision, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /**
     * Counts a gateway copy refused at arrival because its frequency or data rate is no enabled channel of its
     * gateway's region ({@code channel}, {@code data_rate}).
     */
    public void copyRefused(String reason) {
        refused.computeIfAbsent(reason, r -> Counter.builder("lorawan.uplink.copies.refused")
                .description("Gateway copies refused on arrival: not on an enabled channel or data rate of the "
                        + "gateway's region").tag("reason", r).register(registry)).increment();
    }

    /** Counts a join-request by its result. */
    public void join(String result) {
        joins.computeIfAbsent(result, r -> Counter.builder("lorawan.join.requests")
                .description("Join-requests by result").tag("result", r).register(registry)).increment();
    }

    /** Counts a rejoin-request by its type (0, 1 or 2) and result. */
    public void rejoin(int type, String result) {
        rejoins.computeIfAbsent(type + "/" + result, r -> Counter.builder("lorawan.rejoin.requests")
                .description("Rejoin-requests (LoRaWAN 1.1) by type and result").tag("type", String.valueOf(type))
                .tag("result", result).register(registry)).increment();
    }

    void sessionCache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    void dataDecided(long windowEndNanos) {
        dataLatency.record(Math.max(0, System.nanoTime() - windowEndNanos), TimeUnit.NANOSECONDS);
    }

    void joinDecided(long windowEndNanos) {
        joinLatency.record(Math.max(0, System.nanoTime() - windowEndNanos), TimeUnit.NANOSECONDS);
    }
}
