package net.lorawanns.core.classb;

import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.region.BeaconSettings;

/**
 * The answer to BeaconTimingReq (LoRaWAN 1.0.2 sections 14.4 and 14.5; deprecated from 1.0.3 on, whose devices learn
 * the time from DeviceTimeAns): Delay is the time from the end of the downlink to the start of the next beacon in
 * 30 ms steps, 30 ms x (Delay + 1) > RTime >= 30 ms x Delay; Channel the index of the channel the next beacon hops
 * to, 0 where the beacon has one frequency. Pure: any thread.
 */
public final class BeaconTiming {
    private BeaconTiming() {
    }

    /**
     * @param downlinkEndGpsMillis when the downlink that carries the answer ends, in GPS milliseconds
     * @param ownFrequency the device was given a beacon frequency of its own (BeaconFreqReq): no hopping
     */
    public static MacCommand.BeaconTimingAns answer(long downlinkEndGpsMillis, BeaconSettings beacon,
                                                    boolean ownFrequency) {
        long next = Beacon.nextBeacon(downlinkEndGpsMillis);
        int delay = (int) ((next - downlinkEndGpsMillis) / Beacon.SLOT_MILLIS);
        int channel = ownFrequency ? 0
                : (int) Math.floorMod(next / Beacon.PERIOD_MILLIS, (long) beacon.channels());
        return new MacCommand.BeaconTimingAns(delay, channel);
    }
}
