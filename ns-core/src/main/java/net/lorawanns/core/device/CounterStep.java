package net.lorawanns.core.device;

import java.util.Optional;

/**
 * What the atomic frame-counter step decided, with the device record it read in the same step.
 *
 * @param device the device as stored when the step ran; empty when the device is gone (the decision is then
 *               {@link FCntDecision#STALE})
 */
public record CounterStep(FCntDecision decision, Optional<Device> device) {
}
