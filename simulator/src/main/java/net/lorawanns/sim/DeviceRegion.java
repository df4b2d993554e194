package net.lorawanns.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A region's parameters as an end device holds them, typed from RP002-1.0.x (LoRaWAN Regional
 * Parameters) and sharing nothing with the server's region tables: data rates, uplink channels, RX1 channel and
 * data-rate mapping, RX2 defaults, TX power indexes, what the ChMaskCntl values of LinkADRReq mean, and the CFList
 * type of the join-accept. CN470 is the plan of RP002-1.0.0 to 1.0.3: 96 uplink and 48 downlink channels.
 */
public final class DeviceRegion {
    /** One uplink channel: its frequency and data-rate range. */
    public record Channel(long frequencyHz, int minDr, int maxDr) {
        public boolean allows(int dr) {
            return dr >= minDr && dr <= maxDr;
        }
    }

    /** RP002 EU863-870: three default channels, 16 at most, CFList type 0, RX2 869.525 MHz DR0, 16 dBm EIRP. */
    public static final DeviceRegion EU868 = new DeviceRegion("EU868", true, 16, 863_000_000L, 870_000_000L,
            new String[] {"SF12BW125", "SF11BW125", "SF10BW125", "SF9BW125", "SF8BW125", "SF7BW125", "SF7BW250",
                "50000"},
            0, 7, 5, 869_525_000L, 0, 7, 16, false,
            channels(868_100_000L, 200_000L, 3, 0, 5));

    /**
     * RP002 US902-928: 64 channels of 125 kHz (902.3 MHz + 200 kHz steps, DR0-DR3) and 8 of 500 kHz (903.0 MHz +
     * 1.6 MHz steps, DR4); 8 downlink channels 923.3 MHz + 600 kHz; RX2 923.3 MHz DR8; 30 dBm, TXPower 0 to 14.
     */
    public static final DeviceRegion US915 = new DeviceRegion("US915", false, 72, 902_000_000L, 928_000_000L,
            new String[] {"SF10BW125", "SF9BW125", "SF8BW125", "SF7BW125", "SF8BW500", null, null, null,
                "SF12BW500", "SF11BW500", "SF10BW500", "SF9BW500", "SF8BW500", "SF7BW500"},
            8, 13, 3, 923_300_000L, 8, 14, 30, false,
            fixed(channels(902_300_000L, 200_000L, 64, 0, 3), channels(903_000_000L, 1_600_000L, 8, 4, 4)));

    /**
     * RP002 AU915-928: 64 channels of 125 kHz (915.2 MHz + 200 kHz, DR0-DR5) and 8 of 500 kHz (915.9 MHz + 1.6 MHz,
     * DR6); downlink and RX2 as US915; TxParamSetupReq implemented.
     */
    public static final DeviceRegion AU915 = new DeviceRegion("AU915", false, 72, 915_000_000L, 928_000_000L,
            new String[] {"SF12BW125", "SF11BW125", "SF10BW125", "SF9BW125", "SF8BW125", "SF7BW125", "SF8BW500", null,
                "SF12BW500", "SF11BW500", "SF10BW500", "SF9BW500", "SF8BW500", "SF7BW500"},
            8, 13, 5, 923_300_000L, 8, 14, 30, true,
            fixed(channels(915_200_000L, 200_000L, 64, 0, 5), channels(915_900_000L, 1_600_000L, 8, 6, 6)));

    /**
     * RP002 AS923-1 (frequency offset 0): two default channels 923.2 and 923.4 MHz, CFList type 0, RX2 923.2 MHz DR2,
     * 16 dBm EIRP, RX1DROffset 0 to 7, TxParamSetupReq implemented.
     */
    public static final DeviceRegion AS923_1 = new DeviceRegion("AS923-1", true, 16, 915_000_000L, 928_000_000L,
            new String[] {"SF12BW125", "SF11BW125", "SF10BW125", "SF9BW125", "SF8BW125", "SF7BW125", "SF7BW250",
                "50000"},
            0, 7, 7, 923_200_000L, 2, 7, 16, true,
            channels(923_200_000L, 200_000L, 2, 0, 5));

    /**
     * RP002-1.0.0 to 1.0.3 CN470-510: 96 uplink channels 470.3 MHz + 200 kHz (DR0-DR5), 48 downlink channels
     * 500.3 MHz + 200 kHz (uplink channel modulo 48), RX2 505.3 MHz DR0, 19.15 dBm EIRP (19 here), CFList type 1.
     */
    public static final DeviceRegion CN470 = new DeviceRegion("CN470", false, 96, 470_000_000L, 510_000_000L,
            new String[] {"SF12BW125", "SF11BW125", "SF10BW125", "SF9BW125", "SF8BW125", "SF7BW125"},
            0, 5, 5, 505_300_000L, 0, 7, 19, false,
            channels(470_300_000L, 200_000L, 96, 0, 5));

    public final String name;
    /** Dynamic channel plan (NewChannelReq, DlChannelReq, CFList type 0) rather than a fixed one (CFList type 1). */
    public final boolean dynamicPlan;
    public final int maxChannels;
    private final long minHz;
    private final long maxHz;
    private final String[] dataRates;
    private final int minDownlinkDr;
    private final int maxDownlinkDr;
    public final int maxRx1DrOffset;
    public final long rx2FrequencyHz;
    public final int rx2Dr;
    public final int maxTxPowerIndex;
    public final int defaultMaxEirpDbm;
    public final boolean txParamSetup;
    /** The channels a device has after a reset: the default ones, or every channel of a fixed plan. */
    public final List<Channel> defaultChannels;

    private DeviceRegion(String name, boolean dynamicPlan, int maxChannels, long minHz, long maxHz, String[] dataRates,
                         int minDownlinkDr, int maxDownlinkDr, int maxRx1DrOffset, long rx2FrequencyHz, int rx2Dr,
                         int maxTxPowerIndex, int defaultMaxEirpDbm, boolean txParamSetup,
                         List<Channel> defaultChannels) {
        this.name = name;
        this.dynamicPlan = dynamicPlan;
        this.maxChannels = maxChannels;
        this.minHz = minHz;
        this.maxHz = maxHz;
        this.dataRates = dataRates;
        this.minDownlinkDr = minDownlinkDr;
        this.maxDownlinkDr = maxDownlinkDr;
        this.maxRx1DrOffset = maxRx1DrOffset;
        this.rx2FrequencyHz = rx2FrequencyHz;
        this.rx2Dr = rx2Dr;
        this.maxTxPowerIndex = maxTxPowerIndex;
        this.defaultMaxEirpDbm = defaultMaxEirpDbm;
        this.txParamSetup = txParamSetup;
        this.defaultChannels = List.copyOf(defaultChannels);
    }

    private static List<Channel> channels(long firstHz, long stepHz, int count, int minDr, int maxDr) {
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Channel(firstHz + i * stepHz, minDr, maxDr));
        }
        return out;
    }

    @SafeVarargs
    private static List<Channel> fixed(List<Channel>... groups) {
        List<Channel> out = new ArrayList<>();
        for (List<Channel> group : groups) {
            out.addAll(group);
        }
        return out;
    }

    /**
     * Class B defaults: the beacon's frequency (the first of its hopping channels), channel count, spacing and data
     * rate; the default ping slots use the same frequencies and data rate (RP002-1.0.4 "Beacon" sections: EU868
     * 869.525 MHz DR3; US915 and AU915 923.3 MHz + 600 kHz x 8 channels DR8; AS923-1 923.4 MHz DR3; CN470 of
     * RP002-1.0.0 to 1.0.3 508.3 MHz + 200 kHz x 8 channels DR2).
     */
    public record Beacon(long frequencyHz, int channels, long spacingHz, int dataRate) {
    }

    public Beacon beacon() {
        return switch (name) {
            case "EU868" -> new Beacon(869_525_000L, 1, 0, 3);
            case "US915", "AU915" -> new Beacon(923_300_000L, 8, 600_000L, 8);
            case "AS923-1" -> new Beacon(923_400_000L, 1, 0, 3);
            case "CN470" -> new Beacon(508_300_000L, 8, 200_000L, 2);
            default -> throw new IllegalStateException("no Class B defaults for " + name);
        };
    }

    /** The gateway's {@code datr} of a LoRa data rate ("SF9BW125"), or the bit rate of FSK. */
    public String datr(int dr) {
        if (dr < 0 || dr >= dataRates.length || dataRates[dr] == null) {
            throw new IllegalArgumentException(name + " has no data rate DR" + dr);
        }
        return dataRates[dr];
    }

    /** The data rate index of a {@code datr}, for reading a downlink's window. */
    public int dataRate(String datr, boolean downlink) {
        int from = downlink ? minDownlinkDr : 0;
        for (int dr = from; dr < dataRates.length; dr++) {
            if (datr.equals(dataRates[dr])) {
                return dr;
            }
        }
        throw new IllegalArgumentException(name + " has no data rate " + datr);
    }

    /** A data rate the region defines for downlinks (RX2 of RXParamSetupReq). */
    public boolean downlinkDr(int dr) {
        return dr >= minDownlinkDr && dr <= maxDownlinkDr && dr < dataRates.length && dataRates[dr] != null;
    }

    /** A frequency the device can transmit or receive on: inside the band, and for a fixed plan, a downlink channel. */
    public boolean receivable(long hz) {
        if (dynamicPlan) {
            return hz >= minHz && hz <= maxHz;
        }
        for (int ch = 0; ch < downlinkChannels(); ch++) {
            if (rx1Frequency(ch) == hz) {
                return true;
            }
        }
        return false;
    }

    /** A frequency a dynamic-plan channel may have (NewChannelReq, CFList type 0). */
    public boolean inBand(long hz) {
        return hz >= minHz && hz <= maxHz;
    }

    private int downlinkChannels() {
        return this == CN470 ? 48 : 8;
    }

    /**
     * The RX1 frequency of fixed-plan uplink channel {@code ch}: US915 and AU915 923.3 MHz + (ch mod 8) x 600 kHz,
     * CN470 500.3 MHz + (ch mod 48) x 200 kHz. Dynamic plans answer on the uplink channel (or its DlChannelReq).
     */
    public long rx1Frequency(int ch) {
        if (dynamicPlan) {
            throw new IllegalStateException(name + " answers RX1 on the uplink channel");
        }
        return this == CN470 ? 500_300_000L + (ch % 48) * 200_000L : 923_300_000L + (ch % 8) * 600_000L;
    }

    /** The RX1 data rate of an uplink at {@code upDr} with RX1DROffset {@code offset} (the RP002 tables). */
    public int rx1Dr(int upDr, int offset, boolean downlinkDwellTime) {
        if (this == US915) {
            // US915: DR0-DR3 map to DR10-DR13 at offset 0, DR4 to DR13; never below DR8.
            return Math.max(8, Math.min(13, 10 + upDr - offset));
        }
        if (this == AU915) {
            // AU915: DR0-DR5 map to DR8-DR13 at offset 0, DR6 to DR13; never below DR8.
            return Math.max(8, Math.min(13, 8 + upDr - offset));
        }
        if (this == AS923_1) {
            // AS923: offsets 6 and 7 raise the data rate by 1 and 2; DR2 is the floor with the downlink dwell time.
            int effective = offset <= 5 ? offset : 5 - offset;
            return Math.min(5, Math.max(downlinkDwellTime ? 2 : 0, upDr - effective));
        }
        return Math.max(0, upDr - offset);
    }

    /** The lowest uplink data rate: DR2 under a 400 ms uplink dwell time in AS923 and AU915 (DR0/DR1 have none). */
    public int minUplinkDr(boolean uplinkDwellTime) {
        return uplinkDwellTime && txParamSetup ? 2 : 0;
    }

    /** An uplink data rate this region defines. */
    public boolean uplinkDr(int dr) {
        for (Channel channel : defaultChannels) {
            if (channel.allows(dr)) {
                return true;
            }
        }
        return dynamicPlan && dr >= 0 && dr < dataRates.length && dr <= 7;
    }

    /**
     * Applies one LinkADRReq's ChMaskCntl and ChMask to {@code enabled} (RP002 tables per region); false when the
     * ChMaskCntl value is RFU. {@code defined} marks the channels that exist.
     */
    boolean applyChMask(boolean[] enabled, boolean[] defined, int chMaskCntl, int chMask) {
        if (dynamicPlan) {
            // EU868 and AS923: 0 applies ChMask to channels 0-15; 6 enables every defined channel; others RFU.
            if (chMaskCntl == 0) {
                setBlock(enabled, 0, chMask);
                return true;
            }
            if (chMaskCntl == 6) {
                System.arraycopy(defined, 0, enabled, 0, enabled.length);
                return true;
            }
            return false;
        }
        if (this == CN470) {
            // CN470: 0-5 apply ChMask to channels 16 x ChMaskCntl onwards; 6 turns every channel on; 7 RFU.
            if (chMaskCntl <= 5) {
                setBlock(enabled, chMaskCntl * 16, chMask);
                return true;
            }
            if (chMaskCntl == 6) {
                Arrays.fill(enabled, true);
                return true;
            }
            return false;
        }
        // US915 and AU915: 0-3 channels 16k to 16k+15, 4 channels 64-71, 5 banks of eight 125 kHz channels with
        // the 500 kHz channel 64+bit, 6 all 125 kHz channels on and 7 all off (ChMask then applies to 64-71).
        if (chMaskCntl <= 4) {
            setBlock(enabled, chMaskCntl * 16, chMask);
        } else if (chMaskCntl == 5) {
            for (int bank = 0; bank < 8; bank++) {
                boolean on = (chMask & (1 << bank)) != 0;
                for (int ch = bank * 8; ch < bank * 8 + 8; ch++) {
                    enabled[ch] = on;
                }
                enabled[64 + bank] = on;
            }
        } else {
            Arrays.fill(enabled, 0, 64, chMaskCntl == 6);
            setBlock(enabled, 64, chMask);
        }
        return true;
    }

    private static void setBlock(boolean[] enabled, int first, int chMask) {
        for (int bit = 0; bit < 16 && first + bit < enabled.length; bit++) {
            enabled[first + bit] = (chMask & (1 << bit)) != 0;
        }
    }

    /** A ChMask bit for a channel that is not there enables "a yet undefined channel" (LinkADRAns mask NACK). */
    boolean masksUndefined(boolean[] defined, int chMaskCntl, int chMask) {
        if (!dynamicPlan || chMaskCntl != 0) {
            return false;
        }
        for (int bit = 0; bit < 16; bit++) {
            if ((chMask & (1 << bit)) != 0 && (bit >= defined.length || !defined[bit])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
