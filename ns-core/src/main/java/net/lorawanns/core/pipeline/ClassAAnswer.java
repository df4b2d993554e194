package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DataDownlink;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.ReceiveWindows;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacCommandCodec;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.DownlinkEvents;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.queue.QueueHead;
import net.lorawanns.core.queue.QueuedDownlink;
import net.lorawanns.core.queue.QueuedPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Class A answer to a frame that needs one (a confirmed uplink, an ADRACKReq, MAC commands to send, or
 * application downlinks queued): ACK, MAC commands in FOpts or on FPort 0, and the head of the device's queue, sent
 * in RX1 or RX2. An item that fits neither window at the device's current data rates waits (FPending tells the device
 * there is more); one that never can is dropped. A confirmed item waits in the session for the device's ACK. Runs on
 * the pipeline's event loop.
 */
final class ClassAAnswer implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(ClassAAnswer.class);

    private final SessionStore sessions;
    private final DownlinkQueue queue;
    private static final QueueHead.Head NO_ITEM = new QueueHead.Head(Optional.empty(), 0, false);

    private final QueueHead heads;
    private final ItemCounter counters;
    private final DownlinkScheduler downlinks;
    private final EventSink events;
    private final PipelineMetrics metrics;

    ClassAAnswer(SessionStore sessions, DownlinkQueue queue, DownlinkScheduler downlinks, EventSink events,
                 PipelineMetrics metrics) {
        this.sessions = sessions;
        this.queue = queue;
        this.heads = new QueueHead(queue, events);
        this.counters = new ItemCounter(sessions, heads);
        this.downlinks = downlinks;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        boolean ack = uplink.confirmed();
        // ADRACKReq: the device needs any downlink within ADR_ACK_DELAY uplinks, or it lowers its data rate
        // (LoRaWAN 1.0.4 section 4.3.1.1); this answer is that downlink.
        boolean adrAckReq = uplink.isNew() && uplink.frame.fCtrl().adrAckReq();
        // A queue item goes with a new frame only (a repetition's answer may have carried one already), and not while
        // a Class B or C sender holds the device's downlink path (it may be sending the head right now).
        boolean queued = uplink.queueLength > 0 && uplink.isNew() && !uplink.counterStep.downlinkPathBusy();
        if (!ack && !adrAckReq && !queued && uplink.answers.isEmpty() && !repeatsAnAnswer(uplink)) {
            return GO_ON;
        }
        if (uplink.dataRate.isEmpty()) {
            metrics.frame("no_answer_unknown_data_rate");
            return GO_ON;
        }
        List<MacCommand.Downlink> fOptsCommands = fitting(uplink.answers, DataFrame.MAX_FOPTS);
        // MAC commands that do not fit in FOpts go as the FRMPayload of FPort 0 instead, never both (LoRaWAN 1.0.4
        // section 4.3.1.6): the queue's head waits for the next answer then.
        boolean onPort0 = fOptsCommands.size() < uplink.answers.size();
        Future<QueueHead.Head> head = queued && !onPort0
                ? heads.next(uplink.device.applicationId(), uplink.device.devEui(), uplink.session(),
                        uplink.counterStep.pendingSessionId(),
                        uplink.region.largestDownlinkPayload(downlinkDwellTime(uplink)), Instant.now())
                        .recover(failure -> {
                            // The ACK and the MAC commands go out without the item, which waits.
                            LOG.debug("Queue of {} not read: {}", uplink.device.devEui(), failure.getMessage());
                            return Future.succeededFuture(NO_ITEM);
                        })
                : Future.succeededFuture(NO_ITEM);
        return head.compose(next -> {
            uplink.queueLength -= next.dropped();
            return answer(uplink, ack, adrAckReq, onPort0 ? List.of() : fOptsCommands, onPort0, next.item());
        });
    }

    private Future<Next> answer(DataUplink uplink, boolean ack, boolean adrAckReq,
                                List<MacCommand.Downlink> fOptsCommands, boolean onPort0,
                                Optional<QueuedDownlink> head) {
        DeviceSession session = uplink.session();
        MacState.RxSettings rx = uplink.mac.rx();
        int rx1DataRate = uplink.region.rx1DataRate(uplink.dataRate.getAsInt(), rx.rx1DrOffset(),
                downlinkDwellTime(uplink));
        int rx1Room = maxPayload(uplink, rx1DataRate);
        int rx2Room = maxPayload(uplink, rx.rx2DataRate());
        List<MacCommand.Downlink> commands = onPort0
                ? fitting(uplink.answers, Math.min(rx1Room, rx2Room)) : fOptsCommands;
        byte[] encoded = MacCommandCodec.encode(commands);
        ReceiveWindows both = new ReceiveWindows(rx.rx1Delay() * 1_000_000L, rx1Frequency(uplink), rx1DataRate,
                rx.rx2Frequency(), rx.rx2DataRate());
        ReceiveWindows windows = both;
        Optional<QueuedDownlink> item = Optional.empty();
        if (head.isPresent()) {
            // FOpts and the application payload share the window's MACPayload (RP002's N is the FRMPayload without
            // FOpts): the item goes in the windows it fits, or waits for a faster data rate.
            boolean inRx1 = head.get().size() + encoded.length <= rx1Room;
            boolean inRx2 = head.get().size() + encoded.length <= rx2Room;
            if (inRx1 || inRx2) {
                item = head;
                windows = both.only(inRx1, inRx2);
            } else {
                metrics.frame("downlink_waits_for_data_rate");
            }
        }
        boolean repeats = repeatsAnAnswer(uplink);
        if (item.isEmpty() && !ack && !adrAckReq && commands.isEmpty() && !repeats) {
            return GO_ON;
        }
        // FPending: more items wait behind this one and may go in the next answer (not when the head itself waits).
        boolean fPending = item.isPresent() && uplink.queueLength > 1;
        ReceiveWindows sendIn = windows;
        return fCntDown(uplink, item).compose(counted -> {
            if (counted.dropped()) {
                // The application's counter was passed meanwhile: that item is gone, the answer goes without it.
                return answer(uplink, ack, adrAckReq, fOptsCommands, onPort0, Optional.empty());
            }
            Optional<QueuedDownlink> sending = counted.item();
            long fCnt = counted.fCnt();
            DataDownlink down = new DataDownlink(sending.map(QueuedDownlink::confirmed).orElse(false),
                    uplink.adrControlled, fPending, fCnt, ack ? OptionalLong.of(uplink.fCnt) : OptionalLong.empty(),
                    encoded, onPort0, sending.map(i -> OptionalInt.of(i.fPort())).orElse(OptionalInt.empty()),
                    sending.map(i -> QueuedPayload.frmPayload(i, session, fCnt)).orElse(new byte[0]));
            return downlinks.send(uplink.copies, uplink.region, down.encode(session), sendIn)
                    .compose(outcome -> {
                        LOG.debug("Answer to {} (ACK {}, {} MAC commands{}, item {}): {}", uplink.device.devEui(), ack,
                                commands.size(), onPort0 ? " on FPort 0" : "", sending.map(i -> i.id().toString())
                                        .orElse("none"), outcome);
                        uplink.sent = outcome.sent() ? commands : List.of();
                        return sending.isEmpty() ? GO_ON
                                : settle(uplink, sending.get(), fCnt, outcome).map(Next.CONTINUE);
                    });
        });
    }

    /** The answer's counter, and the item it carries (none when an application-encrypted item's counter passed). */
    private record Counted(long fCnt, Optional<QueuedDownlink> item, boolean dropped) {
    }

    /**
     * The frame's downlink counter: the item's ({@link ItemCounter}), else NFCntDown (FCntDown in 1.0), taken by the
     * counter step when the frame is confirmed and nothing was queued (then this answer, carrying no item, is its only
     * user), else now.
     */
    private Future<Counted> fCntDown(DataUplink uplink, Optional<QueuedDownlink> item) {
        if (item.isEmpty() && uplink.counterStep.fCntDown().isPresent()) {
            return Future.succeededFuture(new Counted(uplink.counterStep.fCntDown().getAsLong(), item, false));
        }
        if (item.isEmpty()) {
            return sessions.nextFCntDown(uplink.device.devEui(), false)
                    .map(fCnt -> new Counted(fCnt, item, false));
        }
        return counters.take(uplink.device.applicationId(), uplink.device.devEui(), uplink.session().lorawan11(),
                item.get()).map(fCnt -> fCnt.isPresent() ? new Counted(fCnt.getAsLong(), item, false)
                        : new Counted(-1, Optional.empty(), true));
    }

    /**
     * After the answer went out (or not): a sent item leaves the queue, a confirmed one to wait for its ACK in the
     * session; an application-encrypted one that did not go out is dropped, its counter being used.
     */
    private Future<Void> settle(DataUplink uplink, QueuedDownlink item, long fCnt, DownlinkOutcome outcome) {
        String applicationId = uplink.device.applicationId();
        if (!outcome.mayHaveGone()) {
            return counters.notSent(applicationId, uplink.device.devEui(), item, fCnt, outcome.reason()).mapEmpty();
        }
        Instant now = Instant.now();
        Optional<PendingAck> pending = item.confirmed()
                ? Optional.of(new PendingAck(item, fCnt, now, now, ackDeadline(uplink, now))) : Optional.empty();
        return queue.take(uplink.device.devEui(), item.id(), pending).map(left -> {
            if (left.isPresent()) {
                events.publish(DownlinkEvents.sent(applicationId, uplink.device.devEui(), item, fCnt, "A", outcome));
                uplink.confirmedSent = pending;
            }
            return null;
        });
    }

    /**
     * A Class A device acknowledges in its next uplink, whenever it comes. A device that also listens in Class C
     * (or B) may send none for a long time: its item counts as unacknowledged after the class's timeout too, so
     * that its queue, which waits for the ACK, goes on.
     */
    private static Optional<Instant> ackDeadline(DataUplink uplink, Instant now) {
        Duration windows = Duration.ofSeconds(uplink.mac.rx().rx1Delay() + 1L);
        if (uplink.profile.classes().classC()) {
            return Optional.of(now.plus(windows).plus(uplink.profile.classCTimeout()));
        }
        if (uplink.profile.classes().classB() && uplink.mac.classB()) {
            return Optional.of(now.plus(windows).plus(uplink.profile.classBTimeout()));
        }
        return Optional.empty();
    }
    /**
     * Whether the frame repeats an answer about downlink settings, which a device sends in every uplink until it
     * receives a downlink (RXParamSetupAns, RXTimingSetupAns, DlChannelAns, and TxParamSetupAns from 1.0.4 on:
     * LoRaWAN 1.0.4 sections 5.4, 5.7, 5.11 and 5.12): any downlink ends the repetition.
     */
    private static boolean repeatsAnAnswer(DataUplink uplink) {
        if (!uplink.isNew()) {
            return false;
        }
        for (int i = 0; i < uplink.macCommands.size(); i++) {
            MacCommand command = uplink.macCommands.get(i);
            if (command instanceof MacCommand.RxParamSetupAns || command instanceof MacCommand.RxTimingSetupAns
                    || command instanceof MacCommand.DlChannelAns || command instanceof MacCommand.TxParamSetupAns) {
                return true;
            }
        }
        return false;
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
