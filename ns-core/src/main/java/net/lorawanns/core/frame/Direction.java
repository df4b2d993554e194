package net.lorawanns.core.frame;

/** The Dir field of crypto blocks: 0 uplink, 1 downlink (LoRaWAN 1.1 section 4.3.3). */
public enum Direction {
    UPLINK,
    DOWNLINK;

    public int code() {
        return ordinal();
    }
}
