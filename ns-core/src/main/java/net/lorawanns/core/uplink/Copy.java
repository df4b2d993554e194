package net.lorawanns.core.uplink;

import net.lorawanns.core.gateway.RxInfo;

/**
 * One gateway's reception of a frame, as the deduplication set holds it.
 *
 * @param instanceId the server instance whose gateway bridge received it (only that instance can answer
 *                   through that gateway)
 */
public record Copy(String instanceId, RxInfo rxInfo) {
}
