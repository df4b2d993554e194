package net.lorawanns.core.types;

/** A JoinEUI range written {@code 70B3D57ED0000000/40}: the EUI's high {@code bits} bits are fixed. */
public record Eui64Prefix(Eui64 prefix, int bits) {
    public Eui64Prefix {
        if (bits < 0 || bits > 64) {
            throw new IllegalArgumentException("EUI-64 prefix length must be 0-64, got " + bits);
        }
    }

    /** {@code EUI/length}, or a plain EUI (taken as /64). */
    public static Eui64Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Eui64Prefix(Eui64.parse(text), 64);
        }
        int bits;
        try {
            bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("EUI-64 prefix length must be a number, got '" + text + "'");
        }
        return new Eui64Prefix(Eui64.parse(text.substring(0, slash)), bits);
    }

    public boolean contains(Eui64 eui) {
        long mask = bits == 0 ? 0 : -1L << (64 - bits);
        return ((eui.value() ^ prefix.value()) & mask) == 0;
    }

    @Override
    public String toString() {
        return prefix + "/" + bits;
    }
}
