package net.lorawanns.core.types;

/** The LoRaWAN L2 specification a device implements. */
public enum MacVersion {
    LORAWAN_1_0_0("1.0.0"),
    LORAWAN_1_0_1("1.0.1"),
    LORAWAN_1_0_2("1.0.2"),
    LORAWAN_1_0_3("1.0.3"),
    LORAWAN_1_0_4("1.0.4"),
    LORAWAN_1_1_0("1.1.0");

    private final String text;

    MacVersion(String text) {
        this.text = text;
    }

    /** Accepts "1.0.3", "1.1", "1.1.0" and the enum names. */
    public static MacVersion parse(String value) {
        for (MacVersion version : values()) {
            if (version.text.equals(value) || version.name().equalsIgnoreCase(value)
                    || (version == LORAWAN_1_1_0 && "1.1".equals(value))) {
                return version;
            }
        }
        throw new IllegalArgumentException("unknown LoRaWAN version '" + value + "'; known: 1.0.0, 1.0.1, 1.0.2, "
                + "1.0.3, 1.0.4, 1.1.0");
    }

    /** From LoRaWAN 1.0.4 and 1.1 on, DevNonce is a counter that must increase (1.0.4 section 6.2.5). */
    public boolean devNonceIsCounter() {
        return this == LORAWAN_1_0_4 || this == LORAWAN_1_1_0;
    }

    @Override
    public String toString() {
        return text;
    }
}
