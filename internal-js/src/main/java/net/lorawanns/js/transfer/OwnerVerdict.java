package net.lorawanns.js.transfer;

import net.lorawanns.core.types.Eui64;

/** What an owner token proves about a device, with the reason and HTTP status of each refusal. */
public enum OwnerVerdict {
    OWNER("owner", 200),
    WRONG_TOKEN("wrong_token", 403),
    NOT_CLAIMED("not_claimed", 409),
    RATE_LIMITED("rate_limited", 429),
    UNKNOWN("unknown", 404);

    private final String reason;
    private final int status;

    OwnerVerdict(String reason, int status) {
        this.reason = reason;
        this.status = status;
    }

    /** The machine-readable reason in per-device results. */
    public String reason() {
        return reason;
    }

    /** The HTTP status when it refuses a whole request. */
    public int status() {
        return status;
    }

    /** The refusal's message for the caller. */
    public String describe(Eui64 devEui) {
        return switch (this) {
            case OWNER -> "the owner token of DevEUI " + devEui + " is right";
            case WRONG_TOKEN -> "the owner token of DevEUI " + devEui + " is wrong";
            case NOT_CLAIMED -> "DevEUI " + devEui + " is not claimed by an owner";
            case RATE_LIMITED -> "too many wrong owner tokens for DevEUI " + devEui + "; try again later";
            case UNKNOWN -> "no root keys for DevEUI " + devEui;
        };
    }
}
