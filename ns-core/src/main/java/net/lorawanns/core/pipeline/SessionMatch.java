package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.types.Mic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first data step: the sessions of the frame's DevAddr (in this instance's {@link SessionCache}, else in Redis),
 * and the one whose keys verify the MIC with the reconstructed 32-bit counter. Runs on the pipeline's event loop.
 */
final class SessionMatch implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMatch.class);

    private final SessionStore sessions;
    private final SessionCache cache;
    private final EventSink events;
    private final PipelineMetrics metrics;

    SessionMatch(SessionStore sessions, SessionCache cache, EventSink events, PipelineMetrics metrics) {
        this.sessions = sessions;
        this.cache = cache;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        Optional<List<SessionCandidate>> cached = cache.get(uplink.frame.devAddr());
        if (cached.isPresent() && verify(uplink, cached.get())) {
            metrics.sessionCache(true);
            uplink.fromCache = true;
            return GO_ON;
        }
        metrics.sessionCache(false);
        return lookUp(uplink);
    }

    /** The path without (or past) the cache: the DevAddr's sessions as Redis has them now. */
    Future<Next> lookUp(DataUplink uplink) {
        DataFrame frame = uplink.frame;
        uplink.fromCache = false;
        return sessions.candidates(frame.devAddr()).map(candidates -> {
            cache.put(frame.devAddr(), candidates);
            if (candidates.isEmpty()) {
                metrics.frame("unknown_dev_addr");
                LOG.debug("Uplink from DevAddr {}: no session uses it", frame.devAddr());
                return Next.STOP;
            }
            if (!verify(uplink, candidates)) {
                metrics.frame("mic_failed");
                JsonArray devEuis = new JsonArray();
                candidates.forEach(c -> devEuis.add(c.devEui().toString()));
                String why = "MIC of an uplink from DevAddr " + frame.devAddr() + " (FCnt " + frame.fCnt()
                        + ") verifies with no session of it";
                LOG.debug("{}", why);
                events.publish(EventJson.error(Optional.empty(), "mic_failed", why, new JsonObject()
                        .put("dev_addr", frame.devAddr().toString()).put("f_cnt", frame.fCnt())
                        .put("candidates", devEuis)));
                return Next.STOP;
            }
            return Next.CONTINUE;
        });
    }

    /** Tries each candidate with the reconstructed 32-bit counter and, when different, the 16 bits as sent. */
    private boolean verify(DataUplink uplink, List<SessionCandidate> candidates) {
        DataFrame frame = uplink.frame;
        int txDr = uplink.dataRate.orElse(0);
        // TxCh of the LoRaWAN 1.1 uplink MIC: the channel index of the frequency in the region's plan.
        int txCh = uplink.region.uplinkChannel(uplink.copies.frequencyHz()).orElse(0);
        for (int i = 0; i < candidates.size(); i++) {
            SessionCandidate candidate = candidates.get(i);
            long full = fullFCnt(candidate.lastFCntUp(), frame.fCnt());
            if (micVerifies(candidate, uplink, full, txDr, txCh)) {
                uplink.candidate = candidate;
                uplink.fCnt = full;
                return true;
            }
            // A frame with a lower counter (a replay, or a device that reset): classified by the counter step.
            if (full != frame.fCnt() && micVerifies(candidate, uplink, frame.fCnt(), txDr, txCh)) {
                uplink.candidate = candidate;
                uplink.fCnt = frame.fCnt();
                return true;
            }
        }
        return false;
    }

    /**
     * The 32-bit counter whose low 16 bits are those sent and which is not below the last accepted one: the high
     * half moves forward when the low half went backwards (LoRaWAN 1.0.4 section 4.3.1.5).
     */
    static long fullFCnt(long lastFCntUp, int sent) {
        if (lastFCntUp < 0) {
            return sent;
        }
        long full = (lastFCntUp & 0xFFFF0000L) | sent;
        return full < lastFCntUp ? full + 0x10000 : full;
    }

    /** The MIC over the PHYPayload as received (LoRaWAN 1.1 section 4.4: B0 or B1, then MHDR to FRMPayload). */
    private static boolean micVerifies(SessionCandidate candidate, DataUplink uplink, long fCnt, int txDr, int txCh) {
        if (fCnt > 0xFFFFFFFFL) {
            return false;
        }
        DataFrame frame = uplink.frame;
        DeviceSession session = candidate.session();
        // ConfFCnt: an uplink with ACK set acknowledges the session's last confirmed downlink, whose FCnt (its low 16
        // bits) the LoRaWAN 1.1 MIC covers (section 4.4); without ACK it is 0. A cached candidate may know an older
        // one: its MIC then fails and the frame is matched again with the session as Redis has it.
        int confFCnt = frame.fCtrl().ack() ? (int) (candidate.confFCnt() & 0xFFFF) : 0;
        Mic mic = session.lorawan11()
                ? DataCrypto.uplinkMic11(session.sNwkSIntKey(), session.fNwkSIntKey(), confFCnt, txDr, txCh,
                        frame.devAddr(), fCnt, uplink.phyPayload)
                : DataCrypto.uplinkMic10(session.fNwkSIntKey(), frame.devAddr(), fCnt, uplink.phyPayload);
        return mic.equals(frame.mic());
    }
}
