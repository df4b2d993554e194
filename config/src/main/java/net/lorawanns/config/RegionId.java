package net.lorawanns.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The regional-parameter plans an operator can enable, named as ChirpStack names them ({@code eu868}, {@code as923_2}). */
public enum RegionId {
    EU868, US915, CN779, EU433, AU915, CN470, AS923, AS923_2, AS923_3, AS923_4, KR920, IN865, RU864, ISM2400;

    public static RegionId parse(String key, String text) {
        for (RegionId region : values()) {
            if (region.id().equalsIgnoreCase(text)) {
                return region;
            }
        }
        throw new InvalidSettingException(key, "unknown region '" + text + "'; known: "
                + Arrays.stream(values()).map(RegionId::id).collect(Collectors.joining(", ")));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
