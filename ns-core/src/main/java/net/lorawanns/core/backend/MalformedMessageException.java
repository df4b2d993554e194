package net.lorawanns.core.backend;

/** A Backend Interfaces message that cannot be read: bad JSON, a missing field or a value of the wrong form. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
