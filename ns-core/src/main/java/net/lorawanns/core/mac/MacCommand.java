package net.lorawanns.core.mac;

import java.util.OptionalInt;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.types.LittleEndian;
import net.lorawanns.core.types.MacVersion;

/**
 * A MAC command of LoRaWAN 1.0.4 and 1.1 (LoRaWAN 1.1 section 5, Class B commands from section 14). Each
 * record names its CID, the direction it travels in and its payload; {@link MacCommandCodec} reads and
 * writes FOpts or FPort-0 byte strings of them. Frequencies are in Hz (sent in units of 100 Hz).
 */
public sealed interface MacCommand {
    int cid();

    Direction direction();

    /** The payload after the CID. */
    byte[] payload();

    // ---- sent by the end-device --------------------------------------------------------------------

    /** 0x01, LoRaWAN 1.1: an ABP device announces a reset and its LoRaWAN minor version. */
    record ResetInd(int minorVersion) implements Uplink {
        public int cid() { return 0x01; }
        public byte[] payload() { return new byte[] {(byte) (minorVersion & 0x0F)}; }
    }

    /** 0x02: the device asks for its link margin. */
    record LinkCheckReq() implements Uplink {
        public int cid() { return 0x02; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x03: the device's answer to LinkADRReq. */
    record LinkAdrAns(boolean powerAck, boolean dataRateAck, boolean channelMaskAck) implements Uplink {
        public int cid() { return 0x03; }
        public byte[] payload() { return bits(powerAck, dataRateAck, channelMaskAck); }
    }

    /** 0x04. */
    record DutyCycleAns() implements Uplink {
        public int cid() { return 0x04; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x05. */
    record RxParamSetupAns(boolean rx1DrOffsetAck, boolean rx2DataRateAck, boolean channelAck) implements Uplink {
        public int cid() { return 0x05; }
        public byte[] payload() { return bits(rx1DrOffsetAck, rx2DataRateAck, channelAck); }
    }

    /** 0x06: battery (0 external power, 1-254 level, 255 unknown) and demodulation margin in dB (-32..31). */
    record DevStatusAns(int battery, int margin) implements Uplink {
        public DevStatusAns {
            range("Battery", battery, 0, 255);
            range("Margin", margin, -32, 31);
        }
        public int cid() { return 0x06; }
        public byte[] payload() { return new byte[] {(byte) battery, (byte) (margin & 0x3F)}; }
    }

    /** 0x07. */
    record NewChannelAns(boolean dataRateRangeOk, boolean channelFrequencyOk) implements Uplink {
        public int cid() { return 0x07; }
        public byte[] payload() { return bits(dataRateRangeOk, channelFrequencyOk); }
    }

    /** 0x08. */
    record RxTimingSetupAns() implements Uplink {
        public int cid() { return 0x08; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x09. */
    record TxParamSetupAns() implements Uplink {
        public int cid() { return 0x09; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x0A. */
    record DlChannelAns(boolean uplinkFrequencyExists, boolean channelFrequencyOk) implements Uplink {
        public int cid() { return 0x0A; }
        public byte[] payload() { return bits(uplinkFrequencyExists, channelFrequencyOk); }
    }

    /** 0x0B, LoRaWAN 1.1: an OTAA device confirms its new session keys. */
    record RekeyInd(int minorVersion) implements Uplink {
        public int cid() { return 0x0B; }
        public byte[] payload() { return new byte[] {(byte) (minorVersion & 0x0F)}; }
    }

    /** 0x0C, LoRaWAN 1.1. */
    record AdrParamSetupAns() implements Uplink {
        public int cid() { return 0x0C; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x0D. */
    record DeviceTimeReq() implements Uplink {
        public int cid() { return 0x0D; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x0F, LoRaWAN 1.1. */
    record RejoinParamSetupAns(boolean timeOk) implements Uplink {
        public int cid() { return 0x0F; }
        public byte[] payload() { return bits(timeOk); }
    }

    /**
     * 0x10, Class B: the octet whose layout depends on the LoRaWAN version. From 1.0.3 on it is PingSlotParam, RFU
     * and Periodicity in bits 2:0 (1.0.4 section 12.1); up to 1.0.2 it is RFU, Periodicity in bits 6:4 and the data
     * rate the device expects pings at in bits 3:0 (1.0.2 section 14.1).
     */
    record PingSlotInfoReq(int pingSlotParam) implements Uplink {
        public PingSlotInfoReq {
            range("PingSlotParam", pingSlotParam, 0, 0xFF);
        }
        public int cid() { return 0x10; }
        public byte[] payload() { return new byte[] {(byte) pingSlotParam}; }

        /** A ping slot every 2^periodicity seconds (0-7). */
        public int periodicity(MacVersion version) {
            return dataRateField(version) ? (pingSlotParam >>> 4) & 0x07 : pingSlotParam & 0x07;
        }

        /** The ping-slot data rate a LoRaWAN 1.0.0-1.0.2 device announces; empty from 1.0.3 on. */
        public OptionalInt dataRate(MacVersion version) {
            return dataRateField(version) ? OptionalInt.of(pingSlotParam & 0x0F) : OptionalInt.empty();
        }

        private static boolean dataRateField(MacVersion version) {
            return version.compareTo(MacVersion.LORAWAN_1_0_3) < 0;
        }
    }

    /** 0x11, Class B. */
    record PingSlotChannelAns(boolean dataRateOk, boolean channelFrequencyOk) implements Uplink {
        public int cid() { return 0x11; }
        public byte[] payload() { return bits(dataRateOk, channelFrequencyOk); }
    }

    /** 0x12, Class B in LoRaWAN 1.0.x (deprecated by DeviceTimeReq). */
    record BeaconTimingReq() implements Uplink {
        public int cid() { return 0x12; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x13, Class B. */
    record BeaconFreqAns(boolean beaconFrequencyOk) implements Uplink {
        public int cid() { return 0x13; }
        public byte[] payload() { return bits(beaconFrequencyOk); }
    }

    /** 0x20, LoRaWAN 1.1: 0 = Class A, 2 = Class C. */
    record DeviceModeInd(int deviceClass) implements Uplink {
        public int cid() { return 0x20; }
        public byte[] payload() { return new byte[] {(byte) deviceClass}; }
    }

    // ---- sent by the network -----------------------------------------------------------------------

    /** 0x01, LoRaWAN 1.1: the server's LoRaWAN minor version. */
    record ResetConf(int minorVersion) implements Downlink {
        public int cid() { return 0x01; }
        public byte[] payload() { return new byte[] {(byte) (minorVersion & 0x0F)}; }
    }

    /** 0x02: margin in dB above the demodulation floor (0-254; 255 is reserved) and gateway count. */
    record LinkCheckAns(int margin, int gwCnt) implements Downlink {
        public LinkCheckAns {
            range("Margin", margin, 0, 255);
            range("GwCnt", gwCnt, 0, 255);
        }
        public int cid() { return 0x02; }
        public byte[] payload() { return new byte[] {(byte) margin, (byte) gwCnt}; }
    }

    /** 0x03: data rate, TX power, channel mask with its control and NbTrans. */
    record LinkAdrReq(int dataRate, int txPower, int chMask, int chMaskCntl, int nbTrans) implements Downlink {
        public LinkAdrReq {
            range("DataRate", dataRate, 0, 15);
            range("TXPower", txPower, 0, 15);
            range("ChMask", chMask, 0, 0xFFFF);
            range("ChMaskCntl", chMaskCntl, 0, 7);
            range("NbTrans", nbTrans, 0, 15);
        }
        public int cid() { return 0x03; }
        public byte[] payload() {
            return new byte[] {(byte) (dataRate << 4 | txPower), (byte) chMask, (byte) (chMask >>> 8),
                (byte) (chMaskCntl << 4 | nbTrans)};
        }
    }

    /** 0x04: aggregated duty cycle 1 / 2^maxDutyCycle. */
    record DutyCycleReq(int maxDutyCycle) implements Downlink {
        public DutyCycleReq {
            range("MaxDCycle", maxDutyCycle, 0, 15);
        }
        public int cid() { return 0x04; }
        public byte[] payload() { return new byte[] {(byte) maxDutyCycle}; }
    }

    /** 0x05: RX1 data-rate offset, RX2 data rate and frequency. */
    record RxParamSetupReq(int rx1DrOffset, int rx2DataRate, long frequencyHz) implements Downlink {
        public RxParamSetupReq {
            range("RX1DRoffset", rx1DrOffset, 0, 7);
            range("RX2DataRate", rx2DataRate, 0, 15);
            frequency(frequencyHz);
        }
        public int cid() { return 0x05; }
        public byte[] payload() {
            byte[] out = new byte[4];
            out[0] = (byte) (rx1DrOffset << 4 | rx2DataRate);
            LittleEndian.write(frequencyHz / 100, out, 1, 3);
            return out;
        }
    }

    /** 0x06. */
    record DevStatusReq() implements Downlink {
        public int cid() { return 0x06; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x07: create or change channel chIndex (frequency 0 disables it) with its data-rate range. */
    record NewChannelReq(int chIndex, long frequencyHz, int minDr, int maxDr) implements Downlink {
        public NewChannelReq {
            range("ChIndex", chIndex, 0, 255);
            frequency(frequencyHz);
            range("MinDR", minDr, 0, 15);
            range("MaxDR", maxDr, 0, 15);
        }
        public int cid() { return 0x07; }
        public byte[] payload() {
            byte[] out = new byte[5];
            out[0] = (byte) chIndex;
            LittleEndian.write(frequencyHz / 100, out, 1, 3);
            out[4] = (byte) (maxDr << 4 | minDr);
            return out;
        }
    }

    /** 0x08: RX1 delay in seconds (0 means 1). */
    record RxTimingSetupReq(int delay) implements Downlink {
        public RxTimingSetupReq {
            range("Del", delay, 0, 15);
        }
        public int cid() { return 0x08; }
        public byte[] payload() { return new byte[] {(byte) delay}; }
    }

    /** 0x09: dwell-time limits and the MaxEIRP index. */
    record TxParamSetupReq(boolean downlinkDwellTime, boolean uplinkDwellTime, int maxEirp) implements Downlink {
        public TxParamSetupReq {
            range("MaxEIRP", maxEirp, 0, 15);
        }
        public int cid() { return 0x09; }
        public byte[] payload() {
            return new byte[] {(byte) ((downlinkDwellTime ? 0x20 : 0) | (uplinkDwellTime ? 0x10 : 0) | maxEirp)};
        }
    }

    /** 0x0A: a separate RX1 downlink frequency for channel chIndex. */
    record DlChannelReq(int chIndex, long frequencyHz) implements Downlink {
        public DlChannelReq {
            range("ChIndex", chIndex, 0, 255);
            frequency(frequencyHz);
        }
        public int cid() { return 0x0A; }
        public byte[] payload() {
            byte[] out = new byte[4];
            out[0] = (byte) chIndex;
            LittleEndian.write(frequencyHz / 100, out, 1, 3);
            return out;
        }
    }

    /** 0x0B, LoRaWAN 1.1. */
    record RekeyConf(int minorVersion) implements Downlink {
        public int cid() { return 0x0B; }
        public byte[] payload() { return new byte[] {(byte) (minorVersion & 0x0F)}; }
    }

    /** 0x0C, LoRaWAN 1.1: ADR_ACK_LIMIT = 2^limitExp, ADR_ACK_DELAY = 2^delayExp. */
    record AdrParamSetupReq(int limitExp, int delayExp) implements Downlink {
        public AdrParamSetupReq {
            range("Limit_exp", limitExp, 0, 15);
            range("Delay_exp", delayExp, 0, 15);
        }
        public int cid() { return 0x0C; }
        public byte[] payload() { return new byte[] {(byte) (limitExp << 4 | delayExp)}; }
    }

    /** 0x0D: GPS-epoch seconds and fractional second in 1/256 s steps. */
    record DeviceTimeAns(long gpsSeconds, int fractional) implements Downlink {
        public DeviceTimeAns {
            if (gpsSeconds < 0 || gpsSeconds > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("DeviceTimeAns seconds must fit in 32 bits, got " + gpsSeconds);
            }
            range("fractional-second", fractional, 0, 255);
        }
        public int cid() { return 0x0D; }
        public byte[] payload() {
            byte[] out = new byte[5];
            LittleEndian.write(gpsSeconds, out, 0, 4);
            out[4] = (byte) fractional;
            return out;
        }
    }

    /** 0x0E, LoRaWAN 1.1: ask the device to send rejoin-requests. */
    record ForceRejoinReq(int period, int maxRetries, int rejoinType, int dataRate) implements Downlink {
        public ForceRejoinReq {
            range("Period", period, 0, 7);
            range("Max_Retries", maxRetries, 0, 7);
            range("RejoinType", rejoinType, 0, 7);
            range("DR", dataRate, 0, 15);
        }
        public int cid() { return 0x0E; }
        public byte[] payload() {
            int value = period << 11 | maxRetries << 8 | rejoinType << 4 | dataRate;
            return new byte[] {(byte) value, (byte) (value >>> 8)};
        }
    }

    /** 0x0F, LoRaWAN 1.1: periodic type 0 rejoin every 2^(maxCountN+4) uplinks or 2^(maxTimeN+10) s. */
    record RejoinParamSetupReq(int maxTimeN, int maxCountN) implements Downlink {
        public RejoinParamSetupReq {
            range("MaxTimeN", maxTimeN, 0, 15);
            range("MaxCountN", maxCountN, 0, 15);
        }
        public int cid() { return 0x0F; }
        public byte[] payload() { return new byte[] {(byte) (maxTimeN << 4 | maxCountN)}; }
    }

    /** 0x10, Class B. */
    record PingSlotInfoAns() implements Downlink {
        public int cid() { return 0x10; }
        public byte[] payload() { return new byte[0]; }
    }

    /** 0x11, Class B: ping-slot frequency and data rate. */
    record PingSlotChannelReq(long frequencyHz, int dataRate) implements Downlink {
        public PingSlotChannelReq {
            frequency(frequencyHz);
            range("DR", dataRate, 0, 15);
        }
        public int cid() { return 0x11; }
        public byte[] payload() {
            byte[] out = new byte[4];
            LittleEndian.write(frequencyHz / 100, out, 0, 3);
            out[3] = (byte) dataRate;
            return out;
        }
    }

    /** 0x12, Class B in LoRaWAN 1.0.x: delay in 30 ms steps to the next beacon, and its channel. */
    record BeaconTimingAns(int delay, int channel) implements Downlink {
        public BeaconTimingAns {
            range("Delay", delay, 0, 0xFFFF);
            range("Channel", channel, 0, 255);
        }
        public int cid() { return 0x12; }
        public byte[] payload() { return new byte[] {(byte) delay, (byte) (delay >>> 8), (byte) channel}; }
    }

    /** 0x13, Class B: beacon frequency (0 = the region's default). */
    record BeaconFreqReq(long frequencyHz) implements Downlink {
        public BeaconFreqReq {
            frequency(frequencyHz);
        }
        public int cid() { return 0x13; }
        public byte[] payload() {
            byte[] out = new byte[3];
            LittleEndian.write(frequencyHz / 100, out, 0, 3);
            return out;
        }
    }

    /** 0x20, LoRaWAN 1.1. */
    record DeviceModeConf(int deviceClass) implements Downlink {
        public int cid() { return 0x20; }
        public byte[] payload() { return new byte[] {(byte) deviceClass}; }
    }

    // ---- either direction --------------------------------------------------------------------------

    /** CIDs 0x80-0xFF are proprietary: their length is not known, so they take the rest of the string. */
    record Proprietary(int cid, Direction direction, byte[] content) implements MacCommand {
        public Proprietary {
            range("proprietary CID", cid, 0x80, 0xFF);
            content = content.clone();
        }
        public byte[] payload() { return content.clone(); }
        @Override
        public boolean equals(Object other) {
            return other instanceof Proprietary that && cid == that.cid && direction == that.direction
                    && java.util.Arrays.equals(content, that.content);
        }
        @Override
        public int hashCode() { return cid * 31 + java.util.Arrays.hashCode(content); }
    }

    /** A command sent by the end-device. */
    sealed interface Uplink extends MacCommand {
        default Direction direction() { return Direction.UPLINK; }
    }

    /** A command sent by the network. */
    sealed interface Downlink extends MacCommand {
        default Direction direction() { return Direction.DOWNLINK; }
    }

    private static byte[] bits(boolean... flags) {
        int value = 0;
        for (boolean flag : flags) {
            value = value << 1 | (flag ? 1 : 0);
        }
        return new byte[] {(byte) value};
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + "-" + max + ", got " + value);
        }
    }

    private static void frequency(long hz) {
        if (hz < 0 || hz % 100 != 0 || hz / 100 > 0xFFFFFF) {
            throw new IllegalArgumentException("frequency must be a multiple of 100 Hz below 1.68 GHz, got " + hz);
        }
    }
}
