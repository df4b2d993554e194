package net.lorawanns.core.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.eventloop.TurnBatches;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.Frame;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import net.lorawanns.core.uplink.Deduplicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink pipeline (ARCHITECTURE.md): every gateway copy goes to cluster-wide deduplication; the one instance
 * that owns the frame decodes it and hands it to the join path or the data path. Whatever a frame does, the
 * pipeline goes on: errors are counted and logged, never thrown back at the gateway bridge.
 */
public final class UplinkPipeline implements GatewayListener {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkPipeline.class);
    /** Entries of devices that went quiet are dropped after this; active ones are looked up again as often. */
    private static final Duration SESSION_CACHE_AGE = Duration.ofHours(1);
    private static final int MAX_HANDOVER = 256;

    private final Context context;
    private final TurnBatches<UplinkFrame> arriving = new TurnBatches<>(MAX_HANDOVER, this::handOver);
    private final Deduplicator deduplicator;
    private final JoinHandler joins;
    private final DataUplinkHandler data;
    private final PipelineMetrics metrics;

    /**
     * @param context the event loop the pipeline runs on: its deduplication timers, Redis requests and processing;
     *                the gateway bridge reads and answers datagrams on another, so that the two share the load
     */
    public UplinkPipeline(Context context, NetworkPlan plan, Deduplicator deduplicator, DeviceStore devices,
                          SessionStore sessions, JoinServer joinServer, GatewayBackend gateways, EventSink events,
                          String instanceId, MeterRegistry registry) {
        this.context = context;
        this.deduplicator = deduplicator;
        this.metrics = new PipelineMetrics(registry);
        DownlinkScheduler downlinks = new DownlinkScheduler(gateways, plan.region(), plan.windowPolicy(), instanceId,
                registry);
        this.joins = new JoinHandler(plan, devices, sessions, joinServer, downlinks, events, metrics);
        SessionCache cache = new SessionCache(plan.sessionCacheSize(), SESSION_CACHE_AGE);
        Gauge.builder("lorawan.session.cache.size", cache, SessionCache::size)
                .description("DevAddrs whose sessions this instance holds in memory").register(registry);
        this.data = new DataUplinkHandler(plan, sessions, cache, downlinks, events, metrics);
    }

    @Override
    public void uplink(UplinkFrame frame) {
        Context caller = Vertx.currentContext();
        if (caller == context) {
            deduplicate(frame);
        } else if (caller == null || !caller.isEventLoopContext()) {
            context.runOnContext(v -> deduplicate(frame));
        } else {
            arriving.add(caller, frame);
        }
    }

    /** Frames the bridge read during one of its turns cross to the pipeline's event loop in one task. */
    private void handOver(Context caller, List<UplinkFrame> frames) {
        context.runOnContext(v -> frames.forEach(this::deduplicate));
    }

    private void deduplicate(UplinkFrame frame) {
        deduplicator.add(frame).onComplete(result -> {
            if (result.failed()) {
                metrics.frame("deduplication_error");
                LOG.warn("Deduplication failed, frame dropped: {}", result.cause().toString());
            } else {
                result.result().ifPresent(this::process);
            }
        });
    }

    @Override
    public void stats(GatewayStats stats) {
        // Gateway status reports are kept by the bridge; the pipeline has no use for them.
    }

    private void process(DeduplicatedUplink uplink) {
        Frame frame;
        try {
            frame = FrameCodec.decode(uplink.phyPayload());
        } catch (MalformedFrameException e) {
            metrics.frame("malformed");
            LOG.debug("Malformed uplink on {} Hz: {}", uplink.frequencyHz(), e.getMessage());
            return;
        }
        Future<Void> handled;
        if (frame instanceof JoinRequest request) {
            handled = joins.handle(uplink, request);
        } else if (frame instanceof DataFrame dataFrame && dataFrame.direction() == Direction.UPLINK) {
            handled = data.handle(uplink, dataFrame);
        } else {
            metrics.frame("unsupported_" + frame.mType().name().toLowerCase(Locale.ROOT));
            return;
        }
        handled.onFailure(error -> {
            metrics.frame("error");
            LOG.warn("Processing an uplink failed: {}", error.toString());
        });
    }
}
