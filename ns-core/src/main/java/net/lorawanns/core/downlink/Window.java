package net.lorawanns.core.downlink;

/** A Class A receive window. */
public enum Window {
    RX1, RX2;

    /** The name events and metrics use: {@code rx1}, {@code rx2}. */
    public String tag() {
        return this == RX1 ? "rx1" : "rx2";
    }
}
