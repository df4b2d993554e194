package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.device.HeardBy;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counter step (ARCHITECTURE.md, "FCnt rules"): accept-and-advance the session's uplink counter in Redis, in one
 * atomic step that also reads the device. A match found in the cache whose session turns out replaced sends the
 * frame back through a fresh lookup, once. A new frame (or reset) goes on; a confirmed retransmission goes on to be
 * acknowledged again; a replay is reported to the application. Runs on the pipeline's event loop.
 */
final class FrameCounter implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(FrameCounter.class);
    /** How many of the gateways that heard a frame are kept for Class C downlinks. */
    private static final int MAX_GATEWAYS_KEPT = 3;

    private final SessionMatch match;
    private final SessionStore sessions;
    private final SessionCache cache;
    private final EventSink events;
    private final PipelineMetrics metrics;

    FrameCounter(SessionMatch match, SessionStore sessions, SessionCache cache, EventSink events,
                 PipelineMetrics metrics) {
        this.match = match;
        this.sessions = sessions;
        this.cache = cache;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        return sessions.accept(uplink.candidate.devEui(), uplink.session().id(), uplink.fCnt,
                receiveWindows(uplink), bestGateways(uplink)).compose(step -> {
            if (step.decision() == FCntDecision.STALE) {
                cache.invalidate(uplink.frame.devAddr());
                if (uplink.fromCache) {
                    return match.lookUp(uplink).compose(next -> next == Next.CONTINUE ? apply(uplink)
                            : Future.succeededFuture(next));
                }
            }
            if (step.device().isEmpty()) {
                metrics.frame("unknown_device");
                return Future.succeededFuture(Next.STOP);
            }
            uplink.counterStep = step;
            uplink.device = step.device().get();
            uplink.queueLength = step.queueLength();
            if (uplink.isNew()) {
                cache.accepted(uplink.frame.devAddr(), uplink.candidate, uplink.fCnt);
            }
            metrics.dataDecided(uplink.copies.windowEndNanos());
            metrics.frame(step.decision().name().toLowerCase(Locale.ROOT));
            return Future.succeededFuture(decided(uplink));
        });
    }

    /**
     * How long the frame holds its device's downlink path: to the end of RX2 (RECEIVE_DELAY1 + 1 s, LoRaWAN 1.0.4
     * section 3.3) and a second more for a downlink sent there to be on air. A Class C downlink waits meanwhile.
     */
    private static Duration receiveWindows(DataUplink uplink) {
        return Duration.ofSeconds(Math.max(1, uplink.session().rxDelaySeconds()) + 2L);
    }

    /** The gateways that heard the frame, best first: where the device's Class C downlinks go next. */
    private static List<HeardBy> bestGateways(DataUplink uplink) {
        return uplink.copies.copies().stream().sorted(DeduplicatedUplink.BEST_FIRST)
                .map(copy -> new HeardBy(copy.rxInfo().gatewayEui(), copy.rxInfo().gpsTimeMillis() != null))
                .distinct().limit(MAX_GATEWAYS_KEPT).toList();
    }

    private Next decided(DataUplink uplink) {
        Device device = uplink.device;
        switch (uplink.counterStep.decision()) {
            case NEW, RESET -> {
                return Next.CONTINUE;
            }
            case RETRANSMISSION -> {
                // NbTrans repetition: delivered once already; a confirmed frame gets its ACK again.
                return uplink.confirmed() ? Next.CONTINUE : Next.STOP;
            }
            case REPLAY -> {
                String why = "replayed uplink from DevEUI " + device.devEui() + ": FCnt " + uplink.fCnt
                        + " is below the last accepted";
                LOG.debug("{}", why);
                events.publish(EventJson.error(Optional.of(device.applicationId()), "replay", why, new JsonObject()
                        .put("dev_eui", device.devEui().toString()).put("dev_addr", uplink.frame.devAddr().toString())
                        .put("f_cnt", uplink.fCnt)));
                return Next.STOP;
            }
            default -> {
                LOG.debug("Uplink of {} verified with a session replaced meanwhile", device.devEui());
                return Next.STOP;
            }
        }
    }
}
