package net.lorawanns.core.region;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.MacVersion;

/**
 * The regional parameters the pipeline needs for Class A (LoRaWAN Regional Parameters RP002-1.0.4): data-rate
 * tables, uplink channels, the RX1 frequency and data rate for an uplink, the RX2 defaults and the join-accept
 * CFList.
 */
public abstract sealed class Region permits DynamicPlanRegion, FixedPlanRegion {
    private final String id;
    private final DataRate[] dataRates;
    private final long rx2Frequency;
    private final int rx2DataRate;
    private final int downlinkPowerDbm;
    private final int maxRx1DrOffset;

    Region(String id, List<DataRate> dataRates, long rx2Frequency, int rx2DataRate, int downlinkPowerDbm,
           int maxRx1DrOffset) {
        this.id = id;
        this.dataRates = dataRates.toArray(new DataRate[0]);
        this.rx2Frequency = rx2Frequency;
        this.rx2DataRate = rx2DataRate;
        this.downlinkPowerDbm = downlinkPowerDbm;
        this.maxRx1DrOffset = maxRx1DrOffset;
    }

    /** The configuration name, e.g. {@code eu868}. */
    public String id() {
        return id;
    }

    /** The modulation of data rate {@code dr}; RFU entries of the table are null. */
    public DataRate dataRate(int dr) {
        if (dr < 0 || dr >= dataRates.length || dataRates[dr] == null) {
            throw new IllegalArgumentException(id + " has no DR" + dr);
        }
        return dataRates[dr];
    }

    /** The uplink data-rate index of a modulation, or empty when the region has none for it. */
    public OptionalInt uplinkDataRateIndex(DataRate dataRate) {
        return indexOf(dataRate, 0, firstDownlinkOnlyDataRate());
    }

    /** Where the downlink-only data rates start (fixed plans); the table's size when all rates work both ways. */
    int firstDownlinkOnlyDataRate() {
        return dataRates.length;
    }

    OptionalInt indexOf(DataRate dataRate, int from, int to) {
        for (int dr = from; dr < to; dr++) {
            if (dataRate.equals(dataRates[dr])) {
                return OptionalInt.of(dr);
            }
        }
        return OptionalInt.empty();
    }

    /** The uplink channel index of a frequency (TxCh of the LoRaWAN 1.1 uplink MIC), or empty when unknown. */
    public abstract OptionalInt uplinkChannel(long frequencyHz);

    /** RX1 frequency for an uplink received on {@code uplinkFrequencyHz}. */
    public abstract long rx1Frequency(long uplinkFrequencyHz);

    /** RX1 data rate for an uplink at {@code uplinkDr} with the device's RX1DROffset. */
    public abstract int rx1DataRate(int uplinkDr, int rx1DrOffset);

    /** The RX2 frequency devices use until told otherwise. */
    public long rx2Frequency() {
        return rx2Frequency;
    }

    /** The RX2 data rate devices use until told otherwise. */
    public int rx2DataRate() {
        return rx2DataRate;
    }

    /** The highest RX1DROffset the region defines. */
    public int maxRx1DrOffset() {
        return maxRx1DrOffset;
    }

    /** Transmit power for downlinks, in dBm at the gateway's antenna port. */
    public int downlinkPowerDbm() {
        return downlinkPowerDbm;
    }

    /** The CFList to send in a join-accept to a device of this version, if any. */
    public abstract Optional<CfList> joinAcceptCfList(MacVersion version);

    static DataRate lora(int sf, int bandwidthKhz) {
        return new DataRate.LoRa(sf, bandwidthKhz * 1000);
    }

    @Override
    public String toString() {
        return id;
    }
}
