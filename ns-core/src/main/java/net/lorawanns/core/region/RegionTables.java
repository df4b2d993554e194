package net.lorawanns.core.region;

import java.util.Arrays;
import java.util.List;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * The RP002 tables every region has, whatever its channel plan; each region's file builds one. Immutable once
 * built.
 */
final class RegionTables {
    final String id;
    final DataRate[] dataRates;
    final int maxUplinkDr;
    final int minDownlinkDr;
    final long minFrequencyHz;
    final long maxFrequencyHz;
    final int[][] rx1DataRates;
    final int[][] rx1DataRatesDownlinkDwellTime;
    final long rx2FrequencyHz;
    final int rx2DataRate;
    final MaxPayloadTable maxPayloads;
    final double defaultMaxEirpDbm;
    final int maxTxPowerIndex;
    final boolean txPowerFrom30Dbm;
    final int downlinkPowerDbm;
    final DwellTime dwellTime;
    final boolean txParamSetup;
    final RegParamsRevision txParamSetupSince;
    final DutyCycle dutyCycle;
    final BeaconSettings beacon;
    final long pingSlotFrequencyHz;

    private RegionTables(Builder b) {
        id = b.id;
        dataRates = b.dataRates.clone();
        maxUplinkDr = b.maxUplinkDr < 0 ? dataRates.length - 1 : b.maxUplinkDr;
        minDownlinkDr = b.minDownlinkDr;
        minFrequencyHz = b.minFrequencyHz;
        maxFrequencyHz = b.maxFrequencyHz;
        rx1DataRates = deepCopy(b.rx1DataRates);
        rx1DataRatesDownlinkDwellTime = b.rx1DataRatesDownlinkDwellTime == null ? rx1DataRates
                : deepCopy(b.rx1DataRatesDownlinkDwellTime);
        rx2FrequencyHz = b.rx2FrequencyHz;
        rx2DataRate = b.rx2DataRate;
        maxPayloads = b.maxPayloads;
        defaultMaxEirpDbm = b.defaultMaxEirpDbm;
        maxTxPowerIndex = b.maxTxPowerIndex;
        txPowerFrom30Dbm = b.txPowerFrom30Dbm;
        downlinkPowerDbm = b.downlinkPowerDbm;
        dwellTime = b.dwellTime;
        txParamSetup = b.txParamSetup;
        txParamSetupSince = b.txParamSetupSince;
        dutyCycle = b.dutyCycle;
        beacon = b.beacon;
        pingSlotFrequencyHz = b.pingSlotFrequencyHz;
    }

    static Builder builder(String id) {
        return new Builder(id);
    }

    static DataRate lora(int sf, int bandwidthKhz) {
        return new DataRate.LoRa(sf, bandwidthKhz * 1000);
    }

    static DataRate fsk(int bitrate) {
        return new DataRate.Fsk(bitrate);
    }

    /**
     * The RX1 table of the regions where RX1 runs at the uplink data rate minus RX1DROffset, never below DR0 (EU868,
     * EU433, CN779, RU864, KR920, CN470: RP002 prints this table for each of them).
     */
    static int[][] rx1Subtracting(int uplinkDataRates, int maxOffset) {
        int[][] table = new int[uplinkDataRates][maxOffset + 1];
        for (int dr = 0; dr < uplinkDataRates; dr++) {
            for (int offset = 0; offset <= maxOffset; offset++) {
                table[dr][offset] = Math.max(0, dr - offset);
            }
        }
        return table;
    }

    private static int[][] deepCopy(int[][] table) {
        return Arrays.stream(table).map(row -> row == null ? null : row.clone()).toArray(int[][]::new);
    }

    /** Collects one region's tables; the region files read as a list of RP002 facts. */
    static final class Builder {
        private final String id;
        private DataRate[] dataRates;
        private int maxUplinkDr = -1;
        private int minDownlinkDr;
        private long minFrequencyHz;
        private long maxFrequencyHz;
        private int[][] rx1DataRates;
        private int[][] rx1DataRatesDownlinkDwellTime;
        private long rx2FrequencyHz;
        private int rx2DataRate;
        private MaxPayloadTable maxPayloads;
        private double defaultMaxEirpDbm;
        private int maxTxPowerIndex;
        private boolean txPowerFrom30Dbm;
        private int downlinkPowerDbm;
        private DwellTime dwellTime = DwellTime.NONE;
        private boolean txParamSetup;
        private RegParamsRevision txParamSetupSince;
        private DutyCycle dutyCycle;
        private BeaconSettings beacon;
        private long pingSlotFrequencyHz;

        private Builder(String id) {
            this.id = id;
        }

        /** Index = DR; null for RFU and LR-FHSS data rates, which this server does not serve. */
        Builder dataRates(DataRate... rates) {
            dataRates = rates;
            return this;
        }

        /** Fixed plans: the highest uplink data rate and the lowest downlink one (US915: DR4 and DR8). */
        Builder uplinkUpTo(int dr, int downlinkFrom) {
            maxUplinkDr = dr;
            minDownlinkDr = downlinkFrom;
            return this;
        }

        /** The frequencies channels may use. */
        Builder band(long fromHz, long toHz) {
            minFrequencyHz = fromHz;
            maxFrequencyHz = toHz;
            return this;
        }

        /** RX1 data rate by [uplink DR][RX1DROffset]; a null row for an uplink DR not served. */
        Builder rx1(int[][] table) {
            rx1DataRates = table;
            return this;
        }

        /** AS923: the RX1 table when DownlinkDwellTime is 1. */
        Builder rx1WithDownlinkDwellTime(int[][] table) {
            rx1DataRatesDownlinkDwellTime = table;
            return this;
        }

        Builder rx2(long frequencyHz, int dr) {
            rx2FrequencyHz = frequencyHz;
            rx2DataRate = dr;
            return this;
        }

        Builder maxPayloads(MaxPayloadTable table) {
            maxPayloads = table;
            return this;
        }

        /** TX power index i is MaxEIRP - 2i dB, for i = 0 to {@code maxIndex}. */
        Builder txPower(double defaultMaxEirpDbm, int maxIndex) {
            this.defaultMaxEirpDbm = defaultMaxEirpDbm;
            this.maxTxPowerIndex = maxIndex;
            return this;
        }

        /** US915: TX power index i is 30 dBm - 2i, whatever the device's MaxEIRP. */
        Builder txPowerFrom30Dbm() {
            txPowerFrom30Dbm = true;
            return this;
        }

        Builder downlinkPower(int dbm) {
            downlinkPowerDbm = dbm;
            return this;
        }

        /**
         * The region defines TxParamSetupReq, with these dwell-time defaults, from this revision on (TxParamSetupReq
         * came with LoRaWAN 1.0.2 and its Regional Parameters, RP_1_0_2).
         */
        Builder txParamSetup(DwellTime defaults, RegParamsRevision since) {
            txParamSetup = true;
            txParamSetupSince = since;
            dwellTime = defaults;
            return this;
        }

        Builder dutyCycle(String rule, DutyCycle.Limit... limits) {
            dutyCycle = new DutyCycle(rule, List.of(limits));
            return this;
        }

        /** Class B: the beacon, and the default ping-slot frequency (the first hopping channel for fixed plans). */
        Builder classB(BeaconSettings beacon, long pingSlotFrequencyHz) {
            this.beacon = beacon;
            this.pingSlotFrequencyHz = pingSlotFrequencyHz;
            return this;
        }

        RegionTables build() {
            RegionTables tables = new RegionTables(this);
            if (tables.dataRates.length == 0 || tables.rx1DataRates.length == 0 || tables.maxPayloads == null
                    || tables.dutyCycle == null || tables.beacon == null || tables.maxFrequencyHz == 0) {
                throw new IllegalStateException(id + ": incomplete region tables");
            }
            return tables;
        }
    }
}
