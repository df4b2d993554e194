package net.lorawanns.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.lorawanns.core.types.Eui64;

/**
 * A gateway that heard a device's last uplink: where its Class B and C downlinks go. Stored in the session hash as
 * the EUI, followed by {@code +gps} for a gateway that stamped the reception with GPS time ({@code tmms}): only such
 * a gateway can send in a Class B ping slot.
 */
public record HeardBy(Eui64 gateway, boolean gpsTime) {
    private static final String GPS = "+gps";

    public HeardBy {
        Objects.requireNonNull(gateway, "gateway");
    }

    /** The list as stored: entries separated by spaces, best first. */
    public static String encode(List<HeardBy> heard) {
        StringBuilder out = new StringBuilder(21 * heard.size());
        for (HeardBy entry : heard) {
            out.append(out.length() == 0 ? "" : " ").append(entry.gateway).append(entry.gpsTime ? GPS : "");
        }
        return out.toString();
    }

    /** Reads a stored list; an entry that is not one is skipped. */
    public static List<HeardBy> decode(String stored) {
        List<HeardBy> heard = new ArrayList<>();
        for (String entry : stored.split(" ")) {
            boolean gps = entry.endsWith(GPS);
            String eui = gps ? entry.substring(0, entry.length() - GPS.length()) : entry;
            try {
                heard.add(new HeardBy(Eui64.parse(eui), gps));
            } catch (IllegalArgumentException notAnEui) {
                // written by this class only; an empty list is stored as ''
            }
        }
        return heard;
    }
}
