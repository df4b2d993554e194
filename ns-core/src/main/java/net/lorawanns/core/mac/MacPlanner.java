package net.lorawanns.core.mac;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The requests that move a device's {@link MacState} toward the network's {@link MacTarget} (LoRaWAN 1.0.4 and 1.1
 * section 5), most needed first: new channels, then the LinkADRReq block (channel mask, data rate, TX power,
 * NbTrans), then receive windows, duty cycle, dwell time, ADR_ACK and rejoin parameters, the Class B ping-slot channel
 * and beacon frequency, and a DevStatusReq when due.
 * A command the device refused, or left unanswered too often, is not sent again in the session.
 */
public final class MacPlanner {
    /**
     * @param requests in the order to send
     * @param channelsAfterLinkAdr the channels a LinkADRReq block among {@code requests} leaves the device with
     */
    public record Plan(List<MacCommand.Downlink> requests, SortedSet<Integer> channelsAfterLinkAdr) {
    }

    private MacPlanner() {
    }

    /**
     * @param uplinkDataRate the data rate of the uplink being answered, which a LinkADRReq keeps when ADR did not
     *                       decide one
     * @param lorawan11 whether the session follows LoRaWAN 1.1, whose ADRParamSetupReq and RejoinParamSetupReq
     *                  1.0 devices do not know
     * @param clock the time now, asked for only when a DevStatusReq may be due
     */
    public static Plan plan(MacState state, MacTarget target, int uplinkDataRate, boolean lorawan11,
                            Supplier<Instant> clock) {
        // Made at the first request: most frames need none.
        List<MacCommand.Downlink> requests = null;
        boolean channelsComing = false;
        SortedSet<Integer> comingChannels = Collections.emptySortedSet();
        if (!state.abandoned(0x07) && !target.extraChannels().isEmpty()) {
            for (Map.Entry<Integer, MacTarget.NewChannel> e : target.extraChannels().entrySet()) {
                Long has = state.extraChannels().get(e.getKey());
                if (has == null || has != e.getValue().frequencyHz()) {
                    MacTarget.NewChannel channel = e.getValue();
                    requests = added(requests, new MacCommand.NewChannelReq(e.getKey(), channel.frequencyHz(),
                            channel.minDr(), channel.maxDr()));
                    if (!channelsComing) {
                        channelsComing = true;
                        comingChannels = new TreeSet<>();
                    }
                    comingChannels.add(e.getKey());
                }
            }
        }
        // DlChannelReq names a channel the device has, or gets just before in the same answer (1.0.4 section 5.11).
        if (!state.abandoned(0x0A) && !target.downlinkChannels().isEmpty()) {
            for (Map.Entry<Integer, Long> e : target.downlinkChannels().entrySet()) {
                boolean exists = state.channels().contains(e.getKey()) || comingChannels.contains(e.getKey());
                if (exists && !e.getValue().equals(state.downlinkChannels().get(e.getKey()))) {
                    requests = added(requests, new MacCommand.DlChannelReq(e.getKey(), e.getValue()));
                }
            }
        }
        SortedSet<Integer> channelsAfter = state.channels();
        if (!state.abandoned(0x03)) {
            SortedSet<Integer> wanted = channelsComing ? target.channels() : reachable(state, target);
            List<MacTarget.ChannelMask> wantedMasks = wanted.equals(target.channels()) ? target.channelMasks()
                    : List.of(dynamicMask(wanted));
            boolean channelsDiffer = !state.channels().equals(wanted);
            int dr = state.dataRate() >= 0 ? state.dataRate() : uplinkDataRate;
            int txPower = state.txPowerIndex();
            int nbTrans = state.nbTrans();
            if (target.linkAdr().isPresent()) {
                dr = target.linkAdr().get().dataRate();
                txPower = target.linkAdr().get().txPowerIndex();
                nbTrans = target.linkAdr().get().nbTrans();
            }
            boolean adrDiffers = dr != (state.dataRate() >= 0 ? state.dataRate() : uplinkDataRate)
                    || txPower != state.txPowerIndex() || nbTrans != state.nbTrans();
            // New channels go first in the same answer; a mask that names them waits until the device has them.
            if (channelsDiffer && !channelsComing || adrDiffers) {
                List<MacTarget.ChannelMask> masks;
                if (channelsDiffer && !channelsComing) {
                    masks = wantedMasks;
                    channelsAfter = new TreeSet<>(wanted);
                } else if (!channelsDiffer) {
                    masks = wantedMasks;
                } else {
                    masks = List.of(dynamicMask(state.channels()));
                }
                for (MacTarget.ChannelMask mask : masks) {
                    requests = added(requests, new MacCommand.LinkAdrReq(dr, txPower, mask.chMask(),
                            mask.chMaskCntl(), nbTrans));
                }
            }
        }
        MacState.RxSettings rx = state.rx();
        MacState.RxSettings want = target.rx();
        if (!state.abandoned(0x05) && (rx.rx1DrOffset() != want.rx1DrOffset()
                || rx.rx2DataRate() != want.rx2DataRate() || rx.rx2Frequency() != want.rx2Frequency())) {
            requests = added(requests, new MacCommand.RxParamSetupReq(want.rx1DrOffset(), want.rx2DataRate(),
                    want.rx2Frequency()));
        }
        if (!state.abandoned(0x08) && rx.rx1Delay() != want.rx1Delay()) {
            requests = added(requests, new MacCommand.RxTimingSetupReq(want.rx1Delay()));
        }
        if (!state.abandoned(0x04) && state.maxDutyCycle() != target.maxDutyCycle()) {
            requests = added(requests, new MacCommand.DutyCycleReq(target.maxDutyCycle()));
        }
        if (!state.abandoned(0x09) && target.txParams().isPresent()
                && !target.txParams().equals(state.txParams())) {
            MacState.TxParams t = target.txParams().get();
            requests = added(requests, new MacCommand.TxParamSetupReq(t.downlinkDwellTime(), t.uplinkDwellTime(),
                    t.maxEirpIndex()));
        }
        if (lorawan11 && !state.abandoned(0x0C) && target.adrAck().isPresent()
                && (target.adrAck().get().limitExp() != state.adrAckLimitExp()
                || target.adrAck().get().delayExp() != state.adrAckDelayExp())) {
            requests = added(requests, new MacCommand.AdrParamSetupReq(target.adrAck().get().limitExp(),
                    target.adrAck().get().delayExp()));
        }
        if (lorawan11 && !state.abandoned(0x0F) && target.rejoin().isPresent()
                && !target.rejoin().equals(state.rejoin())) {
            requests = added(requests, new MacCommand.RejoinParamSetupReq(target.rejoin().get().maxTimeN(),
                    target.rejoin().get().maxCountN()));
        }
        // Class B (LoRaWAN 1.0.4 sections 12.2 and 12.3): the device keeps what it was given until told otherwise.
        if (!state.abandoned(0x11) && target.pingSlotChannel().isPresent()
                && !target.pingSlotChannel().equals(state.pingSlotChannel())) {
            MacState.PingSlotChannel channel = target.pingSlotChannel().get();
            requests = added(requests, new MacCommand.PingSlotChannelReq(channel.frequencyHz(), channel.dataRate()));
        }
        if (!state.abandoned(0x13) && target.beaconFrequency().isPresent()
                && !target.beaconFrequency().equals(state.beaconFrequency())) {
            requests = added(requests, new MacCommand.BeaconFreqReq(target.beaconFrequency().getAsLong()));
        }
        if (!state.abandoned(0x06) && target.statusInterval().isPresent() && (state.lastStatusRequest().isEmpty()
                || !state.lastStatusRequest().get().plus(target.statusInterval().get()).isAfter(clock.get()))) {
            requests = added(requests, new MacCommand.DevStatusReq());
        }
        return new Plan(requests == null ? List.of() : requests, channelsAfter);
    }

    private static List<MacCommand.Downlink> added(List<MacCommand.Downlink> requests, MacCommand.Downlink request) {
        List<MacCommand.Downlink> list = requests == null ? new ArrayList<>() : requests;
        list.add(request);
        return list;
    }

    /**
     * The target's channels less the extra ones the device does not have as the target defines them (NewChannelReq
     * refused or given up): a channel mask naming a channel the device lacks is refused whole, data rate and power
     * with it (LoRaWAN 1.0.4 section 5.3).
     */
    private static SortedSet<Integer> reachable(MacState state, MacTarget target) {
        if (target.extraChannels().isEmpty()) {
            return target.channels();
        }
        SortedSet<Integer> reachable = new TreeSet<>(target.channels());
        reachable.removeIf(index -> target.extraChannels().containsKey(index)
                && !Objects.equals(state.extraChannels().get(index), target.extraChannels().get(index).frequencyHz()));
        return reachable;
    }

    /** Dynamic plans: ChMaskCntl 0, ChMask bit n for channel n (RP002-1.0.4 section 2.1.x). */
    private static MacTarget.ChannelMask dynamicMask(SortedSet<Integer> channels) {
        int mask = 0;
        for (int channel : channels) {
            if (channel < 16) {
                mask |= 1 << channel;
            }
        }
        return new MacTarget.ChannelMask(0, mask);
    }
}
