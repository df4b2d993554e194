package net.lorawanns.core.region;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.MacVersion;

/**
 * A region with a fixed 64 + 8 channel plan (US902-928 and AU915-928, RP002-1.0.4 sections 2.5 and 2.7): uplink
 * channels 0-63 at 125 kHz and 64-71 at 500 kHz, eight downlink channels, RX1 on downlink channel
 * (uplink channel mod 8) at a data rate from the region's RX1 table. The join-accept's CFList (type 1, from
 * LoRaWAN 1.0.3 on) enables one sub-band of eight 125 kHz channels plus its 500 kHz channel.
 */
final class FixedPlanRegion extends Region {
    private final long firstUplink125;
    private final long firstUplink500;
    private final long firstDownlink;
    private final int[][] rx1DataRates;
    private final int firstDownlinkDr;
    private final int subBand;

    FixedPlanRegion(String id, List<DataRate> dataRates, int firstDownlinkDr, long firstUplink125,
                    long firstUplink500, long firstDownlink, int[][] rx1DataRates, int subBand,
                    int downlinkPowerDbm) {
        super(id, dataRates, firstDownlink, firstDownlinkDr, downlinkPowerDbm, rx1DataRates[0].length - 1);
        this.firstUplink125 = firstUplink125;
        this.firstUplink500 = firstUplink500;
        this.firstDownlink = firstDownlink;
        this.rx1DataRates = rx1DataRates;
        this.firstDownlinkDr = firstDownlinkDr;
        this.subBand = subBand;
    }

    @Override
    int firstDownlinkOnlyDataRate() {
        return firstDownlinkDr;
    }

    @Override
    public OptionalInt uplinkChannel(long frequencyHz) {
        long from125 = frequencyHz - firstUplink125;
        if (from125 >= 0 && from125 % 200_000 == 0 && from125 / 200_000 < 64) {
            return OptionalInt.of((int) (from125 / 200_000));
        }
        long from500 = frequencyHz - firstUplink500;
        if (from500 >= 0 && from500 % 1_600_000 == 0 && from500 / 1_600_000 < 8) {
            return OptionalInt.of(64 + (int) (from500 / 1_600_000));
        }
        return OptionalInt.empty();
    }

    @Override
    public long rx1Frequency(long uplinkFrequencyHz) {
        int channel = uplinkChannel(uplinkFrequencyHz).orElseThrow(() -> new IllegalArgumentException(
                uplinkFrequencyHz + " Hz is no " + id() + " uplink channel"));
        return firstDownlink + (channel % 8) * 600_000L;
    }

    @Override
    public int rx1DataRate(int uplinkDr, int rx1DrOffset) {
        int[] row = rx1DataRates[Math.min(uplinkDr, rx1DataRates.length - 1)];
        return row[Math.min(rx1DrOffset, row.length - 1)];
    }

    /** Channel masks: ChMask0-3 for channels 0-63, ChMask4 for 64-71 (RP002-1.0.4 section 2.5.5). */
    @Override
    public Optional<CfList> joinAcceptCfList(MacVersion version) {
        if (version.compareTo(MacVersion.LORAWAN_1_0_3) < 0) {
            return Optional.empty();
        }
        List<Integer> masks = new ArrayList<>(List.of(0, 0, 0, 0, 0));
        int first = (subBand - 1) * 8;
        masks.set(first / 16, 0xFF << (first % 16));
        masks.set(4, 1 << (subBand - 1));
        return Optional.of(new CfList.ChannelMasks(masks));
    }
}
