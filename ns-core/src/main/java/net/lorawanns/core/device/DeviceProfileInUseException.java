package net.lorawanns.core.device;

/** A change to a device profile that the devices holding it forbid (its deletion, a new MAC version). */
public final class DeviceProfileInUseException extends RuntimeException {
    DeviceProfileInUseException(String message) {
        super(message);
    }
}
