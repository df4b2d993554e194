package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
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
        return sessions.accept(uplink.candidate.devEui(), uplink.session().id(), uplink.fCnt).compose(step -> {
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
            if (uplink.isNew()) {
                cache.accepted(uplink.frame.devAddr(), uplink.candidate, uplink.fCnt);
            }
            metrics.dataDecided(uplink.copies.windowEndNanos());
            metrics.frame(step.decision().name().toLowerCase(Locale.ROOT));
            return Future.succeededFuture(decided(uplink));
        });
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
