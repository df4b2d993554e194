package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.CounterStep;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.ReceiveWindows;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacCommandCodec;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path (ARCHITECTURE.md, uplink steps 4-7): find the sessions of the DevAddr (in this instance's
 * {@link SessionCache}, else in Redis), verify the MIC per candidate and counter guess, accept-and-advance the
 * counter in Redis, then hand MAC commands to {@link MacAnswers}, the payload to the application side, and answer
 * in RX1/RX2 when the frame was confirmed or a MAC command asks for it.
 */
final class DataUplinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DataUplinkHandler.class);

    /** The session whose keys verified the MIC, and the 32-bit counter they verified it with. */
    private record Match(SessionCandidate candidate, long fCnt) {
    }

    private final NetworkPlan plan;
    private final SessionStore sessions;
    private final SessionCache cache;
    private final DownlinkScheduler downlinks;
    private final EventSink events;
    private final PipelineMetrics metrics;

    DataUplinkHandler(NetworkPlan plan, SessionStore sessions, SessionCache cache, DownlinkScheduler downlinks,
                      EventSink events, PipelineMetrics metrics) {
        this.plan = plan;
        this.sessions = sessions;
        this.cache = cache;
        this.downlinks = downlinks;
        this.events = events;
        this.metrics = metrics;
    }

    Future<Void> handle(DeduplicatedUplink uplink, DataFrame frame) {
        OptionalInt dr = plan.region().uplinkDataRateIndex(uplink.dataRate());
        Optional<Match> cached = cache.get(frame.devAddr())
                .flatMap(candidates -> verify(candidates, frame, dr.orElse(0), txChannel(uplink)));
        if (cached.isPresent()) {
            metrics.sessionCache(true);
            return accept(uplink, frame, cached.get(), dr, true);
        }
        metrics.sessionCache(false);
        return lookUp(uplink, frame, dr);
    }

    /** TxCh of the LoRaWAN 1.1 uplink MIC: the channel index of the frequency in the region's plan. */
    private int txChannel(DeduplicatedUplink uplink) {
        return plan.region().uplinkChannel(uplink.frequencyHz()).orElse(0);
    }

    /** The path without (or past) the cache: the DevAddr's sessions as Redis has them now. */
    private Future<Void> lookUp(DeduplicatedUplink uplink, DataFrame frame, OptionalInt dr) {
        return sessions.candidates(frame.devAddr()).compose(candidates -> {
            cache.put(frame.devAddr(), candidates);
            if (candidates.isEmpty()) {
                metrics.frame("unknown_dev_addr");
                LOG.debug("Uplink from DevAddr {}: no session uses it", frame.devAddr());
                return Future.succeededFuture();
            }
            Optional<Match> match = verify(candidates, frame, dr.orElse(0), txChannel(uplink));
            if (match.isEmpty()) {
                metrics.frame("mic_failed");
                JsonArray devEuis = new JsonArray();
                candidates.forEach(c -> devEuis.add(c.devEui().toString()));
                String why = "MIC of an uplink from DevAddr " + frame.devAddr() + " (FCnt " + frame.fCnt()
                        + ") verifies with no session of it";
                LOG.debug("{}", why);
                events.publish(EventJson.error(Optional.empty(), "mic_failed", why, new JsonObject()
                        .put("dev_addr", frame.devAddr().toString()).put("f_cnt", frame.fCnt())
                        .put("candidates", devEuis)));
                return Future.succeededFuture();
            }
            return accept(uplink, frame, match.get(), dr, false);
        });
    }

    /** Tries each candidate with the reconstructed 32-bit counter and, when different, the 16 bits as sent. */
    private static Optional<Match> verify(List<SessionCandidate> candidates, DataFrame frame, int txDr, int txCh) {
        byte[] micInput = frame.micInput();
        for (SessionCandidate candidate : candidates) {
            long full = fullFCnt(candidate.lastFCntUp(), frame.fCnt());
            if (micVerifies(candidate.session(), frame, micInput, full, txDr, txCh)) {
                return Optional.of(new Match(candidate, full));
            }
            // A frame with a lower counter (a replay, or a device that reset): classified by the counter step.
            if (full != frame.fCnt() && micVerifies(candidate.session(), frame, micInput, frame.fCnt(), txDr, txCh)) {
                return Optional.of(new Match(candidate, frame.fCnt()));
            }
        }
        return Optional.empty();
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

    private static boolean micVerifies(DeviceSession session, DataFrame frame, byte[] micInput, long fCnt, int txDr,
                                       int txCh) {
        if (fCnt > 0xFFFFFFFFL) {
            return false;
        }
        Mic mic = session.lorawan11()
                // ConfFCnt is 0: this server sends no confirmed downlinks, so an uplink acknowledges none.
                ? DataCrypto.micUplink11(session.sNwkSIntKey(), session.fNwkSIntKey(), 0, txDr, txCh,
                        frame.devAddr(), fCnt, micInput)
                : DataCrypto.mic10(session.fNwkSIntKey(), Direction.UPLINK, frame.devAddr(), fCnt, micInput);
        return mic.equals(frame.mic());
    }

    /**
     * The counter step. A match found in the cache whose session turns out replaced (or whose device is gone) sends
     * the frame back through a fresh lookup, once.
     */
    private Future<Void> accept(DeduplicatedUplink uplink, DataFrame frame, Match match, OptionalInt dr,
                                boolean fromCache) {
        SessionCandidate candidate = match.candidate();
        return sessions.accept(candidate.devEui(), candidate.session().id(), match.fCnt()).compose(step -> {
            if (step.decision() == FCntDecision.STALE) {
                cache.invalidate(frame.devAddr());
                if (fromCache) {
                    return lookUp(uplink, frame, dr);
                }
            }
            if (step.device().isEmpty()) {
                metrics.frame("unknown_device");
                return Future.succeededFuture();
            }
            Device device = step.device().get();
            if (step.decision() == FCntDecision.NEW || step.decision() == FCntDecision.RESET) {
                cache.accepted(frame.devAddr(), candidate, match.fCnt());
            }
            metrics.dataDecided(uplink.windowEndNanos());
            metrics.frame(step.decision().name().toLowerCase(Locale.ROOT));
            return decided(uplink, frame, device, candidate.session(), match.fCnt(), dr, step);
        });
    }

    private Future<Void> decided(DeduplicatedUplink uplink, DataFrame frame, Device device, DeviceSession session,
                                 long fCnt, OptionalInt dr, CounterStep step) {
        boolean confirmed = frame.mType() == MType.CONFIRMED_DATA_UP;
        switch (step.decision()) {
            case NEW, RESET -> {
                List<MacCommand> commands = macCommands(frame, session, fCnt);
                events.publish(uplinkEvent(uplink, frame, device, session, fCnt, dr));
                List<MacCommand.Downlink> answers = new ArrayList<>(MacAnswers.answer(commands, uplink,
                        session.lorawan11()));
                Optional<MacCommand.ForceRejoinReq> forceRejoin = Optional.empty();
                if (step.forceRejoinType().isPresent() && session.lorawan11()) {
                    // LoRaWAN 1.1 section 5.13: one rejoin-request of that type, at the uplink's data rate. First,
                    // so that the device's own answers cannot crowd it out of FOpts.
                    forceRejoin = Optional.of(new MacCommand.ForceRejoinReq(0, 0, step.forceRejoinType().getAsInt(),
                            dr.orElse(0)));
                    answers.add(0, forceRejoin.get());
                }
                if (confirmed || !answers.isEmpty()) {
                    Optional<MacCommand.ForceRejoinReq> asked = forceRejoin;
                    return answer(uplink, device, session, fCnt, dr, confirmed, answers).compose(sent ->
                            asked.isEmpty() || sent.contains(asked.get()) ? Future.succeededFuture()
                                    // Not sent (no data rate, no window): the request waits for the next frame.
                                    : sessions.forceRejoin(device.devEui(), asked.get().rejoinType()).mapEmpty());
                }
            }
            case RETRANSMISSION -> {
                // NbTrans repetition: delivered once already; a confirmed frame gets its ACK again.
                if (confirmed) {
                    return answer(uplink, device, session, fCnt, dr, true, List.of()).mapEmpty();
                }
            }
            case REPLAY -> {
                String why = "replayed uplink from DevEUI " + device.devEui() + ": FCnt " + fCnt
                        + " is below the last accepted";
                LOG.debug("{}", why);
                events.publish(EventJson.error(Optional.of(device.applicationId()), "replay", why, new JsonObject()
                        .put("dev_eui", device.devEui().toString()).put("dev_addr", frame.devAddr().toString())
                        .put("f_cnt", fCnt)));
            }
            case STALE -> LOG.debug("Uplink of {} verified with a session replaced meanwhile", device.devEui());
        }
        return Future.succeededFuture();
    }

    /** MAC commands from FOpts (encrypted with NwkSEncKey in 1.1) or from an FPort 0 payload (always encrypted). */
    private List<MacCommand> macCommands(DataFrame frame, DeviceSession session, long fCnt) {
        byte[] raw;
        if (frame.fPort().isPresent() && frame.fPort().getAsInt() == 0) {
            raw = DataCrypto.encryptFrmPayload(session.nwkSEncKey(), Direction.UPLINK, frame.devAddr(), fCnt,
                    frame.frmPayload());
        } else if (frame.fOpts().length > 0) {
            raw = session.lorawan11() ? DataCrypto.encryptFOpts11(session.nwkSEncKey(), Direction.UPLINK, false,
                    frame.devAddr(), fCnt, frame.fOpts()) : frame.fOpts();
        } else {
            return List.of();
        }
        try {
            return MacCommandCodec.decode(raw, Direction.UPLINK);
        } catch (MalformedFrameException e) {
            metrics.frame("malformed_mac_commands");
            LOG.debug("MAC commands of DevAddr {} unreadable: {}", frame.devAddr(), e.getMessage());
            return List.of();
        }
    }

    private static ApplicationEvent uplinkEvent(DeduplicatedUplink uplink, DataFrame frame, Device device,
                                                DeviceSession session, long fCnt, OptionalInt dr) {
        JsonObject json = EventJson.radio(uplink, dr.isPresent() ? Optional.of(dr.getAsInt()) : Optional.empty())
                .put("dev_eui", device.devEui().toString()).put("dev_addr", frame.devAddr().toString())
                .put("f_cnt", fCnt).put("confirmed", frame.mType() == MType.CONFIRMED_DATA_UP)
                .put("adr", frame.fCtrl().adr());
        if (frame.fPort().isPresent() && frame.fPort().getAsInt() > 0) {
            json.put("f_port", frame.fPort().getAsInt());
            Base64.Encoder base64 = Base64.getEncoder();
            if (session.appSKey().isPresent()) {
                json.put("data", base64.encodeToString(DataCrypto.encryptFrmPayload(session.appSKey().get(),
                        Direction.UPLINK, frame.devAddr(), fCnt, frame.frmPayload())));
            } else {
                json.put("frm_payload", base64.encodeToString(frame.frmPayload()));
                session.appSKeyEnvelope().ifPresent(envelope -> json.put("app_s_key", new JsonObject()
                        .put("kek_label", envelope.kekLabel()).put("aes_key", envelope.wrappedKeyHex())));
            }
        }
        EventJson.appSKeyReference(json, session.appSKeyReference());
        return new ApplicationEvent(ApplicationEvent.UPLINK, Optional.of(device.applicationId()), json);
    }

    /** An answer without FPort: ACK and MAC commands in FOpts, counted by NFCntDown (FCntDown in 1.0). */
    /** @return the MAC commands that went out, none when the answer was not sent */
    private Future<List<MacCommand.Downlink>> answer(DeduplicatedUplink uplink, Device device, DeviceSession session,
                                                     long upFCnt, OptionalInt dr, boolean ack,
                                                     List<MacCommand.Downlink> answers) {
        if (dr.isEmpty()) {
            metrics.frame("no_answer_unknown_data_rate");
            return Future.succeededFuture(List.of());
        }
        List<MacCommand.Downlink> fitting = new ArrayList<>();
        int length = 0;
        for (MacCommand.Downlink command : answers) {
            int size = 1 + command.payload().length;
            if (length + size <= DataFrame.MAX_FOPTS) {
                fitting.add(command);
                length += size;
            }
        }
        return sessions.nextFCntDown(device.devEui(), false).compose(fCntDown -> {
            byte[] fOpts = MacCommandCodec.encode(fitting);
            if (session.lorawan11() && fOpts.length > 0) {
                fOpts = DataCrypto.encryptFOpts11(session.nwkSEncKey(), Direction.DOWNLINK, false, session.devAddr(),
                        fCntDown, fOpts);
            }
            DataFrame down = new DataFrame(MType.UNCONFIRMED_DATA_DOWN, session.devAddr(),
                    FCtrl.downlink(false, ack, false), (int) (fCntDown & 0xFFFF), fOpts, OptionalInt.empty(),
                    new byte[0], new Mic(0));
            byte[] micInput = down.micInput();
            Mic mic = session.lorawan11()
                    ? DataCrypto.micDownlink11(session.sNwkSIntKey(), ack ? (int) (upFCnt & 0xFFFF) : 0,
                            session.devAddr(), fCntDown, micInput)
                    : DataCrypto.mic10(session.fNwkSIntKey(), Direction.DOWNLINK, session.devAddr(), fCntDown, micInput);
            ReceiveWindows windows = new ReceiveWindows(session.rxDelaySeconds() * 1_000_000L,
                    plan.region().rx1Frequency(uplink.frequencyHz()),
                    plan.region().rx1DataRate(dr.getAsInt(), session.rx1DrOffset()), plan.rx2Frequency(),
                    session.rx2DataRate());
            return downlinks.send(uplink, down.withMic(mic).encode(), windows);
        }).map((DownlinkOutcome outcome) -> {
            LOG.debug("Answer to {} (ACK {}, {} MAC commands): {}", device.devEui(), ack, fitting.size(), outcome);
            return outcome.sent() ? fitting : List.<MacCommand.Downlink>of();
        });
    }
}
