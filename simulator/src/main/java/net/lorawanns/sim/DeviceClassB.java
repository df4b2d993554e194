package net.lorawanns.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The Class B side of a spec device, written from LoRaWAN 1.0.4 sections 11 and 12 and RP002-1.0.4 and sharing no
 * code with the server: the ping-slot periodicity it announces, the ping-slot channel and beacon frequency the
 * network gave it, and the ping slots it opens. Times are GPS milliseconds.
 * Not thread-safe: one thread uses it (a test's, or the simulation's).
 */
public final class DeviceClassB {
    /** Where and when the device listens for a Class B downlink. */
    public record Slot(long gpsMillis, long frequencyHz, int dataRate) {
    }

    private final DeviceRegion region;
    /** A ping slot every 2^periodicity seconds (0-7), announced with PingSlotInfoReq. */
    public int periodicity;
    /** PingSlotChannelReq: the ping-slot frequency (0: the region's default plan) and data rate (-1: the default). */
    public long pingSlotFrequencyHz;
    public int pingSlotDataRate = -1;
    /** BeaconFreqReq: the beacon frequency (0: the region's default). */
    public long beaconFrequencyHz;
    /** Whether the network acknowledged the periodicity (PingSlotInfoAns): only then may the device use it. */
    public boolean pingSlotInfoAcknowledged;
    /**
     * The device is in Class B mode (it locked on a beacon): its uplinks set the Class B bit of FCtrl and it opens its
     * ping slots (LoRaWAN 1.0.4 sections 8.1 and 9.1). Tests switch it.
     */
    public boolean active;

    DeviceClassB(DeviceRegion region, int periodicity) {
        this.region = region;
        this.periodicity = periodicity;
    }

    /** The data rate the device listens at in its ping slots. */
    public int dataRate() {
        return pingSlotDataRate >= 0 ? pingSlotDataRate : region.beacon().dataRate();
    }

    /**
     * The ping slots of the beacon period that starts at GPS second {@code beaconTime} (a multiple of 128): Rand =
     * aes128_encrypt(16 zero octets, BeaconTime | DevAddr | pad16), pingOffset = (Rand[0] + Rand[1] * 256) mod
     * pingPeriod; slot N at BEACON_RESERVED (2120 ms) + (pingOffset + N * pingPeriod) * 30 ms after the beacon, with
     * pingPeriod = 2^(5 + periodicity) and pingNb = 2^(7 - periodicity) (1.0.4 section 11.2).
     */
    public List<Long> slotsOfPeriod(long beaconTime, byte[] devAddrLe) {
        byte[] block = new byte[16];
        for (int i = 0; i < 4; i++) {
            block[i] = (byte) (beaconTime >>> (8 * i));
        }
        System.arraycopy(devAddrLe, 0, block, 4, 4);
        byte[] rand = DeviceCrypto.aesEncrypt(new byte[16], block);
        int pingPeriod = 1 << (5 + periodicity);
        int pingOffset = ((rand[0] & 0xFF) + (rand[1] & 0xFF) * 256) % pingPeriod;
        List<Long> slots = new ArrayList<>();
        for (int n = 0; n < 1 << (7 - periodicity); n++) {
            slots.add(beaconTime * 1000 + 2120 + (pingOffset + (long) n * pingPeriod) * 30);
        }
        return slots;
    }

    /** The first ping slot the device opens at or after {@code gpsMillis}, with its frequency and data rate. */
    public Slot nextSlot(long gpsMillis, byte[] devAddrLe) {
        long beaconTime = Math.floorDiv(gpsMillis, 128_000L) * 128;
        while (true) {
            for (long slot : slotsOfPeriod(beaconTime, devAddrLe)) {
                if (slot >= gpsMillis) {
                    return new Slot(slot, frequency(beaconTime, devAddrLe), dataRate());
                }
            }
            beaconTime += 128;
        }
    }

    /**
     * The ping-slot frequency in the period of {@code beaconTime}: the one the network gave, else the region's; where
     * the beacon hops (US915, AU915, CN470) channel = (DevAddr + floor(BeaconTime / 128)) mod 8 over the beacon's
     * channels (LoRaWAN 1.0.4 section 14.2; RP002-1.0.4 section 2.5.8 and its AU915 and CN470 counterparts).
     */
    private long frequency(long beaconTime, byte[] devAddrLe) {
        if (pingSlotFrequencyHz != 0) {
            return pingSlotFrequencyHz;
        }
        DeviceRegion.Beacon beacon = region.beacon();
        long devAddr = (devAddrLe[0] & 0xFFL) | (devAddrLe[1] & 0xFFL) << 8 | (devAddrLe[2] & 0xFFL) << 16
                | (devAddrLe[3] & 0xFFL) << 24;
        return beacon.frequencyHz() + ((devAddr + beaconTime / 128) % beacon.channels()) * beacon.spacingHz();
    }

    /**
     * PingSlotChannelReq (1.0.4 section 12.3): Frequency (100 Hz units, 0: the default plan) and DR; applied only when
     * both are acceptable. Returns the PingSlotChannelAns status: bit 1 data rate OK, bit 0 frequency OK.
     */
    int pingSlotChannel(long hz, int dr) {
        boolean frequencyOk = hz == 0 || region.receivable(hz);
        boolean dataRateOk = region.downlinkDr(dr);
        if (frequencyOk && dataRateOk) {
            pingSlotFrequencyHz = hz;
            pingSlotDataRate = dr;
        }
        return (dataRateOk ? 0x02 : 0) | (frequencyOk ? 0x01 : 0);
    }

    /** BeaconFreqReq (1.0.4 section 12.2): 0 is the default frequency; returns BeaconFreqAns bit 0. */
    int beaconFrequency(long hz) {
        boolean ok = hz == 0 || region.receivable(hz);
        if (ok) {
            beaconFrequencyHz = hz;
        }
        return ok ? 0x01 : 0;
    }
}
