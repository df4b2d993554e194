package net.lorawanns.bridge;

/** A datagram, or a part of it, that does not follow the protocol. */
final class MalformedDatagramException extends Exception {
    private final DropReason reason;

    MalformedDatagramException(DropReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DropReason reason() {
        return reason;
    }
}
