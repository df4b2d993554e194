package net.lorawanns.js;

import java.util.Optional;
import net.lorawanns.core.types.NetId;

/**
 * Who asks the join server to activate a device, and how the AppSKey goes to them.
 *
 * @param netId the requesting network; it must be the device's home network
 * @param nsId the requesting network server's NSID (Backend Interfaces 1.1), checked against the device's home NSID
 * @param asKekLabel label of the KEK that wraps the AppSKey; empty = in clear
 * @param inProcess this server's own network server, in-process; a Backend Interfaces peer otherwise
 */
public record Requester(NetId netId, Optional<String> nsId, String asKekLabel, boolean inProcess) {
}
