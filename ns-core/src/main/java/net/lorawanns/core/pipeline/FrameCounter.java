package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.device.CounterStep;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.device.HeardBy;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.uplink.Copy;
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
    private final DownlinkPathHold pathHold;

    FrameCounter(SessionMatch match, SessionStore sessions, SessionCache cache, EventSink events,
                 PipelineMetrics metrics, DownlinkPathHold pathHold) {
        this.match = match;
        this.sessions = sessions;
        this.cache = cache;
        this.events = events;
        this.metrics = metrics;
        this.pathHold = pathHold;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        List<HeardBy> heard = bestGateways(uplink.copies);
        // The counter step goes out in the turn the set's closing request did: the other instances' copies come back
        // with one round trip for both.
        // A confirmed frame's answer (its ACK) takes its downlink counter in the same step; ClassAAnswer sends no answer
        // at a data rate the region does not know, so none is taken for one.
        boolean answered = uplink.confirmed() && uplink.dataRate.isPresent();
        return sessions.accept(uplink.candidate.devEui(), uplink.session().id(), uplink.fCnt, receiveWindows(uplink),
                heard, answered).compose(step -> {
                    // Mostly here already: the set's closing request went out before the counter step.
                    Future<DeduplicatedUplink> whole = uplink.whole;
                    return whole.succeeded() ? withAllCopies(uplink, step, heard, whole.result())
                            : whole.compose(all -> withAllCopies(uplink, step, heard, all));
                });
    }

    private Future<Next> withAllCopies(DataUplink uplink, CounterStep step, List<HeardBy> heard,
                                       DeduplicatedUplink all) {
        DeduplicatedUplink counted = uplink.copies;
        uplink.copies = all;
        if (all != counted && (step.decision() == FCntDecision.NEW || step.decision() == FCntDecision.RESET)) {
            keepHeardBy(uplink, heard);
        }
        return counted(uplink, step);
    }

    /** The step's decision, with every copy of the frame at hand. */
    private Future<Next> counted(DataUplink uplink, CounterStep step) {
        if (step.decision() == FCntDecision.STALE) {
            cache.invalidate(uplink.frame.devAddr());
            if (uplink.fromCache) {
                return match.lookUp(uplink).compose(next -> next == Next.CONTINUE ? apply(uplink)
                        : Future.succeededFuture(next));
            }
        }
        if (step.device().isEmpty()) {
            metrics.frame("unknown_device");
            return STOP_HERE;
        }
        uplink.counterStep = step;
        uplink.device = step.device().get();
        uplink.queueLength = step.queueLength();
        if (uplink.isNew()) {
            cache.accepted(uplink.frame.devAddr(), uplink.candidate, uplink.fCnt);
        }
        metrics.dataDecided(uplink.copies.windowEndNanos());
        metrics.frame(step.decision());
        return decided(uplink) == Next.CONTINUE ? GO_ON : STOP_HERE;
    }

    /**
     * Other instances' copies came in after the counter step stored the gateways that heard the frame: where they
     * change the best, the list is stored again, unless a later frame came meanwhile. Not waited for: only a Class B
     * or C downlink reads it.
     */
    private void keepHeardBy(DataUplink uplink, List<HeardBy> stored) {
        List<HeardBy> best = bestGateways(uplink.copies);
        if (!best.equals(stored)) {
            sessions.saveHeardBy(uplink.candidate.devEui(), uplink.session().id(), uplink.fCnt, best)
                    .onFailure(failure -> LOG.debug("The gateways that heard a frame of {} were not stored again: {}",
                            uplink.candidate.devEui(), failure.toString()));
        }
    }

    /**
     * How long the frame holds its device's downlink path with the session's RX1 delay and RX2 data rate: until the
     * session's MAC state is first stored, with the span its RX settings ask for ({@link SessionStore#saveMacState}),
     * which the counter step takes instead.
     */
    private Duration receiveWindows(DataUplink uplink) {
        DeviceSession session = uplink.session();
        return pathHold.span(uplink.region, session.rxDelaySeconds(), session.rx2DataRate());
    }

    /**
     * The gateways that heard the frame, best first: where the device's Class C downlinks go next. Each pass takes the
     * best copy ({@link DeduplicatedUplink#BEST_FIRST}, the earlier of equals, as a stable sort would) of a gateway not
     * yet listed: no sorted copy of the list for the few gateways kept.
     */
    private static List<HeardBy> bestGateways(DeduplicatedUplink uplink) {
        List<Copy> copies = uplink.copies();
        List<HeardBy> best = new ArrayList<>(MAX_GATEWAYS_KEPT);
        while (best.size() < MAX_GATEWAYS_KEPT) {
            RxInfo next = null;
            Copy nextCopy = null;
            for (int i = 0; i < copies.size(); i++) {
                Copy copy = copies.get(i);
                RxInfo rx = copy.rxInfo();
                // One entry per gateway (and time source): its best copy's signal (a v2 gateway sends one per antenna).
                if ((nextCopy == null || DeduplicatedUplink.BEST_FIRST.compare(copy, nextCopy) < 0)
                        && !listed(best, rx.gatewayEui(), rx.gpsTimeMillis() != null)) {
                    next = rx;
                    nextCopy = copy;
                }
            }
            if (next == null) {
                break;
            }
            best.add(new HeardBy(next.gatewayEui(), next.gpsTimeMillis() != null, next.rssi(), next.snr()));
        }
        return best;
    }

    private static boolean listed(List<HeardBy> best, Eui64 gateway, boolean gpsTime) {
        for (HeardBy listed : best) {
            if (listed.gateway().equals(gateway) && listed.gpsTime() == gpsTime) {
                return true;
            }
        }
        return false;
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
