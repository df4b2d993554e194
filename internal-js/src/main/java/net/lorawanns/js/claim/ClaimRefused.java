package net.lorawanns.js.claim;

import java.util.Locale;

/** A claim, unclaim or transfer that was not done, and why. The message names no token and no key. */
public final class ClaimRefused extends RuntimeException {
    /** Why it was refused; each is counted by its wire name. */
    public enum Reason {
        /** The owner token is not the device's, or the DevEUI is unknown: the two are not told apart. */
        WRONG_TOKEN,
        /** Too many wrong owner tokens for the DevEUI within the window. */
        RATE_LIMITED,
        /** Claiming a device that is already claimed. */
        ALREADY_CLAIMED,
        /** Unclaiming a device that is not claimed. */
        NOT_CLAIMED,
        /** A QR code whose JoinEUI is not the one the device is provisioned with. */
        JOIN_EUI_MISMATCH,
        /** Another request changed the device at the same time. */
        CONFLICT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public ClaimRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
