package net.lorawanns.core.device;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.PendingAck;

/**
 * What the atomic frame-counter step decided, with the device record it read in the same step.
 *
 * @param device the device as stored when the step ran; empty when the device is gone (the decision is then
 *               {@link FCntDecision#STALE})
 * @param forceRejoinType the rejoin type of a ForceRejoinReq the operator asked for, to send with the answer to
 *                        this (new) frame; taken by this step, so that it goes out once
 * @param macState the session's MAC state as stored, empty before its first (or when unreadable)
 * @param queueLength how many application downlinks wait in the device's queue
 * @param pendingAck the confirmed downlink that waited for this (new) frame's ACK; taken by this step
 * @param downlinkPathBusy a Class B or C sender holds the device's downlink path: the answer carries no queue item
 * @param pendingSessionId the session of a join or rejoin the device has not used yet, if any
 * @param fCntDown the NFCntDown (FCntDown in 1.0) this step took for the frame's answer, when asked to and no
 *                 application downlink was queued (see {@link SessionStore#accept})
 */
public record CounterStep(FCntDecision decision, Optional<Device> device, OptionalInt forceRejoinType,
                          Optional<MacState> macState, int queueLength, Optional<PendingAck> pendingAck,
                          boolean downlinkPathBusy, Optional<String> pendingSessionId, OptionalLong fCntDown) {
}
