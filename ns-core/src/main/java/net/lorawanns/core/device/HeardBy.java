package net.lorawanns.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.lorawanns.core.types.Eui64;

/**
 * A gateway that heard a device's last uplink: where its Class B and C downlinks go, and how well it heard it. Stored
 * in the session hash as the EUI, followed by {@code +gps} for a gateway that stamped the reception with GPS time
 * ({@code tmms}): only such a gateway can send in a Class B ping slot; then {@code /RSSI/SNR}. Entries stored before
 * the signal was kept have none.
 *
 * @param rssi the received signal strength in dBm; null when not stored
 * @param snr the LoRa signal-to-noise ratio in dB; null when not stored or not LoRa
 */
public record HeardBy(Eui64 gateway, boolean gpsTime, Integer rssi, Double snr) {
    private static final String GPS = "+gps";

    public HeardBy {
        Objects.requireNonNull(gateway, "gateway");
    }

    /** The list as stored: entries separated by spaces, best first. */
    public static String encode(List<HeardBy> heard) {
        StringBuilder out = new StringBuilder(32 * heard.size());
        for (HeardBy entry : heard) {
            out.append(out.length() == 0 ? "" : " ").append(entry.gateway).append(entry.gpsTime ? GPS : "");
            if (entry.rssi != null) {
                out.append('/').append(entry.rssi).append('/').append(entry.snr == null ? "" : entry.snr);
            }
        }
        return out.toString();
    }

    /** Reads a stored list; an entry that is not one is skipped. */
    public static List<HeardBy> decode(String stored) {
        List<HeardBy> heard = new ArrayList<>();
        for (String entry : stored.split(" ")) {
            String[] parts = entry.split("/", -1);
            boolean gps = parts[0].endsWith(GPS);
            String eui = gps ? parts[0].substring(0, parts[0].length() - GPS.length()) : parts[0];
            try {
                heard.add(new HeardBy(Eui64.parse(eui), gps, parts.length == 3 ? Integer.valueOf(parts[1]) : null,
                        parts.length == 3 && !parts[2].isEmpty() ? Double.valueOf(parts[2]) : null));
            } catch (IllegalArgumentException notAnEntry) {
                // written by this class only; an empty list is stored as ''
            }
        }
        return heard;
    }
}
