package net.lorawanns.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The regional-parameter plans an operator can enable: the regions of RP002 (ISM2400 is not one, and is not served).
 * AS923's groups are {@code as923-1} to {@code as923-4}; ChirpStack's spellings {@code as923} and {@code as923_2}
 * are read as {@code as923-1} and {@code as923-2}.
 */
public enum RegionId {
    EU868("eu868"), US915("us915"), AU915("au915"), AS923_1("as923-1"), AS923_2("as923-2"), AS923_3("as923-3"),
    AS923_4("as923-4"), CN470("cn470"), IN865("in865"), KR920("kr920"), EU433("eu433"), RU864("ru864"),
    CN779("cn779");

    private final String id;

    RegionId(String id) {
        this.id = id;
    }

    public static RegionId parse(String key, String text) {
        String name = text.toLowerCase(Locale.ROOT).replace('_', '-');
        if (name.equals("as923")) {
            name = AS923_1.id;
        }
        for (RegionId region : values()) {
            if (region.id.equals(name)) {
                return region;
            }
        }
        throw new InvalidSettingException(key, "unknown region '" + text + "'; known: "
                + Arrays.stream(values()).map(RegionId::id).collect(Collectors.joining(", "))
                + (name.equals("ism2400") ? " (ISM2400 is not an RP002 region and is not served)" : ""));
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
