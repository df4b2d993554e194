package net.lorawanns.core.mac;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Applies a device's answers to the requests the network sent it (LoRaWAN 1.0.4 and 1.1 section 5) to its
 * {@link MacState}: each pending request meets the answers of its CID in order; an answered request moves the
 * state on when the device accepted it, marks what it refused so that it is not asked again, and a request the
 * uplink carries no answer to counts as unanswered, given up after {@link MacState#MAX_ATTEMPTS}.
 */
public final class MacAnswerHandler {
    /** What the answers did: the new state, and the status report when one came. */
    public record Outcome(MacState state, Optional<MacState.DeviceStatus> status, List<String> refusals) {
    }

    private MacAnswerHandler() {
    }

    /** @param clock the time of the answers, asked for only when the state has requests pending */
    public static Outcome handle(MacState state, List<MacCommand> fromDevice, Supplier<Instant> clock) {
        if (state.pending().isEmpty()) {
            // Nothing was asked: whatever the device sent is a request of its own, or a repeated answer.
            return new Outcome(state, Optional.empty(), List.of());
        }
        Instant now = clock.get();
        Map<Integer, Deque<MacCommand>> answers = new HashMap<>();
        for (MacCommand command : fromDevice) {
            answers.computeIfAbsent(command.cid(), cid -> new ArrayDeque<>()).add(command);
        }
        List<String> refusals = new ArrayList<>();
        AtomicReference<Optional<MacState.DeviceStatus>> status = new AtomicReference<>(Optional.empty());
        MacState next = state.with(f -> {
            List<MacCommand.LinkAdrReq> linkAdrBlock = new ArrayList<>();
            // An answer that carried several requests of one CID (five NewChannelReq) is one attempt for that CID.
            SortedSet<Integer> missed = new TreeSet<>();
            for (MacCommand.Downlink request : f.pending) {
                if (request instanceof MacCommand.LinkAdrReq linkAdr) {
                    linkAdrBlock.add(linkAdr);
                    continue;
                }
                if (request instanceof MacCommand.ForceRejoinReq) {
                    continue; // answered by a rejoin-request, not by a MAC command
                }
                MacCommand answer = poll(answers, request.cid());
                if (answer == null) {
                    missed.add(request.cid());
                    continue;
                }
                f.unanswered.remove(request.cid());
                apply(f, request, answer, now, refusals).ifPresent(s -> status.set(Optional.of(s)));
            }
            missed.forEach(cid -> unanswered(f, cid));
            if (!linkAdrBlock.isEmpty()) {
                linkAdr(f, linkAdrBlock, answers.getOrDefault(0x03, new ArrayDeque<>()), refusals);
            }
            f.pending.clear();
            f.pendingChannels.clear();
        });
        return new Outcome(next, status.get(), refusals);
    }

    private static MacCommand poll(Map<Integer, Deque<MacCommand>> answers, int cid) {
        Deque<MacCommand> queue = answers.get(cid);
        return queue == null ? null : queue.poll();
    }

    private static void unanswered(MacState.Fields f, int cid) {
        int count = f.unanswered.merge(cid, 1, Integer::sum);
        if (count >= MacState.MAX_ATTEMPTS) {
            f.unanswered.remove(cid);
            f.abandoned.add(cid);
        }
    }

    private static Optional<MacState.DeviceStatus> apply(MacState.Fields f, MacCommand.Downlink request,
                                                         MacCommand answer, Instant now, List<String> refusals) {
        if (request instanceof MacCommand.DutyCycleReq r) {
            f.maxDutyCycle = r.maxDutyCycle();
        } else if (request instanceof MacCommand.RxParamSetupReq r) {
            MacCommand.RxParamSetupAns a = (MacCommand.RxParamSetupAns) answer;
            if (a.rx1DrOffsetAck() && a.rx2DataRateAck() && a.channelAck()) {
                f.rx = new MacState.RxSettings(f.rx.rx1Delay(), r.rx1DrOffset(), r.rx2DataRate(), r.frequencyHz());
            } else {
                refuse(f, request, refusals, "RXParamSetupReq refused: RX1DROffset " + ok(a.rx1DrOffsetAck())
                        + ", RX2 data rate " + ok(a.rx2DataRateAck()) + ", channel " + ok(a.channelAck()));
            }
        } else if (request instanceof MacCommand.DevStatusReq) {
            MacCommand.DevStatusAns a = (MacCommand.DevStatusAns) answer;
            MacState.DeviceStatus status = new MacState.DeviceStatus(a.battery(), a.margin(), now);
            f.status = Optional.of(status);
            return Optional.of(status);
        } else if (request instanceof MacCommand.NewChannelReq r) {
            MacCommand.NewChannelAns a = (MacCommand.NewChannelAns) answer;
            if (!a.dataRateRangeOk() || !a.channelFrequencyOk()) {
                refuse(f, request, refusals, "NewChannelReq for channel " + r.chIndex() + " refused: data-rate range "
                        + ok(a.dataRateRangeOk()) + ", frequency " + ok(a.channelFrequencyOk()));
            } else if (r.frequencyHz() == 0) {
                f.extraChannels.remove(r.chIndex());
                f.channels.remove(r.chIndex());
                f.downlinkChannels.remove(r.chIndex());
            } else {
                // A channel defined anew is answered on its uplink frequency until a DlChannelReq says otherwise.
                f.downlinkChannels.remove(r.chIndex());
                f.extraChannels.put(r.chIndex(), r.frequencyHz());
                f.channels.add(r.chIndex());
            }
        } else if (request instanceof MacCommand.DlChannelReq r) {
            MacCommand.DlChannelAns a = (MacCommand.DlChannelAns) answer;
            if (a.uplinkFrequencyExists() && a.channelFrequencyOk()) {
                f.downlinkChannels.put(r.chIndex(), r.frequencyHz());
            } else {
                refuse(f, request, refusals, "DlChannelReq for channel " + r.chIndex() + " refused: uplink channel "
                        + (a.uplinkFrequencyExists() ? "exists" : "unknown") + ", frequency "
                        + ok(a.channelFrequencyOk()));
            }
        } else if (request instanceof MacCommand.RxTimingSetupReq r) {
            // Del 0 means 1 s (LoRaWAN 1.0.4 section 5.7).
            f.rx = new MacState.RxSettings(Math.max(1, r.delay()), f.rx.rx1DrOffset(), f.rx.rx2DataRate(),
                    f.rx.rx2Frequency());
        } else if (request instanceof MacCommand.TxParamSetupReq r) {
            f.txParams = Optional.of(new MacState.TxParams(r.uplinkDwellTime(), r.downlinkDwellTime(), r.maxEirp()));
        } else if (request instanceof MacCommand.AdrParamSetupReq r) {
            f.adrAckLimitExp = r.limitExp();
            f.adrAckDelayExp = r.delayExp();
        } else if (request instanceof MacCommand.PingSlotChannelReq r) {
            // Both bits set, or the device keeps its previous channel and data rate (LoRaWAN 1.0.4 section 12.3).
            MacCommand.PingSlotChannelAns a = (MacCommand.PingSlotChannelAns) answer;
            if (a.dataRateOk() && a.channelFrequencyOk()) {
                f.pingSlotChannel = Optional.of(new MacState.PingSlotChannel(r.frequencyHz(), r.dataRate()));
            } else {
                refuse(f, request, refusals, "PingSlotChannelReq refused: data rate DR" + r.dataRate() + " "
                        + ok(a.dataRateOk()) + ", frequency " + r.frequencyHz() + " Hz " + ok(a.channelFrequencyOk()));
            }
        } else if (request instanceof MacCommand.BeaconFreqReq r) {
            // Frequency 0: back to the region's default beacon frequency (LoRaWAN 1.0.4 section 12.2).
            MacCommand.BeaconFreqAns a = (MacCommand.BeaconFreqAns) answer;
            if (a.beaconFrequencyOk()) {
                f.beaconFrequency = r.frequencyHz() == 0 ? OptionalLong.empty() : OptionalLong.of(r.frequencyHz());
            } else {
                refuse(f, request, refusals, "BeaconFreqReq refused: frequency " + r.frequencyHz() + " Hz");
            }
        } else if (request instanceof MacCommand.RejoinParamSetupReq r) {
            // TimeOK unset: the device cannot keep the time limit and keeps the count limit only (1.1 section 5.14);
            // asking again would get the same answer, so the request counts as done.
            f.rejoin = Optional.of(new MacState.RejoinParams(r.maxTimeN(), r.maxCountN()));
        }
        return Optional.empty();
    }

    /**
     * A LinkADRReq block is one request (LoRaWAN 1.0.4 section 5.3): the device applies all of it or none, and answers
     * each command with the same status; the last command's data rate, TX power and NbTrans are the ones it takes.
     */
    private static void linkAdr(MacState.Fields f, List<MacCommand.LinkAdrReq> block, Deque<MacCommand> answers,
                                List<String> refusals) {
        if (answers.isEmpty()) {
            unanswered(f, 0x03);
            return;
        }
        f.unanswered.remove(0x03);
        boolean power = true;
        boolean dataRate = true;
        boolean mask = true;
        for (MacCommand answer : answers) {
            MacCommand.LinkAdrAns a = (MacCommand.LinkAdrAns) answer;
            power &= a.powerAck();
            dataRate &= a.dataRateAck();
            mask &= a.channelMaskAck();
        }
        MacCommand.LinkAdrReq last = block.get(block.size() - 1);
        if (power && dataRate && mask) {
            // 0xF keeps the current value (LoRaWAN 1.0.4 section 5.3); NbTrans 0 keeps it too.
            if (last.dataRate() != 0xF) {
                f.dataRate = last.dataRate();
            }
            if (last.txPower() != 0xF) {
                f.txPowerIndex = last.txPower();
            }
            if (last.nbTrans() != 0) {
                f.nbTrans = last.nbTrans();
            }
            f.channels = new java.util.TreeSet<>(f.pendingChannels);
            return;
        }
        if (!dataRate && last.dataRate() != 0xF) {
            f.refusedDataRates.add(last.dataRate());
        }
        if (!power && last.txPower() != 0xF) {
            f.refusedTxPowers.add(last.txPower());
        }
        if (!mask) {
            f.abandoned.add(0x03);
        }
        refusals.add("LinkADRReq refused: data rate DR" + last.dataRate() + " " + ok(dataRate) + ", TX power "
                + last.txPower() + " " + ok(power) + ", channel mask " + ok(mask));
    }

    private static void refuse(MacState.Fields f, MacCommand.Downlink request, List<String> refusals, String why) {
        f.abandoned.add(request.cid());
        refusals.add(why);
    }

    private static String ok(boolean accepted) {
        return accepted ? "accepted" : "refused";
    }
}
