package net.lorawanns.core.backend;

import java.util.Optional;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * What a Backend Interfaces RejoinReq carries (TS002-1.1, the JoinReq's fields for a rejoin-request): the
 * rejoin-request, the device's LoRaWAN version, the requesting network, and the values the network server chose for
 * the rejoin-accept.
 *
 * @param joinEui the join server it goes to: the frame's JoinEUI for type 1; the JoinEUI registered for the device
 *     for types 0 and 2, whose frame names the NetID instead
 */
public record RejoinRequestContext(byte[] phyPayload, RejoinRequest request, Eui64 joinEui, MacVersion macVersion,
                                   NetId netId, DevAddr devAddr, DlSettings dlSettings, int rxDelay,
                                   Optional<CfList> cfList) {
    /** @throws IllegalArgumentException when a type 1 rejoin-request names another JoinEUI than {@code joinEui} */
    public RejoinRequestContext {
        if (request instanceof RejoinRequest.JoinEuiType type1 && !type1.joinEui().equals(joinEui)) {
            throw new IllegalArgumentException("the rejoin-request names JoinEUI " + type1.joinEui() + ", not "
                    + joinEui);
        }
        phyPayload = phyPayload.clone();
    }

    @Override
    public byte[] phyPayload() {
        return phyPayload.clone();
    }
}
