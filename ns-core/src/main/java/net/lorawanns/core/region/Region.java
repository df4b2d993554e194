package net.lorawanns.core.region;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * One region of the LoRaWAN Regional Parameters (RP002-1.0.4 unless a method says otherwise) as this network runs
 * it: RP002's tables plus the operator's channel choice ({@link #withExtraChannels} for dynamic plans,
 * {@link #withSubBands} for fixed ones) and RX2 setting ({@link #withNetworkRx2}). Immutable and safe to share
 * between threads; the {@code with...} methods return a new region.
 */
public abstract sealed class Region permits DynamicPlanRegion, FixedPlanRegion {
    final RegionTables tables;
    private final long networkRx2FrequencyHz;
    private final int networkRx2DataRate;

    Region(RegionTables tables, long networkRx2FrequencyHz, int networkRx2DataRate) {
        this.tables = tables;
        this.networkRx2FrequencyHz = networkRx2FrequencyHz;
        this.networkRx2DataRate = networkRx2DataRate;
    }

    /** The configuration name, e.g. {@code eu868} or {@code as923-2}. */
    public String id() {
        return tables.id;
    }

    /** The modulation of data rate {@code dr}. */
    public DataRate dataRate(int dr) {
        if (dr < 0 || dr >= tables.dataRates.length || tables.dataRates[dr] == null) {
            throw new IllegalArgumentException(id() + " has no DR" + dr
                    + " (RFU, LR-FHSS or out of range; this server serves LoRa and FSK data rates only)");
        }
        return tables.dataRates[dr];
    }

    /** The uplink data-rate index of a modulation, or empty when no uplink data rate of the region has it. */
    public OptionalInt uplinkDataRateIndex(DataRate dataRate) {
        return indexOf(dataRate, 0, tables.maxUplinkDr);
    }

    /** The downlink data-rate index of a modulation, or empty when no downlink data rate of the region has it. */
    public OptionalInt downlinkDataRateIndex(DataRate dataRate) {
        return indexOf(dataRate, tables.minDownlinkDr, tables.dataRates.length - 1);
    }

    private OptionalInt indexOf(DataRate dataRate, int from, int to) {
        for (int dr = from; dr <= to; dr++) {
            if (dataRate.equals(tables.dataRates[dr])) {
                return OptionalInt.of(dr);
            }
        }
        return OptionalInt.empty();
    }

    boolean isUplinkDataRate(int dr) {
        return dr >= 0 && dr <= tables.maxUplinkDr && dr < tables.dataRates.length && tables.dataRates[dr] != null;
    }

    /** Whether a frequency lies in the band the region's channels may use. */
    public boolean inBand(long frequencyHz) {
        return frequencyHz >= tables.minFrequencyHz && frequencyHz <= tables.maxFrequencyHz;
    }

    /**
     * Fixed plans only: the region with exactly the channels of these 1-based sub-bands enabled (eight 125 kHz
     * channels each, plus the sub-band's 500 kHz channel where the region has them).
     *
     * @throws IllegalArgumentException for a dynamic plan, an empty set or a sub-band the region does not have
     */
    public abstract Region withSubBands(Set<Integer> subBands);

    /**
     * Dynamic plans only: the region with RP002's default channels followed by these (replacing any earlier extra
     * channels), channel indices in that order.
     *
     * @throws IllegalArgumentException for a fixed plan, a frequency outside the band, a default channel's frequency
     *                                  given again, a data rate the region has not, or more than 16 channels in all
     */
    public abstract Region withExtraChannels(List<Channel> extraChannels);

    /**
     * The region with the RX2 frequency and data rate the network wants its devices on ({@link #networkRx2Frequency},
     * {@link #networkRx2DataRate}); {@link #rx2Frequency} and {@link #rx2DataRate} stay RP002's defaults.
     *
     * @throws IllegalArgumentException for a frequency outside the band or a data rate without a downlink modulation
     */
    public abstract Region withNetworkRx2(long frequencyHz, int dataRate);

    void checkNetworkRx2(long frequencyHz, int dr) {
        if (!inBand(frequencyHz)) {
            throw new IllegalArgumentException(frequencyHz + " Hz is outside " + id() + "'s band ("
                    + tables.minFrequencyHz + "-" + tables.maxFrequencyHz + " Hz)");
        }
        if (dr < tables.minDownlinkDr || dr >= tables.dataRates.length || tables.dataRates[dr] == null) {
            throw new IllegalArgumentException(id() + " has no downlink data rate DR" + dr);
        }
    }

    /** The enabled uplink channels in channel-index order (for dynamic plans the list index is the channel index). */
    public abstract List<Channel> uplinkChannels();

    /** The indices of the enabled uplink channels. */
    public abstract SortedSet<Integer> enabledUplinkChannelIndices();

    /**
     * The uplink channel index of a frequency (TxCh of the LoRaWAN 1.1 uplink MIC), whether the channel is enabled
     * or not; empty when the region has no channel there.
     */
    public abstract OptionalInt uplinkChannel(long frequencyHz);

    /** Whether an uplink on this frequency at this data rate is on an enabled channel that allows the data rate. */
    public abstract boolean acceptsUplink(long frequencyHz, int dr);

    /**
     * RX1 frequency for an uplink received on {@code uplinkFrequencyHz}.
     *
     * @throws IllegalArgumentException for a fixed plan and a frequency that is none of its channels
     */
    public abstract long rx1Frequency(long uplinkFrequencyHz);

    /** RX1 data rate for an uplink at {@code uplinkDr} with the device's RX1DROffset, without downlink dwell time. */
    public int rx1DataRate(int uplinkDr, int rx1DrOffset) {
        return rx1DataRate(uplinkDr, rx1DrOffset, false);
    }

    /**
     * RX1 data rate from the region's RX1 table; only AS923's depends on the downlink dwell time.
     *
     * @throws IllegalArgumentException for an offset beyond {@link #maxRx1DrOffset} or an uplink data rate the
     *                                  region does not serve
     */
    public int rx1DataRate(int uplinkDr, int rx1DrOffset, boolean downlinkDwellTime) {
        int[][] table = downlinkDwellTime ? tables.rx1DataRatesDownlinkDwellTime : tables.rx1DataRates;
        if (uplinkDr < 0 || uplinkDr >= table.length || table[uplinkDr] == null) {
            throw new IllegalArgumentException(id() + " has no RX1 data rate for uplink DR" + uplinkDr);
        }
        if (rx1DrOffset < 0 || rx1DrOffset > maxRx1DrOffset()) {
            throw new IllegalArgumentException(id() + " allows RX1DROffset 0-" + maxRx1DrOffset() + ", got "
                    + rx1DrOffset);
        }
        return table[uplinkDr][rx1DrOffset];
    }

    /** The highest RX1DROffset the region defines. */
    public int maxRx1DrOffset() {
        for (int[] row : tables.rx1DataRates) {
            if (row != null) {
                return row.length - 1;
            }
        }
        throw new IllegalStateException(id() + " has no RX1 table");
    }

    /** RP002's default RX2 frequency: the one a device uses until told otherwise. */
    public long rx2Frequency() {
        return tables.rx2FrequencyHz;
    }

    /** RP002's default RX2 data rate: the one a device uses until told otherwise. */
    public int rx2DataRate() {
        return tables.rx2DataRate;
    }

    /** The RX2 frequency the network tells its devices and sends data downlinks on. */
    public long networkRx2Frequency() {
        return networkRx2FrequencyHz;
    }

    /** The RX2 data rate the network tells its devices (join-accept DLSettings) and sends data downlinks at. */
    public int networkRx2DataRate() {
        return networkRx2DataRate;
    }

    /**
     * The maximum payload sizes at a data rate (RP002 "maximum payload size" tables). {@code dwellTime} picks the
     * 400 ms table in regions with TxParamSetupReq and is ignored elsewhere.
     *
     * @throws IllegalArgumentException for a data rate without a row (RFU, LR-FHSS, or N/A under the dwell time)
     */
    public MaxPayload maxPayload(int dr, boolean repeaterCompatible, boolean dwellTime) {
        return tables.maxPayloads.maxPayload(id(), dr, repeaterCompatible, dwellTime);
    }

    /**
     * The largest FRMPayload (N, without repeater) any downlink data rate of the region carries: a payload beyond it
     * can never be sent to a device here.
     */
    public int largestDownlinkPayload(boolean dwellTime) {
        int largest = 0;
        for (int dr = tables.minDownlinkDr; dr < tables.dataRates.length; dr++) {
            if (tables.dataRates[dr] != null) {
                try {
                    largest = Math.max(largest, maxPayload(dr, false, dwellTime).n());
                } catch (IllegalArgumentException notUnderDwellTime) {
                    // a data rate without a row under this dwell time carries nothing
                }
            }
        }
        return largest;
    }

    /**
     * The CFList of a join-accept to a device implementing this revision of the Regional Parameters: dynamic plans
     * list the leading extra channels (at most five, and only while they allow DR0-DR5, the data rates a CFList
     * channel gets; the others need NewChannelReq); fixed plans list the enabled channels' masks where the revision
     * defines CFList type 1.
     */
    public abstract Optional<CfList> joinAcceptCfList(RegParamsRevision revision);

    /** RP002's CFList type: 0 (frequencies) for dynamic plans, 1 (channel masks) for fixed ones. */
    public abstract int cfListType();

    /**
     * The LinkADRReq channel-mask blocks, in order, that leave a device (which has this region's channels) with
     * exactly these uplink channels enabled.
     *
     * @throws IllegalArgumentException for an empty set or a channel the region has not
     */
    public abstract List<ChMaskBlock> linkAdrChannelMasks(Set<Integer> enabledChannels);

    /** Whether the region's devices take NewChannelReq (and DlChannelReq): dynamic plans do, fixed ones do not. */
    public abstract boolean supportsNewChannelReq();

    /** RP002's default maximum EIRP of a device, in dBm. */
    public double defaultMaxEirpDbm() {
        return tables.defaultMaxEirpDbm;
    }

    /** The highest TXPower index the region defines. */
    public int maxTxPowerIndex() {
        return tables.maxTxPowerIndex;
    }

    /**
     * The EIRP of a TXPower index for a device whose maximum EIRP is {@code maxEirpDbm}: MaxEIRP - 2 dB x index,
     * except US915, whose table is 30 dBm - 2 dB x index.
     *
     * @throws IllegalArgumentException for an index the region does not define
     */
    public double txPowerEirpDbm(int txPowerIndex, double maxEirpDbm) {
        if (txPowerIndex < 0 || txPowerIndex > tables.maxTxPowerIndex) {
            throw new IllegalArgumentException(id() + " defines TXPower 0-" + tables.maxTxPowerIndex + ", got "
                    + txPowerIndex);
        }
        return (tables.txPowerFrom30Dbm ? 30 : maxEirpDbm) - 2.0 * txPowerIndex;
    }

    /** The power the gateway transmits downlinks at, in dBm (this server's choice within the regulation). */
    public int downlinkPowerDbm() {
        return tables.downlinkPowerDbm;
    }

    /** The dwell-time limits a device starts with (RP002-1.0.4). */
    public DwellTime dwellTime() {
        return tables.dwellTime;
    }

    /** The dwell-time limits a device implementing this revision starts with: none before it had TxParamSetupReq. */
    public DwellTime dwellTime(RegParamsRevision revision) {
        return supportsTxParamSetup(revision) ? tables.dwellTime : DwellTime.NONE;
    }

    /** Whether the region defines TxParamSetupReq (RP002-1.0.4). */
    public boolean supportsTxParamSetup() {
        return tables.txParamSetup;
    }

    /** Whether a device implementing this revision takes TxParamSetupReq (AU915 only from 1.0.3rA on). */
    public boolean supportsTxParamSetup(RegParamsRevision revision) {
        // RegParamsRevision lists the 1.0.x revisions, then 1.1rA/rB, then RP002: the 1.1 ones have what 1.0.3rA has.
        return tables.txParamSetup && revision.compareTo(tables.txParamSetupSince) >= 0;
    }

    /** The duty-cycle limits of the region. */
    public DutyCycle dutyCycle() {
        return tables.dutyCycle;
    }

    /** The Class B beacon settings. */
    public BeaconSettings beacon() {
        return tables.beacon;
    }

    /**
     * The default Class B ping-slot frequency of a device in the beacon period that starts at
     * {@code beaconTimeSeconds}. Fixed plans hop over the beacon channels: channel = (DevAddr + floor(beacon time /
     * 128 s)) modulo the number of channels (RP002 fixed-plan "Beacon" sections).
     */
    public long pingSlotFrequency(DevAddr devAddr, long beaconTimeSeconds) {
        BeaconSettings beacon = tables.beacon;
        if (beacon.channels() == 1) {
            return tables.pingSlotFrequencyHz;
        }
        long period = Math.floorDiv(beaconTimeSeconds, BeaconSettings.BEACON_PERIOD_SECONDS);
        long channel = Math.floorMod((devAddr.value() & 0xFFFFFFFFL) + period, (long) beacon.channels());
        return tables.pingSlotFrequencyHz + channel * beacon.channelSpacingHz();
    }

    /** The default Class B ping-slot data rate: the beacon's (RP002 section 3.3, PING_SLOT_DATARATE). */
    public int pingSlotDataRate() {
        return tables.beacon.dataRate();
    }

    @Override
    public String toString() {
        return id();
    }
}
