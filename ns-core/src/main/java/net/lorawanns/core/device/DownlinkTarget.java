package net.lorawanns.core.device;

import java.util.List;
import java.util.Optional;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.PendingAck;

/**
 * What a Class B or C downlink needs of a device's active session, read in one step: the session, its MAC state,
 * the gateways that heard its last uplink (best first), the confirmed downlink still waiting for an ACK, and the
 * session of a join or rejoin the device has not used yet.
 */
public record DownlinkTarget(DeviceSession session, Optional<MacState> mac, List<HeardBy> heardBy,
                             Optional<PendingAck> pendingAck, Optional<String> pendingSessionId) {
    public DownlinkTarget {
        heardBy = List.copyOf(heardBy);
    }
}
