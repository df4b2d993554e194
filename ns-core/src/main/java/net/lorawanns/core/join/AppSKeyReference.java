package net.lorawanns.core.join;

import java.util.Objects;

/**
 * Where the application gets a session's AppSKey when the join server kept it (no AppSKey in the JoinAns): it sends
 * that join server an AppSKeyReq with the DevEUI and this SessionKeyID (TS002-1.1 section 6.3).
 *
 * @param sessionKeyId the SessionKeyID of the JoinAns, hex
 * @param joinServerId the join server's identity as the JoinAns named it (its SenderID: a JoinEUI or the join
 *                     server's ID)
 */
public record AppSKeyReference(String sessionKeyId, String joinServerId) {
    public AppSKeyReference {
        Objects.requireNonNull(sessionKeyId, "sessionKeyId");
        Objects.requireNonNull(joinServerId, "joinServerId");
    }
}
