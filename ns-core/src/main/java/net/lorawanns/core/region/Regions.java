package net.lorawanns.core.region;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import net.lorawanns.core.region.DataRate;

/** The regional plans this server implements, by configuration name. */
public final class Regions {
    /** EU863-870 (RP002-1.0.4 section 2.3): three default channels; the CFList adds 867.1-867.9 MHz. */
    public static final Region EU868 = new DynamicPlanRegion("eu868", List.of(
            Region.lora(12, 125), Region.lora(11, 125), Region.lora(10, 125), Region.lora(9, 125),
            Region.lora(8, 125), Region.lora(7, 125), Region.lora(7, 250), new DataRate.Fsk(50_000)),
            List.of(868_100_000L, 868_300_000L, 868_500_000L),
            List.of(867_100_000L, 867_300_000L, 867_500_000L, 867_700_000L, 867_900_000L),
            869_525_000L, 0, 14, 5);

    /** US902-928 (RP002-1.0.4 section 2.5; DR5-7 are LR-FHSS or RFU, not served here), sub-band 2 (channels 8-15 and 65) as most gateways ship. */
    public static final Region US915 = new FixedPlanRegion("us915", Arrays.asList(
            Region.lora(10, 125), Region.lora(9, 125), Region.lora(8, 125), Region.lora(7, 125),
            Region.lora(8, 500), null, null, null,
            Region.lora(12, 500), Region.lora(11, 500), Region.lora(10, 500), Region.lora(9, 500),
            Region.lora(8, 500), Region.lora(7, 500)),
            8, 902_300_000L, 903_000_000L, 923_300_000L,
            new int[][] {{10, 9, 8, 8}, {11, 10, 9, 8}, {12, 11, 10, 9}, {13, 12, 11, 10}, {13, 13, 12, 11}},
            2, 20);

    /** AU915-928 (RP002-1.0.4 section 2.7), sub-band 2. */
    public static final Region AU915 = new FixedPlanRegion("au915", Arrays.asList(
            Region.lora(12, 125), Region.lora(11, 125), Region.lora(10, 125), Region.lora(9, 125),
            Region.lora(8, 125), Region.lora(7, 125), Region.lora(8, 500), null,
            Region.lora(12, 500), Region.lora(11, 500), Region.lora(10, 500), Region.lora(9, 500),
            Region.lora(8, 500), Region.lora(7, 500)),
            8, 915_200_000L, 915_900_000L, 923_300_000L,
            new int[][] {{8, 8, 8, 8, 8, 8}, {9, 8, 8, 8, 8, 8}, {10, 9, 8, 8, 8, 8}, {11, 10, 9, 8, 8, 8},
                    {12, 11, 10, 9, 8, 8}, {13, 12, 11, 10, 9, 8}, {13, 13, 12, 11, 10, 9}},
            2, 27);

    private static final List<Region> ALL = List.of(EU868, US915, AU915);

    private Regions() {
    }

    /** The region of a configuration name. */
    public static Region byId(String id) {
        return ALL.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "region '" + id + "' is not implemented yet; implemented: " + ids()));
    }

    /** The implemented regions' names. */
    public static String ids() {
        return ALL.stream().map(Region::id).collect(Collectors.joining(", "));
    }

}
