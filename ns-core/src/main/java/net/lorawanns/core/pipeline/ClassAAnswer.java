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
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.types.Mic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Class A answer to a frame that needs one (a confirmed uplink, an ADRACKReq, or MAC commands to send): ACK and
 * MAC commands in FOpts or on FPort 0, counted by NFCntDown (FCntDown in 1.0), sent in RX1 or RX2. Runs on the
 * pipeline's event loop.
 */
final class ClassAAnswer implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(ClassAAnswer.class);

    private final SessionStore sessions;
    private final DownlinkScheduler downlinks;
    private final PipelineMetrics metrics;

    ClassAAnswer(SessionStore sessions, DownlinkScheduler downlinks, PipelineMetrics metrics) {
        this.sessions = sessions;
        this.downlinks = downlinks;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        boolean ack = uplink.confirmed();
        // ADRACKReq: the device needs any downlink within ADR_ACK_DELAY uplinks, or it lowers its data rate
        // (LoRaWAN 1.0.4 section 4.3.1.1); this answer is that downlink.
        boolean adrAckReq = uplink.isNew() && uplink.frame.fCtrl().adrAckReq();
        if (!ack && !adrAckReq && uplink.answers.isEmpty() && !repeatsAnAnswer(uplink)) {
            return Future.succeededFuture(Next.CONTINUE);
        }
        if (uplink.dataRate.isEmpty()) {
            metrics.frame("no_answer_unknown_data_rate");
            return Future.succeededFuture(Next.CONTINUE);
        }
        DeviceSession session = uplink.session();
        MacState.RxSettings rx = uplink.mac.rx();
        int rx1DataRate = uplink.region.rx1DataRate(uplink.dataRate.getAsInt(), rx.rx1DrOffset(),
                downlinkDwellTime(uplink));
        // The downlink's ADR bit tells the device that the network controls its data rate (1.0.4 section 4.3.1.1).
        boolean adr = uplink.adrControlled;
        List<MacCommand.Downlink> fOptsCommands = fitting(uplink.answers, DataFrame.MAX_FOPTS);
        // MAC commands that do not fit in FOpts go as the FRMPayload of FPort 0 instead, never both (LoRaWAN 1.0.4
        // section 4.3.1.6), as many as the smaller of the two windows' maximum payloads allows.
        boolean onPort0 = fOptsCommands.size() < uplink.answers.size();
        List<MacCommand.Downlink> commands = onPort0 ? fitting(uplink.answers, Math.min(
                maxPayload(uplink, rx1DataRate), maxPayload(uplink, rx.rx2DataRate()))) : fOptsCommands;
        return sessions.nextFCntDown(uplink.device.devEui(), false).compose(fCntDown -> {
            byte[] encoded = MacCommandCodec.encode(commands);
            byte[] fOpts = new byte[0];
            OptionalInt fPort = OptionalInt.empty();
            byte[] frmPayload = new byte[0];
            if (onPort0) {
                fPort = OptionalInt.of(0);
                frmPayload = DataCrypto.encryptFrmPayload(session.nwkSEncKey(), Direction.DOWNLINK, session.devAddr(),
                        fCntDown, encoded);
            } else if (session.lorawan11() && encoded.length > 0) {
                fOpts = DataCrypto.encryptFOpts11(session.nwkSEncKey(), Direction.DOWNLINK, false, session.devAddr(),
                        fCntDown, encoded);
            } else {
                fOpts = encoded;
            }
            DataFrame down = new DataFrame(MType.UNCONFIRMED_DATA_DOWN, session.devAddr(),
                    FCtrl.downlink(adr, ack, false), (int) (fCntDown & 0xFFFF), fOpts, fPort, frmPayload, new Mic(0));
            byte[] micInput = down.micInput();
            Mic mic = session.lorawan11()
                    ? DataCrypto.micDownlink11(session.sNwkSIntKey(), ack ? (int) (uplink.fCnt & 0xFFFF) : 0,
                            session.devAddr(), fCntDown, micInput)
                    : DataCrypto.mic10(session.fNwkSIntKey(), Direction.DOWNLINK, session.devAddr(), fCntDown,
                            micInput);
            ReceiveWindows windows = new ReceiveWindows(rx.rx1Delay() * 1_000_000L, rx1Frequency(uplink),
                    rx1DataRate, rx.rx2Frequency(), rx.rx2DataRate());
            return downlinks.send(uplink.copies, uplink.region, down.withMic(mic).encode(), windows);
        }).map(outcome -> {
            LOG.debug("Answer to {} (ACK {}, {} MAC commands{}): {}", uplink.device.devEui(), ack, commands.size(),
                    onPort0 ? " on FPort 0" : "", outcome);
            uplink.sent = outcome.sent() ? commands : List.of();
            return Next.CONTINUE;
        });
    }

    /**
     * Whether the frame repeats an answer about downlink settings, which a device sends in every uplink until it
     * receives a downlink (RXParamSetupAns, RXTimingSetupAns, DlChannelAns, and TxParamSetupAns from 1.0.4 on:
     * LoRaWAN 1.0.4 sections 5.4, 5.7, 5.11 and 5.12): any downlink ends the repetition.
     */
    private static boolean repeatsAnAnswer(DataUplink uplink) {
        return uplink.isNew() && uplink.macCommands.stream().anyMatch(command ->
                command instanceof MacCommand.RxParamSetupAns || command instanceof MacCommand.RxTimingSetupAns
                        || command instanceof MacCommand.DlChannelAns || command instanceof MacCommand.TxParamSetupAns);
    }

    /** The region's RX1 frequency, unless the device's channel was moved with DlChannelReq. */
    private static long rx1Frequency(DataUplink uplink) {
        long uplinkHz = uplink.copies.frequencyHz();
        if (!uplink.mac.downlinkChannels().isEmpty()) {
            OptionalInt channel = uplink.region.uplinkChannel(uplinkHz);
            if (channel.isPresent() && uplink.mac.downlinkChannels().containsKey(channel.getAsInt())) {
                return uplink.mac.downlinkChannels().get(channel.getAsInt());
            }
        }
        return uplink.region.rx1Frequency(uplinkHz);
    }

    private static boolean downlinkDwellTime(DataUplink uplink) {
        return uplink.mac.txParams().map(MacState.TxParams::downlinkDwellTime)
                .orElse(uplink.region.dwellTime(uplink.profile.regParamsRevision()).downlinkDefault());
    }

    /** N, the largest FRMPayload at a data rate (RP002), without repeater. */
    private static int maxPayload(DataUplink uplink, int dataRate) {
        return uplink.region.maxPayload(dataRate, false, downlinkDwellTime(uplink)).n();
    }

    /**
     * The commands that fit in {@code limit} bytes, in order; a command that does not fit waits. A LinkADRReq block
     * goes whole or not at all: the device takes the contiguous commands as one request (1.0.4 section 5.3).
     */
    static List<MacCommand.Downlink> fitting(List<MacCommand.Downlink> answers, int limit) {
        int blockSize = answers.stream().filter(MacCommand.LinkAdrReq.class::isInstance)
                .mapToInt(command -> 1 + command.payload().length).sum();
        List<MacCommand.Downlink> fitting = new ArrayList<>();
        int length = 0;
        boolean blockSent = false;
        for (MacCommand.Downlink command : answers) {
            boolean inBlock = command instanceof MacCommand.LinkAdrReq;
            int size = inBlock ? (blockSent ? 0 : blockSize) : 1 + command.payload().length;
            if (inBlock && blockSent) {
                fitting.add(command);
            } else if (length + size <= limit) {
                fitting.add(command);
                length += size;
                blockSent |= inBlock;
            }
        }
        return fitting;
    }
}
