package net.lorawanns.core.device;

import net.lorawanns.core.types.DevAddr;

/**
 * Where a device's session is, read without opening its keys: what an operator's view of a device shows of it.
 *
 * @param pending the session of a join whose device has not sent its first uplink yet
 * @param lastFCntUp the last accepted 32-bit uplink counter, -1 when none yet (or pending)
 */
public record SessionAddress(DevAddr devAddr, boolean pending, long lastFCntUp) {
}
