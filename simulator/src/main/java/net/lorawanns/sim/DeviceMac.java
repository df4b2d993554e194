package net.lorawanns.sim;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An end device's MAC command layer, written from LoRaWAN 1.0.4 and 1.1 section 5 (TS001) and RP002:
 * it reads the commands of a downlink (clear FOpts, or FRMPayload of FPort 0), applies them to its
 * {@link DeviceMacState} (and its {@link DeviceClassB} side, when it has one), records what the network told it
 * (LinkCheckAns, DeviceTimeAns, ForceRejoinReq, BeaconTimingAns, the confirmations), and keeps the answers and
 * requests its next uplinks carry. It parses bytes itself and shares no
 * code with the server. Not thread-safe: one thread uses it (a test's, or the simulation's).
 */
public final class DeviceMac {
    /** A LinkCheckAns: the uplink's margin over the demodulation floor in dB, and how many gateways heard it. */
    public record LinkCheck(int margin, int gwCnt) {
    }

    /** A DeviceTimeAns: whole seconds since the GPS epoch and the fraction in 1/256 s. */
    public record DeviceTime(long gpsSeconds, int fraction) {
        public long gpsMillis() {
            return gpsSeconds * 1000 + fraction * 1000L / 256;
        }
    }

    /** A BeaconTimingAns (LoRaWAN 1.0.2 section 14.5): the next beacon in 30 ms steps, and its channel. */
    public record BeaconTiming(int delay, int channel) {
    }

    /** A ForceRejoinReq (LoRaWAN 1.1 section 5.13): Period, Max_Retries, RejoinType and DR. */
    public record ForceRejoin(int period, int maxRetries, int rejoinType, int dr) {
    }

    /** How long a pending command stays in the uplinks. */
    private enum Lifetime {
        /** The next uplink only. */
        ONCE,
        /** Every uplink until a downlink arrives (RXParamSetupAns, RXTimingSetupAns, DlChannelAns, TXParamSetupAns). */
        UNTIL_DOWNLINK,
        /** Every uplink until the network's confirmation (ResetInd, RekeyInd, DeviceModeInd). */
        UNTIL_CONF
    }

    private record Pending(int cid, byte[] bytes, Lifetime lifetime) {
    }

    /** TxParamSetupReq's MaxEIRP coding in dBm (TS001 1.0.4 Table 48). */
    private static final int[] MAX_EIRP_DBM = {8, 10, 12, 13, 14, 16, 18, 20, 21, 24, 26, 27, 29, 30, 33, 36};

    public final DeviceMacState state;
    private final boolean lorawan11;
    /** DeviceTimeReq/Ans exist from LoRaWAN 1.0.3; from then on BeaconTimingReq/Ans are deprecated. */
    private final boolean deviceTime;
    /** LoRaWAN 1.0.4 repeats TXParamSetupAns like the other answers about downlink parameters; 1.0.3 and 1.1 not. */
    private final Lifetime txParamSetupAns;

    /** DevStatusAns Battery: 0 external power, 1-254 level, 255 unknown. */
    public int battery = 255;
    /** DevStatusAns Margin: SNR in dB of the last DevStatusReq, -32 to 31. */
    public int margin;
    /** The device refuses (DataRate ACK 0) a LinkADRReq data rate above this one, to test partial refusals. */
    public int maxDataRate = 15;
    /** The lowest power the device can transmit at, as a TXPower index: higher indexes are refused (Power ACK 0). */
    public int maxTxPowerIndex = 15;
    /** RejoinParamSetupAns TimeOK: whether the device accepts the time limit of RejoinParamSetupReq. */
    public boolean acceptRejoinTime = true;

    public final List<LinkCheck> linkChecks = new ArrayList<>();
    public final List<DeviceTime> deviceTimes = new ArrayList<>();
    public final List<ForceRejoin> forceRejoins = new ArrayList<>();
    public final List<BeaconTiming> beaconTimings = new ArrayList<>();
    /** The Class B side, once {@link #classB} made the device Class B capable; else null. */
    public DeviceClassB classB;
    /** The Serv LoRaWAN version of each ResetConf, the version of each RekeyConf, the Class of each DeviceModeConf. */
    public final List<Integer> resetConfs = new ArrayList<>();
    public final List<Integer> rekeyConfs = new ArrayList<>();
    public final List<Integer> deviceModeConfs = new ArrayList<>();
    /** The CIDs of the commands read, in order, over every downlink. */
    public final List<Integer> handled = new ArrayList<>();
    /** The unknown (or truncated) CIDs at which reading stopped, one per downlink that had one. */
    public final List<Integer> unknown = new ArrayList<>();

    private final List<Pending> pending = new ArrayList<>();

    public DeviceMac(DeviceRegion region, String version, int dataRate, long seed) {
        this.state = new DeviceMacState(region, dataRate, seed);
        this.lorawan11 = version.startsWith("1.1");
        this.deviceTime = lorawan11 || version.compareTo("1.0.3") >= 0;
        this.txParamSetupAns = version.equals("1.0.4") ? Lifetime.UNTIL_DOWNLINK : Lifetime.ONCE;
    }

    /** A join-accept or rejoin-accept opened: a new session, nothing pending from the last one (see the state's). */
    public void joined(int rx1DrOffset, int rx2Dr, int rxDelay, byte[] cfList) {
        pending.clear();
        state.applyJoinAccept(rx1DrOffset, rx2Dr, rxDelay, cfList);
    }

    /** Makes the device Class B capable (it then knows the Class B MAC commands), with a ping-slot periodicity. */
    public DeviceClassB classB(int periodicity) {
        classB = new DeviceClassB(state.region, periodicity);
        return classB;
    }

    /**
     * Sends a PingSlotInfoReq with the next uplink: from LoRaWAN 1.0.3 on PingSlotParam is RFU | Periodicity (bits
     * 2:0; 1.0.4 section 12.1); up to 1.0.2 RFU | Periodicity (bits 6:4) | the ping data rate (bits 3:0; 1.0.2
     * section 14.1).
     */
    public void pingSlotInfoReq() {
        int param = deviceTime ? classB.periodicity : classB.periodicity << 4 | classB.dataRate();
        classB.pingSlotInfoAcknowledged = false;
        pending.add(new Pending(0x10, new byte[] {0x10, (byte) param}, Lifetime.ONCE));
    }

    /** Sends a BeaconTimingReq with the next uplink (LoRaWAN 1.0.0 to 1.0.2 only). */
    public void beaconTimingReq() {
        if (deviceTime) {
            throw new IllegalStateException("BeaconTimingReq is deprecated from LoRaWAN 1.0.3 on: use DeviceTimeReq");
        }
        pending.add(new Pending(0x12, new byte[] {0x12}, Lifetime.ONCE));
    }

    /** Sends a LinkCheckReq with the next uplink. */
    public void linkCheckReq() {
        pending.add(new Pending(0x02, new byte[] {0x02}, Lifetime.ONCE));
    }

    /** Sends a DeviceTimeReq with the next uplink. */
    public void deviceTimeReq() {
        pending.add(new Pending(0x0D, new byte[] {0x0D}, Lifetime.ONCE));
    }

    /**
     * A LoRaWAN 1.1 indication repeated in every uplink until its confirmation: ResetInd (0x01, Dev LoRaWAN
     * version), RekeyInd (0x0B, Dev LoRaWAN version) or DeviceModeInd (0x20, Class).
     */
    public void indicate(int cid, int value) {
        if (cid != 0x01 && cid != 0x0B && cid != 0x20) {
            throw new IllegalArgumentException("not an indication: 0x" + Integer.toHexString(cid));
        }
        pending.add(new Pending(cid, new byte[] {(byte) cid, (byte) value}, Lifetime.UNTIL_CONF));
    }

    /** The commands the next uplink carries, in the order they arose. */
    public byte[] pendingCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pending.forEach(p -> out.writeBytes(p.bytes()));
        return out.toByteArray();
    }

    /** The commands of the uplink being sent: what is sent once leaves the queue; sticky answers stay. */
    byte[] takeUplinkCommands() {
        byte[] commands = pendingCommands();
        pending.removeIf(p -> p.lifetime() == Lifetime.ONCE);
        return commands;
    }

    /**
     * A downlink arrived with {@code commands} (its clear FOpts or FPort 0 FRMPayload, possibly empty): ADR_ACK_CNT
     * restarts, the answers kept "until a downlink" stop, and each command is applied and answered. The first
     * unknown CID ends reading (TS001 1.0.4 section 5: its length is unknown); the commands before it count.
     */
    public void receive(byte[] commands) {
        state.downlinkReceived();
        pending.removeIf(p -> p.lifetime() == Lifetime.UNTIL_DOWNLINK);
        int at = 0;
        while (at < commands.length) {
            int cid = commands[at] & 0xFF;
            int length = payloadLength(cid);
            if (length < 0 || at + 1 + length > commands.length) {
                unknown.add(cid);
                return;
            }
            if (cid == 0x03) {
                int end = at;
                while (end + 5 <= commands.length && commands[end] == 0x03) {
                    end += 5;
                }
                linkAdrBlock(commands, at, end);
                at = end;
                continue;
            }
            handled.add(cid);
            handle(cid, Arrays.copyOfRange(commands, at + 1, at + 1 + length));
            at += 1 + length;
        }
    }

    /** The payload length of a network-sent command this device's LoRaWAN version knows, else -1. */
    private int payloadLength(int cid) {
        return switch (cid) {
            case 0x02 -> 2;
            case 0x03, 0x05 -> 4;
            case 0x04, 0x08, 0x09 -> 1;
            case 0x06 -> 0;
            case 0x07 -> 5;
            case 0x0A -> 4;
            case 0x0D -> deviceTime ? 5 : -1;
            case 0x01, 0x0B, 0x0C, 0x0F, 0x20 -> lorawan11 ? 1 : -1;
            case 0x0E -> lorawan11 ? 2 : -1;
            case 0x10 -> classB != null ? 0 : -1;
            case 0x11 -> classB != null ? 4 : -1;
            case 0x12 -> classB != null && !deviceTime ? 3 : -1;
            case 0x13 -> classB != null ? 3 : -1;
            default -> -1;
        };
    }

    private void handle(int cid, byte[] p) {
        switch (cid) {
            case 0x01 -> confirmed(0x01, resetConfs, p[0] & 0x0F);
            case 0x02 -> linkChecks.add(new LinkCheck(p[0] & 0xFF, p[1] & 0xFF));
            case 0x04 -> dutyCycle(p[0]);
            case 0x05 -> rxParamSetup(p);
            case 0x06 -> answer(Lifetime.ONCE, 0x06, battery, margin & 0x3F);
            case 0x07 -> newChannel(p);
            case 0x08 -> rxTimingSetup(p[0]);
            case 0x09 -> txParamSetup(p[0]);
            case 0x0A -> dlChannel(p);
            case 0x0B -> confirmed(0x0B, rekeyConfs, p[0] & 0x0F);
            case 0x0C -> adrParamSetup(p[0]);
            case 0x0D -> deviceTimes.add(new DeviceTime(Integer.toUnsignedLong(
                    (p[0] & 0xFF) | (p[1] & 0xFF) << 8 | (p[2] & 0xFF) << 16 | (p[3] & 0xFF) << 24), p[4] & 0xFF));
            case 0x0E -> forceRejoin(p);
            case 0x0F -> rejoinParamSetup(p[0]);
            case 0x10 -> classB.pingSlotInfoAcknowledged = true;
            // PingSlotChannelAns goes in every uplink until a Class A downlink comes (1.0.4 section 12.3).
            case 0x11 -> answer(Lifetime.UNTIL_DOWNLINK, 0x11,
                    classB.pingSlotChannel(100L * DeviceMacState.uint24(p, 0), p[3] & 0x0F));
            case 0x12 -> beaconTimings.add(new BeaconTiming((p[0] & 0xFF) | (p[1] & 0xFF) << 8, p[2] & 0xFF));
            case 0x13 -> answer(Lifetime.ONCE, 0x13, classB.beaconFrequency(100L * DeviceMacState.uint24(p, 0)));
            case 0x20 -> confirmed(0x20, deviceModeConfs, p[0] & 0xFF);
            default -> throw new IllegalStateException("no handler for CID 0x" + Integer.toHexString(cid));
        }
    }

    private void answer(Lifetime lifetime, int cid, int... payload) {
        byte[] bytes = new byte[1 + payload.length];
        bytes[0] = (byte) cid;
        for (int i = 0; i < payload.length; i++) {
            bytes[i + 1] = (byte) payload[i];
        }
        pending.add(new Pending(cid, bytes, lifetime));
    }

    /** A confirmation ends the repetition of its indication. */
    private void confirmed(int cid, List<Integer> record, int value) {
        record.add(value);
        pending.removeIf(p -> p.cid() == cid && p.lifetime() == Lifetime.UNTIL_CONF);
    }

    /**
     * Contiguous LinkADRReq commands at [from, end) form one atomic block (TS001 1.0.4 section 5.3): the channel
     * masks apply in order, DataRate, TXPower and NbTrans come from the last command, and either everything is
     * applied or nothing; each command gets a LinkADRAns with the same status. DataRate or TXPower 0xF keep the
     * current value; NbTrans 0 means the default, 1.
     */
    private void linkAdrBlock(byte[] commands, int from, int end) {
        DeviceRegion region = state.region;
        boolean[] defined = state.definedChannels();
        boolean[] mask = state.enabled.clone();
        boolean maskOk = true;
        for (int at = from; at < end; at += 5) {
            handled.add(0x03);
            int chMask = (commands[at + 2] & 0xFF) | (commands[at + 3] & 0xFF) << 8;
            int chMaskCntl = (commands[at + 4] >>> 4) & 0x07;
            if (region.masksUndefined(defined, chMaskCntl, chMask)
                    || !region.applyChMask(mask, defined, chMaskCntl, chMask)) {
                maskOk = false;
            }
        }
        int last = end - 5;
        int dataRate = (commands[last + 1] >>> 4) & 0x0F;
        int txPower = commands[last + 1] & 0x0F;
        int nbTrans = commands[last + 4] & 0x0F;
        boolean anyChannel = false;
        for (int ch = 0; ch < mask.length; ch++) {
            anyChannel |= mask[ch] && defined[ch];
        }
        maskOk &= anyChannel;
        int newDr = dataRate == 0x0F ? state.dataRate : dataRate;
        boolean drOk = dataRate == 0x0F || region.uplinkDr(dataRate) && dataRate <= maxDataRate
                && dataRate >= region.minUplinkDr(state.uplinkDwellTime);
        // The data rate must be usable on the channels the device will have: the new mask, or the current if refused.
        drOk &= allowedByAnEnabledChannel(maskOk ? mask : state.enabled, newDr);
        boolean powerOk = txPower == 0x0F || txPower <= region.maxTxPowerIndex && txPower <= maxTxPowerIndex;
        if (maskOk && drOk && powerOk) {
            System.arraycopy(mask, 0, state.enabled, 0, mask.length);
            state.dataRate = newDr;
            if (txPower != 0x0F) {
                state.txPowerIndex = txPower;
            }
            state.nbTrans = nbTrans == 0 ? 1 : nbTrans;
        }
        int status = (powerOk ? 0x04 : 0) | (drOk ? 0x02 : 0) | (maskOk ? 0x01 : 0);
        for (int at = from; at < end; at += 5) {
            answer(Lifetime.ONCE, 0x03, status);
        }
    }

    private boolean allowedByAnEnabledChannel(boolean[] mask, int dr) {
        for (int ch = 0; ch < mask.length; ch++) {
            DeviceRegion.Channel channel = state.channels[ch];
            if (mask[ch] && channel != null && channel.allows(dr)) {
                return true;
            }
        }
        return false;
    }

    /** DutyCycleReq: aggregated duty cycle 1 / 2^MaxDutyCycle; DutyCycleAns has no payload. */
    private void dutyCycle(byte dutyCyclePl) {
        state.maxDutyCycle = dutyCyclePl & 0x0F;
        answer(Lifetime.ONCE, 0x04);
    }

    /**
     * RXParamSetupReq (TS001 1.0.4 section 5.4): DLsettings (RX1DROffset, RX2DataRate) and the RX2 frequency; all or
     * nothing; RXParamSetupAns is repeated in every uplink until a downlink arrives.
     */
    private void rxParamSetup(byte[] p) {
        int offset = (p[0] >>> 4) & 0x07;
        int rx2Dr = p[0] & 0x0F;
        long hz = 100L * DeviceMacState.uint24(p, 1);
        boolean channelOk = state.region.receivable(hz);
        boolean rx2DrOk = state.region.downlinkDr(rx2Dr);
        boolean offsetOk = offset <= state.region.maxRx1DrOffset;
        if (channelOk && rx2DrOk && offsetOk) {
            state.rx1DrOffset = offset;
            state.rx2Dr = rx2Dr;
            state.rx2FrequencyHz = hz;
        }
        answer(Lifetime.UNTIL_DOWNLINK, 0x05, (offsetOk ? 0x04 : 0) | (rx2DrOk ? 0x02 : 0) | (channelOk ? 0x01 : 0));
    }

    /**
     * NewChannelReq (TS001 1.0.4 section 5.6): ChIndex, Freq, DrRange (MaxDR high nibble, MinDR low); frequency 0
     * removes the channel; the default channels cannot be changed. A fixed-plan region has no channels to define
     * (RP002): the device refuses both fields.
     */
    private void newChannel(byte[] p) {
        if (!state.region.dynamicPlan) {
            answer(Lifetime.ONCE, 0x07, 0);
            return;
        }
        int ch = p[0] & 0xFF;
        long hz = 100L * DeviceMacState.uint24(p, 1);
        int maxDr = (p[4] >>> 4) & 0x0F;
        int minDr = p[4] & 0x0F;
        boolean changeable = ch >= state.region.defaultChannels.size() && ch < state.channels.length;
        boolean frequencyOk = changeable && (hz == 0 || state.region.inBand(hz));
        boolean drOk = changeable && (hz == 0 || minDr <= maxDr && state.region.uplinkDr(minDr)
                && state.region.uplinkDr(maxDr));
        if (frequencyOk && drOk) {
            state.channels[ch] = hz == 0 ? null : new DeviceRegion.Channel(hz, minDr, maxDr);
            state.enabled[ch] = hz != 0;
            state.downlinkHz[ch] = 0;
        }
        answer(Lifetime.ONCE, 0x07, (drOk ? 0x02 : 0) | (frequencyOk ? 0x01 : 0));
    }

    /** RXTimingSetupReq: Del 0 means 1 s; RXTimingSetupAns is repeated until a downlink arrives (section 5.7). */
    private void rxTimingSetup(byte settings) {
        state.rx1Delay = Math.max(1, settings & 0x0F);
        answer(Lifetime.UNTIL_DOWNLINK, 0x08);
    }

    /**
     * TxParamSetupReq (section 5.8): DownlinkDwellTime bit 5, UplinkDwellTime bit 4, MaxEIRP bits 3:0. Only where
     * the region implements it (AS923, AU915); elsewhere the device neither applies nor answers it.
     */
    private void txParamSetup(byte eirpDwellTime) {
        if (!state.region.txParamSetup) {
            return;
        }
        state.downlinkDwellTime = (eirpDwellTime & 0x20) != 0;
        state.uplinkDwellTime = (eirpDwellTime & 0x10) != 0;
        state.maxEirpDbm = MAX_EIRP_DBM[eirpDwellTime & 0x0F];
        answer(txParamSetupAns, 0x09);
    }

    /**
     * DlChannelReq (section 5.10 in 1.1): the RX1 frequency of an existing uplink channel; DlChannelAns (bit 1
     * uplink frequency exists, bit 0 channel frequency OK) is repeated until a downlink arrives. A fixed-plan
     * region's RX1 channels are fixed: the device refuses both fields.
     */
    private void dlChannel(byte[] p) {
        if (!state.region.dynamicPlan) {
            answer(Lifetime.UNTIL_DOWNLINK, 0x0A, 0);
            return;
        }
        int ch = p[0] & 0xFF;
        long hz = 100L * DeviceMacState.uint24(p, 1);
        boolean uplinkExists = ch < state.channels.length && state.channels[ch] != null;
        boolean frequencyOk = state.region.inBand(hz);
        if (uplinkExists && frequencyOk) {
            state.downlinkHz[ch] = hz;
        }
        answer(Lifetime.UNTIL_DOWNLINK, 0x0A, (uplinkExists ? 0x02 : 0) | (frequencyOk ? 0x01 : 0));
    }

    /** ADRParamSetupReq (LoRaWAN 1.1 section 5.11): ADR_ACK_LIMIT = 2^Limit_exp, ADR_ACK_DELAY = 2^Delay_exp. */
    private void adrParamSetup(byte adrParam) {
        state.adrAckLimit = 1 << ((adrParam >>> 4) & 0x0F);
        state.adrAckDelay = 1 << (adrParam & 0x0F);
        answer(Lifetime.ONCE, 0x0C);
    }

    /** ForceRejoinReq (1.1 section 5.13): bits 13:11 Period, 10:8 Max_Retries, 6:4 RejoinType, 3:0 DR; no answer. */
    private void forceRejoin(byte[] p) {
        int value = (p[0] & 0xFF) | (p[1] & 0xFF) << 8;
        forceRejoins.add(new ForceRejoin((value >>> 11) & 0x07, (value >>> 8) & 0x07, (value >>> 4) & 0x07,
                value & 0x0F));
    }

    /** RejoinParamSetupReq (1.1 section 5.14): MaxTimeN bits 7:4, MaxCountN bits 3:0; the answer's TimeOK bit 0. */
    private void rejoinParamSetup(byte p) {
        state.rejoinMaxCountN = p & 0x0F;
        if (acceptRejoinTime) {
            state.rejoinMaxTimeN = (p >>> 4) & 0x0F;
        }
        answer(Lifetime.ONCE, 0x0F, acceptRejoinTime ? 0x01 : 0);
    }
}
