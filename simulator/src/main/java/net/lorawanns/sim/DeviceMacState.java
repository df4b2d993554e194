package net.lorawanns.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The radio settings an end device keeps (LoRaWAN 1.0.4 and 1.1 sections 4 to 6, RP002 for the region): its uplink
 * channels and which are enabled, data rate, TX power index, NbTrans, receive windows, duty cycle, ADR
 * acknowledgement counter, dwell times, maximum EIRP and rejoin parameters. Tests read and set the fields directly;
 * {@link DeviceMac} changes them as the network's MAC commands ask.
 * Not thread-safe: one thread uses it (a test's, or the simulation's).
 */
public final class DeviceMacState {
    /** TS001 4.3.1.1 and RP002 section 3 defaults. */
    public static final int ADR_ACK_LIMIT = 64;
    public static final int ADR_ACK_DELAY = 32;

    public final DeviceRegion region;
    /** Channel slots by index; null where no channel is defined. */
    final DeviceRegion.Channel[] channels;
    final boolean[] enabled;
    /** RX1 frequency set by DlChannelReq per channel, 0 for "the uplink frequency". */
    final long[] downlinkHz;

    public int dataRate;
    public int txPowerIndex;
    public int nbTrans = 1;
    /** RECEIVE_DELAY1 in seconds (1 to 15). */
    public int rx1Delay = 1;
    public int rx1DrOffset;
    public long rx2FrequencyHz;
    public int rx2Dr;
    /** DutyCycleReq's MaxDutyCycle: the aggregated duty cycle is 1 / 2^maxDutyCycle (0: no limit but the region's). */
    public int maxDutyCycle;
    public boolean adr = true;
    public int adrAckLimit = ADR_ACK_LIMIT;
    public int adrAckDelay = ADR_ACK_DELAY;
    /** Uplinks since the last downlink (ADR_ACK_CNT). */
    public int adrAckCnt;
    public boolean uplinkDwellTime;
    public boolean downlinkDwellTime;
    public int maxEirpDbm;
    /** RejoinParamSetupReq: a rejoin-request type 0 every 2^(MaxCountN+4) uplinks or 2^(MaxTimeN+10) seconds. */
    public int rejoinMaxCountN = -1;
    public int rejoinMaxTimeN = -1;
    /** The channel the next uplink uses, or -1 to draw one from the enabled channels. */
    private int pinnedChannel = -1;
    private final Random random;

    DeviceMacState(DeviceRegion region, int dataRate, long seed) {
        this.region = region;
        this.channels = new DeviceRegion.Channel[region.maxChannels];
        this.enabled = new boolean[region.maxChannels];
        this.downlinkHz = new long[region.maxChannels];
        this.dataRate = dataRate;
        this.random = new Random(seed);
        this.maxEirpDbm = region.defaultMaxEirpDbm;
        this.rx2FrequencyHz = region.rx2FrequencyHz;
        this.rx2Dr = region.rx2Dr;
        enableDefaultChannels();
    }

    /**
     * After a reset or at the end of the ADR backoff: the region's default channels enabled; for a fixed plan every
     * channel (TS001 1.0.4 section 4.3.1.1); channels added by NewChannelReq stay as they are.
     */
    private void enableDefaultChannels() {
        List<DeviceRegion.Channel> defaults = region.defaultChannels;
        for (int i = 0; i < defaults.size(); i++) {
            channels[i] = defaults.get(i);
            enabled[i] = true;
        }
    }

    /**
     * A join-accept (or rejoin-accept) starts the MAC layer afresh: default channels only, maximum TX power,
     * NbTrans 1, no duty-cycle or ADR parameters left from the previous session; the data rate stays the one the
     * join used and the dwell-time and EIRP limits stay what the device knows of its country. Then its DLSettings,
     * RXDelay and CFList apply (TS001 1.0.4 section 6.2.6): the CFList acts as if its NewChannelReq (type 0) or
     * LinkADRReq (type 1) commands had come after the other fields (RP002 per region).
     */
    public void applyJoinAccept(int rx1DrOffset, int rx2Dr, int rxDelay, byte[] cfList) {
        Arrays.fill(channels, null);
        Arrays.fill(enabled, false);
        Arrays.fill(downlinkHz, 0);
        enableDefaultChannels();
        this.txPowerIndex = 0;
        this.nbTrans = 1;
        this.maxDutyCycle = 0;
        this.adrAckLimit = ADR_ACK_LIMIT;
        this.adrAckDelay = ADR_ACK_DELAY;
        this.adrAckCnt = 0;
        this.rejoinMaxCountN = -1;
        this.rejoinMaxTimeN = -1;
        this.rx1DrOffset = rx1DrOffset;
        this.rx2Dr = rx2Dr;
        this.rx1Delay = Math.max(1, rxDelay);
        this.rx2FrequencyHz = region.rx2FrequencyHz;
        if (cfList != null) {
            applyCfList(cfList);
        }
    }

    private void applyCfList(byte[] cfList) {
        int type = cfList[15] & 0xFF;
        if (region.dynamicPlan) {
            if (type != 0) {
                throw new AssertionError(region + " takes CFList type 0 (frequencies), got type " + type);
            }
            // Five frequencies of 3 octets (100 Hz units) for the channels after the defaults, DR0-DR5; 0: none.
            int first = region.defaultChannels.size();
            for (int i = 0; i < 5; i++) {
                long hz = 100L * uint24(cfList, i * 3);
                if (hz != 0) {
                    if (!region.inBand(hz)) {
                        throw new AssertionError("CFList frequency " + hz + " Hz outside " + region);
                    }
                    channels[first + i] = new DeviceRegion.Channel(hz, 0, 5);
                    enabled[first + i] = true;
                }
            }
            return;
        }
        if (type != 1) {
            throw new AssertionError(region + " takes CFList type 1 (channel masks), got type " + type);
        }
        // ChMask0, ChMask1, ... with a virtual ChMaskCntl counting from 0: 5 masks (channels 0-79) for US915 and
        // AU915, 6 (channels 0-95) for CN470, then RFU octets.
        int masks = (region.maxChannels + 15) / 16;
        for (int i = 0; i < masks; i++) {
            int mask = (cfList[2 * i] & 0xFF) | (cfList[2 * i + 1] & 0xFF) << 8;
            for (int bit = 0; bit < 16 && i * 16 + bit < enabled.length; bit++) {
                enabled[i * 16 + bit] = (mask & (1 << bit)) != 0;
            }
        }
    }

    static int uint24(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16;
    }

    /** The indexes of enabled channels that allow {@code dr}. */
    public List<Integer> usableChannels(int dr) {
        List<Integer> out = new ArrayList<>();
        for (int ch = 0; ch < channels.length; ch++) {
            if (enabled[ch] && channels[ch] != null && channels[ch].allows(dr)) {
                out.add(ch);
            }
        }
        return out;
    }

    /** The enabled channel indexes. */
    public List<Integer> enabledChannels() {
        List<Integer> out = new ArrayList<>();
        for (int ch = 0; ch < channels.length; ch++) {
            if (enabled[ch] && channels[ch] != null) {
                out.add(ch);
            }
        }
        return out;
    }

    public DeviceRegion.Channel channel(int index) {
        return channels[index];
    }

    /** Makes the next uplinks use {@code index} (it must be enabled and allow the data rate); -1 draws again. */
    public void pinChannel(int index) {
        pinnedChannel = index;
    }

    /** The channel of the next uplink: the pinned one, else one drawn from the usable channels. */
    int nextChannel() {
        List<Integer> usable = usableChannels(dataRate);
        if (pinnedChannel >= 0) {
            if (!usable.contains(pinnedChannel)) {
                throw new AssertionError("channel " + pinnedChannel + " is not enabled for DR" + dataRate);
            }
            return pinnedChannel;
        }
        if (usable.isEmpty()) {
            throw new AssertionError("no enabled channel allows DR" + dataRate);
        }
        return usable.get(random.nextInt(usable.size()));
    }

    /** Where the device listens in RX1 after an uplink on channel {@code ch}. */
    public long rx1FrequencyHz(int ch) {
        if (!region.dynamicPlan) {
            return region.rx1Frequency(ch);
        }
        return downlinkHz[ch] != 0 ? downlinkHz[ch] : channels[ch].frequencyHz();
    }

    /** The RX1 data rate after an uplink at the current data rate. */
    public int rx1Dr() {
        return region.rx1Dr(dataRate, rx1DrOffset, downlinkDwellTime);
    }

    /** The radiated power the TX power index stands for: max EIRP - 2 dB per step (RP002). */
    public int eirpDbm() {
        return maxEirpDbm - 2 * txPowerIndex;
    }

    /**
     * Counts an uplink for ADR (TS001 1.0.4 section 4.3.1.1 and its Table 9): with ADR on, ADRACKReq is set once
     * ADR_ACK_CNT reaches ADR_ACK_LIMIT; each ADR_ACK_DELAY uplinks after that without a downlink, the device first
     * returns to its default (maximum) TX power, then steps its data rate down, and at the lowest one sets NbTrans
     * to 1 and enables its default channels. Returns the ADRACKReq bit of this uplink.
     */
    boolean countUplink() {
        int count = adrAckCnt++;
        if (!adr || count < adrAckLimit) {
            return false;
        }
        int beyond = count - adrAckLimit;
        if (beyond > 0 && beyond % adrAckDelay == 0) {
            if (txPowerIndex != 0) {
                txPowerIndex = 0;
            } else if (dataRate > region.minUplinkDr(uplinkDwellTime)) {
                dataRate--;
            } else {
                nbTrans = 1;
                enableDefaultChannels();
            }
        }
        return true;
    }

    /** Any downlink resets ADR_ACK_CNT. */
    void downlinkReceived() {
        adrAckCnt = 0;
    }

    boolean[] definedChannels() {
        boolean[] defined = new boolean[channels.length];
        for (int ch = 0; ch < channels.length; ch++) {
            defined[ch] = channels[ch] != null;
        }
        return defined;
    }

    @Override
    public String toString() {
        return region + " DR" + dataRate + " TXPower " + txPowerIndex + " NbTrans " + nbTrans + " channels "
                + enabledChannels() + " RX1 delay " + rx1Delay + " offset " + rx1DrOffset + " RX2 " + rx2FrequencyHz
                + " DR" + rx2Dr + " ADR_ACK_CNT " + adrAckCnt;
    }
}
