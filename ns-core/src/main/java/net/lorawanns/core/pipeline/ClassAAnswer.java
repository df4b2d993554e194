package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.ReceiveWindows;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacCommandCodec;
import net.lorawanns.core.types.Mic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Class A answer to a frame that needs one (a confirmed uplink, or MAC commands to send): ACK and MAC commands
 * in FOpts, counted by NFCntDown (FCntDown in 1.0), sent in RX1 or RX2. Runs on the pipeline's event loop.
 */
final class ClassAAnswer implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(ClassAAnswer.class);

    private final NetworkPlan plan;
    private final SessionStore sessions;
    private final DownlinkScheduler downlinks;
    private final PipelineMetrics metrics;

    ClassAAnswer(NetworkPlan plan, SessionStore sessions, DownlinkScheduler downlinks, PipelineMetrics metrics) {
        this.plan = plan;
        this.sessions = sessions;
        this.downlinks = downlinks;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        boolean ack = uplink.confirmed();
        if (!ack && uplink.answers.isEmpty()) {
            return Future.succeededFuture(Next.CONTINUE);
        }
        if (uplink.dataRate.isEmpty()) {
            metrics.frame("no_answer_unknown_data_rate");
            return Future.succeededFuture(Next.CONTINUE);
        }
        List<MacCommand.Downlink> fitting = fitting(uplink.answers);
        DeviceSession session = uplink.session();
        return sessions.nextFCntDown(uplink.device.devEui(), false).compose(fCntDown -> {
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
                    ? DataCrypto.micDownlink11(session.sNwkSIntKey(), ack ? (int) (uplink.fCnt & 0xFFFF) : 0,
                            session.devAddr(), fCntDown, micInput)
                    : DataCrypto.mic10(session.fNwkSIntKey(), Direction.DOWNLINK, session.devAddr(), fCntDown, micInput);
            ReceiveWindows windows = new ReceiveWindows(session.rxDelaySeconds() * 1_000_000L,
                    plan.region().rx1Frequency(uplink.copies.frequencyHz()),
                    plan.region().rx1DataRate(uplink.dataRate.getAsInt(), session.rx1DrOffset()), plan.rx2Frequency(),
                    session.rx2DataRate());
            return downlinks.send(uplink.copies, down.withMic(mic).encode(), windows);
        }).map(outcome -> {
            LOG.debug("Answer to {} (ACK {}, {} MAC commands): {}", uplink.device.devEui(), ack, fitting.size(),
                    outcome);
            uplink.sent = outcome.sent() ? fitting : List.of();
            return Next.CONTINUE;
        });
    }

    /** The commands that fit in FOpts's 15 bytes, in order; a command that does not fit waits. */
    private static List<MacCommand.Downlink> fitting(List<MacCommand.Downlink> answers) {
        List<MacCommand.Downlink> fitting = new ArrayList<>();
        int length = 0;
        for (MacCommand.Downlink command : answers) {
            int size = 1 + command.payload().length;
            if (length + size <= DataFrame.MAX_FOPTS) {
                fitting.add(command);
                length += size;
            }
        }
        return fitting;
    }
}
