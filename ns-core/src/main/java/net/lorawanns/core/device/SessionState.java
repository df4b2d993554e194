package net.lorawanns.core.device;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.lorawanns.core.types.DevAddr;

/**
 * A device's session as an operator looks at it, without its keys: the DevAddr of its active session (or, before its
 * first uplink after a join, its pending one), its counters, when its last answered uplink came and the gateways that
 * heard it, best first.
 *
 * @param devAddr empty when the device has no session
 * @param fCntUp the last accepted uplink counter; empty before the session's first uplink
 * @param nFCntDown the next NFCntDown (the FCntDown of LoRaWAN 1.0)
 * @param aFCntDown the next AFCntDown (LoRaWAN 1.1)
 */
public record SessionState(Optional<DevAddr> devAddr, OptionalLong fCntUp, long nFCntDown, long aFCntDown,
                           Optional<Instant> lastSeen, List<HeardBy> heardBy) {
    public SessionState {
        heardBy = List.copyOf(heardBy);
    }

    public boolean activated() {
        return devAddr.isPresent();
    }
}
