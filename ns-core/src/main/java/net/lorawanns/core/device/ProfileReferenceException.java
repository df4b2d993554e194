package net.lorawanns.core.device;

/** A device refers to a profile it cannot have; the message names the JSON field of the device to change. */
public final class ProfileReferenceException extends IllegalArgumentException {
    ProfileReferenceException(String message) {
        super(message);
    }
}
