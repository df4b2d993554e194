package net.lorawanns.core.device;

import java.nio.charset.StandardCharsets;
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
    /** An EUI as {@link Eui64#toString} writes it: 16 upper-case hex digits. */
    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    public HeardBy {
        Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * The list as stored (ASCII): entries separated by spaces, best first. Written straight into the bytes the
     * counter step sends, sized first, without a String per entry: it goes with every counter step.
     */
    public static byte[] encode(List<HeardBy> heard) {
        int size = Math.max(0, heard.size() - 1);
        for (int i = 0; i < heard.size(); i++) {
            size += heard.get(i).encodedSize();
        }
        byte[] out = new byte[size];
        int at = 0;
        for (int i = 0; i < heard.size(); i++) {
            if (i > 0) {
                out[at++] = ' ';
            }
            at = heard.get(i).encode(out, at);
        }
        return out;
    }

    private int encodedSize() {
        int size = 2 * Long.BYTES + (gpsTime ? GPS.length() : 0);
        if (rssi != null) {
            size += 2 + AsciiDecimal.length(rssi);
            if (snr != null) {
                size += AsciiDecimal.length(snr);
            }
        }
        return size;
    }

    /** Writes this entry at {@code at}; where it ends. */
    private int encode(byte[] out, int at) {
        long eui = gateway.value();
        for (int shift = 60; shift >= 0; shift -= 4) {
            out[at++] = HEX_DIGITS[(int) (eui >>> shift) & 0xF];
        }
        if (gpsTime) {
            for (int i = 0; i < GPS.length(); i++) {
                out[at++] = (byte) GPS.charAt(i);
            }
        }
        if (rssi != null) {
            out[at++] = '/';
            at = AsciiDecimal.write(rssi, out, at);
            out[at++] = '/';
            if (snr != null) {
                at = AsciiDecimal.write(snr, out, at);
            }
        }
        return at;
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
