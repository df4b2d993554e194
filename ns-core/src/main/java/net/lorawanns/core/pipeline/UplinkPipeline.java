package net.lorawanns.core.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.adr.AdrAlgorithms;
import net.lorawanns.core.device.DeviceProfileCache;
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
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.gateway.GatewayListener;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import net.lorawanns.core.uplink.Deduplicator;
import net.lorawanns.core.uplink.Overloaded;
import net.lorawanns.core.uplink.OwnedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink pipeline (ARCHITECTURE.md): every gateway copy goes to cluster-wide deduplication; the one instance
 * that owns the frame decodes it and hands it to the join path (join- and rejoin-requests) or the data path.
 * Whatever a frame does, the pipeline goes on: errors are counted and logged, never thrown back at the gateway
 * bridge.
 *
 * <p>Overload and Redis failures shed frames rather than queue them: no new frame is taken on while the instance is
 * behind by more than {@code max_queue_delay} (see {@link Deduplicator}); at most {@code max_frames_in_flight} copies
 * are between arrival and decision; a frame whose Redis requests fail (but the one that closes its deduplication
 * set), or that reaches the decision after its RX2 window has passed, is dropped; each counts in
 * {@code lorawan_uplink_shed_total{reason}}. A dropped frame was never
 * accepted: its counter step never ran, or its answer was lost and the step is taken back
 * ({@link net.lorawanns.core.device.SessionStore#accept}), so that the device's retransmission is a new frame.
 *
 * <p>Threads: everything after {@link #uplink} runs on the pipeline's own context.
 */
public final class UplinkPipeline implements GatewayListener {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkPipeline.class);
    private static final int MAX_HANDOVER = 256;
    /** LoRaWAN 1.0.4 section 6.2.6 (1.1 section 6.2.7): JOIN_ACCEPT_DELAY2, the join-accept's RX2 window. */
    private static final long JOIN_ACCEPT_DELAY2_NANOS = 6_000_000_000L;
    private static final long LOG_INTERVAL_MS = 10_000;

    private final Context context;
    private final TurnBatches<UplinkFrame> arriving = new TurnBatches<>(MAX_HANDOVER, this::handOver);
    /** {@link #deduplicated} and {@link #processed} as handlers, made once rather than for every copy. */
    private final Handler<AsyncResult<Optional<OwnedSet>>> onDeduplicated = this::deduplicated;
    private final Handler<AsyncResult<Void>> onProcessed = this::processed;
    private final Deduplicator deduplicator;
    private final JoinHandler joins;
    private final RejoinHandler rejoins;
    private final DataPath data;
    private final ScheduledDownlinks scheduled;
    private final PipelineMetrics metrics;
    private final GatewayRegions gatewayRegions;
    private final ThrottledLog failures = new ThrottledLog(LOG, LOG_INTERVAL_MS);
    private final int maxInFlight;
    private final long windowNanos;
    private final long dataRx2DelayNanos;
    /** Copies between arrival and decision; written on the pipeline's context only, read by metrics too. */
    private volatile int inFlight;
    /** Completed once nothing is in flight, after {@link #drained} was asked for; pipeline context only. */
    private Promise<Void> drained;

    /**
     * @param context the event loop the pipeline runs on: its deduplication timers, Redis requests and processing;
     *                the gateway bridge reads and answers datagrams on another, so that the two share the load
     * @param cache the sessions this instance holds in memory, shared by the pipelines of its event loops
     * @param maxInFlight gateway copies this pipeline holds between arrival and decision, at most
     */
    public UplinkPipeline(Context context, SessionCache cache, int maxInFlight, NetworkPlan plan,
                          Deduplicator deduplicator, DeviceStore devices,
                          SessionStore sessions, DownlinkQueue queue, int confirmedRetries, JoinServer joinServer,
                          GatewayBackend gateways, DownlinkScheduler downlinks, EventSink events,
                          GatewayRegions gatewayRegions, DeviceProfileCache profiles, AdrAlgorithms adrAlgorithms,
                          MeterRegistry registry) {
        this.gatewayRegions = gatewayRegions;
        this.context = context;
        this.deduplicator = deduplicator;
        this.metrics = new PipelineMetrics(registry);
        this.maxInFlight = maxInFlight;
        this.windowNanos = plan.deduplicationWindow().toNanos();
        // RX2 opens RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s after the uplink (LoRaWAN 1.0.4 section 3.3.2).
        this.dataRx2DelayNanos = (plan.rx1DelaySeconds() + 1) * 1_000_000_000L;
        DeviceSettings settings = new DeviceSettings(profiles, plan.defaults());
        MacTargets targets = new MacTargets();
        this.joins = new JoinHandler(plan, devices, settings, targets, sessions, joinServer, downlinks, events,
                metrics);
        this.rejoins = new RejoinHandler(plan, devices, settings, targets, sessions, joinServer, downlinks, events,
                metrics);
        this.scheduled = new ScheduledDownlinks(context, plan, devices, sessions, queue, settings, downlinks, gateways,
                events, confirmedRetries);
        this.data = dataPath(sessions, cache, queue, confirmedRetries, downlinks, events, settings, targets,
                adrAlgorithms);
    }

    /**
     * An application downlink was queued for the device (any instance's enqueue, heard on the downlink-wake
     * channel; any thread): a Class C device gets it now, a Class B device in its next ping slot, if this instance
     * reaches its gateway.
     */
    public void downlinkQueued(Eui64 devEui) {
        scheduled.wake(devEui);
    }

    /** The data path's steps, in the order they run. */
    private DataPath dataPath(SessionStore sessions, SessionCache cache, DownlinkQueue queue, int confirmedRetries,
                              DownlinkScheduler downlinks, EventSink events, DeviceSettings settings,
                              MacTargets targets, AdrAlgorithms adrAlgorithms) {
        SessionMatch match = new SessionMatch(sessions, cache, events, metrics);
        ForceRejoin forceRejoin = new ForceRejoin(sessions);
        DownlinkPathHold pathHold = new DownlinkPathHold();
        return new DataPath(List.of(
                match,
                new FrameCounter(match, sessions, cache, events, metrics, pathHold),
                new ProfileStep(settings, events, metrics),
                new DownlinkAcks(queue, events, confirmedRetries),
                new MacCommandReader(metrics),
                new DeviceMac(targets, events),
                new ApplicationUplink(events),
                forceRejoin.ask(),
                new MacAnswers(),
                new AdrStep(targets, adrAlgorithms),
                new NetworkRequests(targets),
                new ClassAAnswer(sessions, queue, downlinks, events, metrics),
                forceRejoin.keepUnsent(),
                new MacStateSave(sessions, pathHold),
                new QueueFollowUp(scheduled)));
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
        Region region = gatewayRegions.of(frame.rxInfo(0).gatewayEui());
        OptionalInt dr = region.uplinkDataRateIndex(frame.dataRate());
        if (dr.isEmpty() || !region.acceptsUplink(frame.frequencyHz(), dr.getAsInt())) {
            // Not a channel (or data rate) of the gateway's region as this network runs it: no device of ours sent
            // it, and no counter or lock is taken for it.
            metrics.copyRefused(dr.isEmpty() ? "data_rate" : "channel");
            LOG.debug("Uplink copy on {} Hz at {} refused: not an enabled {} channel and data rate",
                    frame.frequencyHz(), frame.dataRate(), region);
            return;
        }
        if (inFlight >= maxInFlight) {
            metrics.shed("in_flight_limit");
            failures.warn("in_flight_limit", "Uplink dropped", maxInFlight
                    + " gateway copies are waiting for a decision (network.max_frames_in_flight)");
            return;
        }
        inFlight++;
        Future<Optional<OwnedSet>> added;
        try {
            added = deduplicator.add(frame);
        } catch (RuntimeException e) {
            added = Future.failedFuture(e);
        }
        added.onComplete(onDeduplicated);
    }

    /** A copy's deduplication answered: the set this instance owns goes on, any other copy is decided. */
    private void deduplicated(AsyncResult<Optional<OwnedSet>> result) {
        if (result.failed()) {
            shed("deduplication", result.cause());
            decided();
        } else if (result.result().isEmpty()) {
            decided();
        } else {
            Future<Void> processed;
            try {
                processed = process(result.result().get());
            } catch (RuntimeException e) {
                processed = Future.failedFuture(e);
            }
            processed.onComplete(onProcessed);
        }
    }

    private void processed(AsyncResult<Void> done) {
        if (done.failed()) {
            shed("processing", done.cause());
        }
        decided();
    }

    /** Copies between arrival and decision. Any thread. */
    int inFlight() {
        return inFlight;
    }

    private void decided() {
        inFlight--;
        if (inFlight == 0 && drained != null) {
            drained.tryComplete();
        }
    }

    /**
     * Completes once every copy taken so far has been decided: the deduplication windows this instance owns have
     * closed and their frames (joins included) are processed. For a graceful shutdown, after the gateway bridge
     * stopped passing uplinks on.
     */
    public Future<Void> drained() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (drained == null) {
                drained = Promise.promise();
            }
            if (inFlight == 0) {
                drained.tryComplete();
            }
            drained.future().onComplete(done);
        });
        return done.future();
    }

    /** Counts and logs a frame dropped: the instance is behind, or a Redis request (or something unforeseen) failed. */
    private void shed(String step, Throwable cause) {
        if (cause instanceof Overloaded overloaded) {
            metrics.shed(overloaded.metricReason());
            failures.warn(overloaded.metricReason(), "Uplink dropped", overloaded.getMessage());
        } else if (cause instanceof RedisFailure failure) {
            String reason = "redis_" + failure.kind().name().toLowerCase(Locale.ROOT);
            metrics.shed(reason);
            failures.warn(step + "/" + reason, "Uplink dropped at " + step, failure.getMessage());
        } else {
            metrics.frame("error");
            failures.warn(step + "/error", "Processing an uplink failed at " + step, cause.toString());
        }
    }

    @Override
    public void stats(GatewayStats stats) {
        // Gateway status reports are kept by the bridge; the pipeline has no use for them.
    }

    /**
     * A set this instance owns, as its window ends: joins and rejoins wait for every copy; the data path starts on
     * this instance's copies and takes the others' at its counter step.
     */
    private Future<Void> process(OwnedSet set) {
        DeduplicatedUplink uplink = set.local();
        byte[] phyPayload = uplink.phyPayload();
        Frame frame;
        try {
            frame = FrameCodec.decode(phyPayload);
        } catch (MalformedFrameException e) {
            metrics.frame("malformed");
            LOG.debug("Malformed uplink on {} Hz: {}", uplink.frequencyHz(), e.getMessage());
            return Future.succeededFuture();
        }
        long arrivalNanos = uplink.windowEndNanos() - windowNanos;
        Region region = gatewayRegions.of(uplink.copies().get(0).rxInfo().gatewayEui());
        Future<Void> handled;
        if (frame instanceof JoinRequest request) {
            handled = set.whole().compose(all -> pastDeadline(arrivalNanos + JOIN_ACCEPT_DELAY2_NANOS)
                    ? Future.succeededFuture() : joins.handle(all, region, request));
        } else if (frame instanceof RejoinRequest request) {
            handled = set.whole().compose(all -> pastDeadline(arrivalNanos + JOIN_ACCEPT_DELAY2_NANOS)
                    ? Future.succeededFuture() : rejoins.handle(all, region, request));
        } else if (frame instanceof DataFrame dataFrame && dataFrame.direction() == Direction.UPLINK) {
            if (pastDeadline(arrivalNanos + dataRx2DelayNanos)) {
                return Future.succeededFuture();
            }
            handled = data.handle(set, region, dataFrame, phyPayload);
        } else {
            metrics.frame("unsupported_" + frame.mType().name().toLowerCase(Locale.ROOT));
            return Future.succeededFuture();
        }
        return handled.recover(error -> {
            shed("processing", error);
            return Future.succeededFuture();
        });
    }

    /** A frame that reaches its decision after its last receive window opened is dropped: it waited too long. */
    private boolean pastDeadline(long rx2Nanos) {
        if (System.nanoTime() - rx2Nanos < 0) {
            return false;
        }
        metrics.shed("past_deadline");
        failures.warn("past_deadline", "Uplink dropped", "its RX2 window passed before it could be decided");
        return true;
    }
}
