package net.lorawanns.core.device;

import net.lorawanns.core.types.Eui64;

/**
 * A session that may have sent an uplink with a given DevAddr.
 *
 * @param pending the session of a join whose device has not sent its first uplink yet
 * @param lastFCntUp the last accepted 32-bit uplink counter, -1 when none yet
 * @param confFCnt the FCntDown of the last confirmed downlink sent in the session: an uplink that acknowledges it
 *                 has it in its LoRaWAN 1.1 MIC (ConfFCnt, section 4.4)
 */
public record SessionCandidate(Eui64 devEui, DeviceSession session, boolean pending, long lastFCntUp, long confFCnt) {
    /** A candidate of a session that has sent no confirmed downlink. */
    public SessionCandidate(Eui64 devEui, DeviceSession session, boolean pending, long lastFCntUp) {
        this(devEui, session, pending, lastFCntUp, 0);
    }
}
