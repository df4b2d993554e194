package net.lorawanns.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Value checks shared by the settings records. Each failure names the key; secrets are never repeated. */
final class Check {
    private static final Pattern HEX = Pattern.compile("(0[xX])?[0-9a-fA-F]*");
    private static final Pattern EUI_PREFIX = Pattern.compile("([0-9a-fA-F]{16})/(\\d{1,2})");
    private static final Pattern DEVADDR_PREFIX = Pattern.compile("([0-9a-fA-F]{8})/(\\d{1,2})");

    private Check() {
    }

    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /** Normalised upper-case hex of exactly {@code bytes} bytes; an optional 0x prefix is accepted. */
    static String hex(String key, String value, int bytes) {
        if (!HEX.matcher(value).matches()) {
            throw new InvalidSettingException(key, "must be hex, got '" + value + "'");
        }
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (digits.length() != bytes * 2) {
            throw new InvalidSettingException(key, "must be " + bytes * 2 + " hex digits, got " + digits.length()
                    + " ('" + value + "')");
        }
        return digits.toUpperCase(Locale.ROOT);
    }

    /** A secret AES-128 key in hex; the error says what is wrong but never echoes the value. */
    static Secret aesKey(String key, Secret value) {
        if (value == null || value.isEmpty()) {
            return new Secret("");
        }
        String text = value.reveal();
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (!HEX.matcher(digits).matches() || digits.length() != 32) {
            throw new InvalidSettingException(key, "must be an AES-128 key of 32 hex digits (value not shown)");
        }
        return new Secret(digits.toUpperCase(Locale.ROOT));
    }

    /** {@code 0000000000000000/0}-style EUI-64 prefix, or a plain EUI (taken as /64). */
    static String euiPrefix(String key, String value) {
        var m = EUI_PREFIX.matcher(value);
        if (m.matches()) {
            int bits = Integer.parseInt(m.group(2));
            if (bits > 64) {
                throw new InvalidSettingException(key, "prefix length must be 0-64, got " + bits);
            }
            long prefix = Long.parseUnsignedLong(m.group(1), 16);
            if (bits < 64 && prefix << bits != 0) {
                throw new InvalidSettingException(key, "'" + value + "' has bits set past its prefix length");
            }
            return m.group(1).toUpperCase(Locale.ROOT) + "/" + bits;
        }
        return hex(key, value, 8) + "/64";
    }

    static String devAddrPrefix(String key, String value) {
        var m = DEVADDR_PREFIX.matcher(value);
        if (!m.matches()) {
            throw new InvalidSettingException(key, "must look like 26000000/7, got '" + value + "'");
        }
        int bits = Integer.parseInt(m.group(2));
        if (bits > 32) {
            throw new InvalidSettingException(key, "prefix length must be 0-32, got " + bits);
        }
        long prefix = Long.parseLong(m.group(1), 16);
        if (bits < 32 && ((prefix << bits) & 0xFFFFFFFFL) != 0) {
            throw new InvalidSettingException(key, "'" + value + "' has bits set past its prefix length");
        }
        return m.group(1).toUpperCase(Locale.ROOT) + "/" + bits;
    }

    /** {@code host:port} or {@code [v6]:port}, port 0-65535 (0 = any free port). */
    static String hostPort(String key, String value) {
        try {
            HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, e.getMessage());
        }
        return value;
    }

    static URI url(String key, String value, Set<String> schemes) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw new InvalidSettingException(key, "must be a URL with scheme " + String.join(" or ", schemes)
                        + ", got '" + masked(uri) + "'");
            }
            if (uri.getHost() == null) {
                throw new InvalidSettingException(key, "URL has no host: '" + masked(uri) + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, "is not a valid URL: " + e.getReason());
        }
    }

    /** The URI with any password in its user-info replaced by the mask. */
    static String masked(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return uri.toString();
        }
        int colon = userInfo.indexOf(':');
        String shown = colon < 0 ? Secret.MASK : userInfo.substring(0, colon) + ":" + Secret.MASK;
        return uri.toString().replace(userInfo + "@", shown + "@");
    }

    /** An optional file: empty means not set; when set it must be a readable file. */
    static Path file(String key, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new InvalidSettingException(key, "file '" + value + "' does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new InvalidSettingException(key, "file '" + value + "' is not readable");
        }
        return path;
    }

    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSettingException(key, "must be " + min + "-" + max + ", got " + value);
        }
        return value;
    }

    /** A radio frequency in Hz, 100 MHz to 3 GHz (LoRaWAN's bands lie between). */
    static long frequency(String key, long hz) {
        if (hz < 100_000_000L || hz > 3_000_000_000L) {
            throw new InvalidSettingException(key, "must be a frequency in Hz (100 MHz-3 GHz), got " + hz);
        }
        return hz;
    }

    static java.time.Duration positive(String key, java.time.Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(key, "must be a positive duration, got " + Durations.format(value));
        }
        return value;
    }

    static <E extends Enum<E>> E oneOf(String key, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new InvalidSettingException(key, "must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ", got '" + value + "'");
    }
}
