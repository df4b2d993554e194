package net.lorawanns.core.types;

/** The revision of the LoRaWAN Regional Parameters a device implements. */
public enum RegParamsRevision {
    RP_1_0("1.0"),
    RP_1_0_1("1.0.1"),
    RP_1_0_2("1.0.2"),
    RP_1_0_2_B("1.0.2rB"),
    RP_1_0_3_A("1.0.3rA"),
    RP_1_1_A("1.1rA"),
    RP_1_1_B("1.1rB"),
    RP002_1_0_0("RP002-1.0.0"),
    RP002_1_0_1("RP002-1.0.1"),
    RP002_1_0_2("RP002-1.0.2"),
    RP002_1_0_3("RP002-1.0.3"),
    RP002_1_0_4("RP002-1.0.4");

    private final String text;

    RegParamsRevision(String text) {
        this.text = text;
    }

    public static RegParamsRevision parse(String value) {
        for (RegParamsRevision revision : values()) {
            if (revision.text.equalsIgnoreCase(value) || revision.name().equalsIgnoreCase(value)) {
                return revision;
            }
        }
        throw new IllegalArgumentException("unknown Regional Parameters revision '" + value + "'");
    }

    @Override
    public String toString() {
        return text;
    }
}
