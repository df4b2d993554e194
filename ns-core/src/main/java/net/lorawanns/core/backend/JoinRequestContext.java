package net.lorawanns.core.backend;

import java.util.Optional;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * What a Backend Interfaces JoinReq carries (TS002-1.1 section 6.2.2.1): the join-request, the device's LoRaWAN
 * version, the requesting network, and the values the network server chose for the join-accept.
 */
public record JoinRequestContext(byte[] phyPayload, JoinRequest request, MacVersion macVersion, NetId netId,
                                 DevAddr devAddr, DlSettings dlSettings, int rxDelay, Optional<CfList> cfList) {
    public JoinRequestContext {
        phyPayload = phyPayload.clone();
    }

    @Override
    public byte[] phyPayload() {
        return phyPayload.clone();
    }
}
