package net.lorawanns.core.device;

/** What the atomic frame-counter step decided for an uplink (ARCHITECTURE.md, uplink step 5). */
public enum FCntDecision {
    /** Greater than the last accepted: a new frame, now the last accepted. */
    NEW,
    /** Equal to the last accepted: a retransmission (NbTrans), not delivered again. */
    RETRANSMISSION,
    /** Lower than the last accepted: a replay, rejected. */
    REPLAY,
    /** Lower than the last accepted on a device with relaxed counters: taken as a counter reset. */
    RESET,
    /** The session was replaced between lookup and check (a join completed meanwhile). */
    STALE
}
