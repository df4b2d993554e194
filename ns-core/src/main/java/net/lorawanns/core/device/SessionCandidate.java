package net.lorawanns.core.device;

import net.lorawanns.core.types.Eui64;

/**
 * A session that may have sent an uplink with a given DevAddr.
 *
 * @param pending the session of a join whose device has not sent its first uplink yet
 * @param lastFCntUp the last accepted 32-bit uplink counter, -1 when none yet
 */
public record SessionCandidate(Eui64 devEui, DeviceSession session, boolean pending, long lastFCntUp) {
}
