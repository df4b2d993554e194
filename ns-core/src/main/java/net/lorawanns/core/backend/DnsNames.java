package net.lorawanns.core.backend;

import java.util.Locale;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;

/** DNS names of the LoRaWAN Backend Interfaces 1.0 section 19. */
public final class DnsNames {
    private DnsNames() {
    }

    /** Section 19.1: the JoinEUI's 16 hex nibbles, lowest first, dot-separated, then the suffix. */
    public static String joinEui(Eui64 joinEui, String suffix) {
        return joinEui.reversedNibbles() + "." + trimDots(suffix);
    }

    /** Section 19.2: the NetID's six hex digits, then the suffix. */
    public static String netId(NetId netId, String suffix) {
        return netId.toString().toLowerCase(Locale.ROOT) + "." + trimDots(suffix);
    }

    private static String trimDots(String suffix) {
        String s = suffix.startsWith(".") ? suffix.substring(1) : suffix;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
