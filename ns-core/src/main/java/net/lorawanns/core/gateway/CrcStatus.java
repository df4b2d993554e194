package net.lorawanns.core.gateway;

/** The PHY CRC check of a received frame. */
public enum CrcStatus {
    OK,
    BAD,
    /** The frame carried no PHY CRC (LoRaWAN uplinks always do). */
    MISSING
}
