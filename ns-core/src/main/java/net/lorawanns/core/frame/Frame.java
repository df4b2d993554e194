package net.lorawanns.core.frame;

/** A decoded PHYPayload: MHDR | MACPayload | MIC (LoRaWAN 1.1 section 4). Major is always LoRaWAN R1. */
public sealed interface Frame
        permits JoinRequest, RejoinRequest, JoinAccept, EncryptedJoinAccept, DataFrame, Proprietary {

    MType mType();

    /** The PHYPayload bytes as sent on air. */
    byte[] encode();
}
