package net.lorawanns.core.queue;

import java.util.Objects;
import java.util.UUID;

/** The id of one queued downlink, carried by every event about it. */
public record DownlinkId(UUID value) {
    public DownlinkId {
        Objects.requireNonNull(value, "value");
    }

    public static DownlinkId random() {
        return new DownlinkId(UUID.randomUUID());
    }

    /** Parses the text form; an IllegalArgumentException names what is wrong. */
    public static DownlinkId parse(String text) {
        try {
            return new DownlinkId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a downlink id (a UUID): " + text);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
