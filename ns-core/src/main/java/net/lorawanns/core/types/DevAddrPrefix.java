package net.lorawanns.core.types;

/** A DevAddr range written {@code 26000000/7}: the address's high {@code bits} bits are fixed. */
public record DevAddrPrefix(DevAddr prefix, int bits) {
    public DevAddrPrefix {
        if (bits < 0 || bits > 32) {
            throw new IllegalArgumentException("DevAddr prefix length must be 0-32, got " + bits);
        }
        if ((prefix.value() & ~mask(bits)) != 0) {
            throw new IllegalArgumentException("DevAddr prefix " + prefix + "/" + bits + " has bits set past its length");
        }
    }

    public static DevAddrPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("DevAddr prefix must look like 26000000/7, got '" + text + "'");
        }
        int bits;
        try {
            bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DevAddr prefix length must be a number, got '" + text + "'");
        }
        return new DevAddrPrefix(DevAddr.parse(text.substring(0, slash)), bits);
    }

    public boolean contains(DevAddr devAddr) {
        return ((devAddr.value() ^ prefix.value()) & mask(bits)) == 0;
    }

    /** The address in this range whose free low bits are {@code nwkAddr} (masked to fit). */
    public DevAddr withSuffix(int suffix) {
        return new DevAddr(prefix.value() | (suffix & ~mask(bits)));
    }

    private static int mask(int bits) {
        return bits == 0 ? 0 : -1 << (32 - bits);
    }

    @Override
    public String toString() {
        return prefix + "/" + bits;
    }
}
