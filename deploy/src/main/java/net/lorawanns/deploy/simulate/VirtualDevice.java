package net.lorawanns.deploy.simulate;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.lorawanns.sim.DeviceMacState;
import net.lorawanns.sim.DeviceRegion;
import net.lorawanns.sim.SpecDevice;

/**
 * A Class A device of the simulation: its spec device makes the frames (join-requests, uplinks with the MAC answers
 * its MAC layer owes) and reads the downlinks; this class picks what to send and says where and when it listens
 * afterwards. Used on the simulation thread only.
 */
final class VirtualDevice {
    /** TS001 1.0.4 section 6.2.5 (JOIN_ACCEPT_DELAY1 and 2; RP002 gives 5 and 6 s in every region). */
    private static final int JOIN_ACCEPT_DELAY1 = 5;
    private static final int JOIN_ACCEPT_DELAY2 = 6;
    /** TS001 1.0.4 section 6.2.5: RECEIVE_DELAY2, RX2 of an uplink before the network changes RxDelay. */
    private static final int RECEIVE_DELAY2 = 2;
    private static final int F_PORT = 1;
    /** The MAC command identifiers of LoRaWAN 1.1's ResetInd and RekeyInd (section 5). */
    private static final int RESET_IND = 0x01;
    private static final int REKEY_IND = 0x0B;
    /** Their Dev LoRaWAN version field: 1 for LoRaWAN x.1. */
    private static final int LORAWAN_1_1_MINOR = 1;

    /** A gateway in the device's reach, and the signal it hears the device with. */
    record Reach(VirtualGateway gateway, int rssi, double snr) {
    }

    /**
     * A frame the device sent and the two windows it listens in after it.
     *
     * @param fCnt    -1 for a join-request
     * @param fPort   the FPort as {@link SpecDevice.Uplink} gives it (0 or less: no application payload went)
     * @param payload the application payload before encryption (empty for a join-request)
     */
    record Transmission(VirtualDevice device, byte[] phy, long frequencyHz, String datr, long fCnt, boolean confirmed,
                        int fPort, byte[] payload, SpecDevice.Window rx1, SpecDevice.Window rx2) {
        boolean join() {
            return fCnt < 0;
        }
    }

    /** What a downlink the device read was. */
    enum Received {
        JOIN_ACCEPT, ACK, OTHER
    }

    final DevicePlan plan;
    final List<Reach> reach;
    private final SpecDevice spec;
    private final Random random;
    private int devNonce;
    private boolean joined;
    private int uplinks;
    private long lastSentNanos = System.nanoTime();
    private int lastRx2DelaySeconds = JOIN_ACCEPT_DELAY2;

    VirtualDevice(DevicePlan plan, List<Reach> reach, Random random, DeviceRegion region) {
        this.plan = plan;
        this.reach = reach;
        this.random = random;
        this.devNonce = random.nextInt(0x1000);
        this.spec = plan.device(devNonce).inRegion(region, firstDataRate(region, random));
        this.joined = !plan.otaa();
        if (joined && plan.lorawan11()) {
            // An ABP 1.1 device tells of its reset in every uplink until the ResetConf (LoRaWAN 1.1 section 5.1).
            spec.mac.indicate(RESET_IND, LORAWAN_1_1_MINOR);
        }
    }

    /** A data rate the region allows for uplinks on one of its default channels, drawn at random. */
    private static int firstDataRate(DeviceRegion region, Random random) {
        List<Integer> usable = IntStream.rangeClosed(region.minUplinkDr(false), 15)
                .filter(dr -> region.defaultChannels.stream().anyMatch(channel -> channel.allows(dr))).boxed().toList();
        return usable.get(random.nextInt(usable.size()));
    }

    /** A LoRaWAN 1.1 device that joined or is ABP: whether the network confirmed its RekeyInd or ResetInd. */
    boolean indicationConfirmed() {
        return !(plan.otaa() ? spec.mac.rekeyConfs : spec.mac.resetConfs).isEmpty();
    }

    /** The RX2 delay of the first frame: a join-request's, or an ABP device's first uplink's. */
    static int firstRx2DelaySeconds(boolean otaa) {
        return otaa ? JOIN_ACCEPT_DELAY2 : RECEIVE_DELAY2;
    }

    /** When the device sent its last frame (or was made, before its first). */
    long lastSentNanos() {
        return lastSentNanos;
    }

    /** The RX2 delay after its last frame. */
    int lastRx2DelaySeconds() {
        return lastRx2DelaySeconds;
    }

    void sentAt(long nanos) {
        lastSentNanos = nanos;
    }

    boolean joined() {
        return joined;
    }

    int uplinks() {
        return uplinks;
    }

    /** A join-request with the next DevNonce (a retried join never repeats one: TS001 1.0.4 section 6.2.4.3). */
    Transmission joinRequest() {
        byte[] phy = spec.joinRequest(devNonce++);
        DeviceMacState state = spec.mac.state;
        List<Integer> channels = state.usableChannels(state.dataRate);
        int channel = channels.get(random.nextInt(channels.size()));
        DeviceRegion region = state.region;
        SpecDevice.Window rx1 = new SpecDevice.Window(state.rx1FrequencyHz(channel),
                region.datr(region.rx1Dr(state.dataRate, 0, state.downlinkDwellTime)), JOIN_ACCEPT_DELAY1);
        SpecDevice.Window rx2 = new SpecDevice.Window(state.rx2FrequencyHz, region.datr(state.rx2Dr),
                JOIN_ACCEPT_DELAY2);
        lastRx2DelaySeconds = rx2.delaySeconds();
        return new Transmission(this, phy, state.channel(channel).frequencyHz(), region.datr(state.dataRate), -1,
                false, 0, new byte[0], rx1, rx2);
    }

    /** The next uplink on FPort 1 with a few random bytes, as the device would send it now. */
    Transmission uplink(boolean confirmed) {
        byte[] payload = new byte[4 + random.nextInt(9)];
        random.nextBytes(payload);
        SpecDevice.Uplink uplink = spec.uplinkNow(confirmed, F_PORT, payload);
        uplinks++;
        lastRx2DelaySeconds = uplink.rx2().delaySeconds();
        return new Transmission(this, uplink.phy(), uplink.frequencyHz(), uplink.datr(), uplink.fCnt(), confirmed,
                uplink.fPort(), payload, uplink.rx1(), uplink.rx2());
    }

    /**
     * Reads a downlink received in a window of {@code after}: opens a join-accept, or verifies, decrypts and applies
     * a data downlink (its MAC commands are answered in the next uplink).
     *
     * @throws AssertionError when the spec device finds the frame wrong (MIC, DevAddr, OptNeg, ...)
     */
    Received receive(byte[] phy, Transmission after) {
        if (after.join()) {
            spec.acceptJoin(phy);
            joined = true;
            if (plan.lorawan11()) {
                // After a join, RekeyInd in every uplink until the network's RekeyConf (LoRaWAN 1.1 section 5.10).
                spec.mac.indicate(REKEY_IND, LORAWAN_1_1_MINOR);
            }
            return Received.JOIN_ACCEPT;
        }
        return spec.receive(phy).ack() ? Received.ACK : Received.OTHER;
    }
}
