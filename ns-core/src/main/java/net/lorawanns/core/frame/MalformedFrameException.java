package net.lorawanns.core.frame;

/** A frame or MAC command string that cannot be decoded; {@link #reason()} is fit for a metric tag. */
public final class MalformedFrameException extends Exception {
    /** Why decoding stopped. */
    public enum Reason {
        EMPTY,
        TRUNCATED,
        BAD_LENGTH,
        UNSUPPORTED_MAJOR,
        INCONSISTENT,
        UNKNOWN_REJOIN_TYPE,
        UNKNOWN_MAC_COMMAND,
        BAD_FIELD
    }

    private final Reason reason;

    public MalformedFrameException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason.name().toLowerCase(java.util.Locale.ROOT) + ": " + super.getMessage();
    }
}
