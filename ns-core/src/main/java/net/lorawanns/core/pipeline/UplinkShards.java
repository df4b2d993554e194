package net.lorawanns.core.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.types.Eui64;

/**
 * The instance's uplink pipelines, one per event loop ({@code network.pipeline_event_loops}), in front of the gateway
 * bridge. A copy goes to the pipeline of its frame: the shard is a hash of the PHYPayload and the frequency, the two
 * things deduplication keys a frame by, so every copy of one frame that reaches this instance meets the others in
 * one pipeline's deduplication set. Between the pipelines, as between instances, Redis decides: two frames of one
 * device in two pipelines are two counter steps, atomic in Redis. Application downlinks queued for a device wake the
 * pipeline its DevEUI hashes to.
 *
 * <p>Threads: {@link #uplink} and {@link #downlinkQueued} from any thread; each pipeline runs on its own context.
 */
public final class UplinkShards implements GatewayListener {
    /** Entries of devices that went quiet are dropped after this; active ones are looked up again as often. */
    private static final Duration SESSION_CACHE_AGE = Duration.ofHours(1);

    private final List<UplinkPipeline> pipelines;

    /** The session cache of the plan's size, for the pipelines to share. */
    public static SessionCache sessionCache(NetworkPlan plan) {
        return new SessionCache(plan.sessionCacheEntries(), SESSION_CACHE_AGE);
    }

    /**
     * @param pipelines at least one
     * @param cache the session cache the pipelines share (its size is reported here)
     */
    public UplinkShards(List<UplinkPipeline> pipelines, SessionCache cache, MeterRegistry registry) {
        if (pipelines.isEmpty()) {
            throw new IllegalArgumentException("at least one pipeline");
        }
        this.pipelines = List.copyOf(pipelines);
        Gauge.builder("lorawan.uplink.in.flight", this, UplinkShards::inFlight)
                .description("Gateway copies between arrival and the decision on their frame").register(registry);
        Gauge.builder("lorawan.session.cache.size", cache, SessionCache::size)
                .description("DevAddrs whose sessions this instance holds in memory").register(registry);
    }

    @Override
    public void uplink(UplinkFrame frame) {
        // UplinkFrame's hash covers the PHYPayload and the frequency only (without copying the payload).
        pipelines.get(Math.floorMod(frame.hashCode(), pipelines.size())).uplink(frame);
    }

    @Override
    public void stats(GatewayStats stats) {
        // Gateway status reports are kept by the bridge; the pipelines have no use for them.
    }

    /** An application downlink was queued for the device (see {@link UplinkPipeline#downlinkQueued}). */
    public void downlinkQueued(Eui64 devEui) {
        pipelines.get(Math.floorMod(devEui.hashCode(), pipelines.size())).downlinkQueued(devEui);
    }

    /** Completes once every pipeline has decided every copy it took (see {@link UplinkPipeline#drained}). */
    public Future<Void> drained() {
        return Future.all(pipelines.stream().map(UplinkPipeline::drained).toList()).mapEmpty();
    }

    private double inFlight() {
        return pipelines.stream().mapToInt(UplinkPipeline::inFlight).sum();
    }
}
