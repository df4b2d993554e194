package net.lorawanns.core.region;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The RP002 regions this server serves, by configuration name, each as a device starts in it: its default channels
 * (dynamic plans) or all its channels (fixed plans), RP002's RX2. ISM2400 (not an RP002 region), LR-FHSS data rates
 * and CN470's RP002-1.0.3 plan types are not served.
 */
public final class Regions {
    private static final List<Region> ALL = List.of(Eu868.REGION, Us915.REGION, Au915.REGION, As923.GROUP_1,
            As923.GROUP_2, As923.GROUP_3, As923.GROUP_4, Cn470.REGION, In865.REGION, Kr920.REGION, Eu433.REGION,
            Ru864.REGION, Cn779.REGION);

    private Regions() {
    }

    /**
     * The region of a configuration name.
     *
     * @throws IllegalArgumentException naming the served regions for an unknown name
     */
    public static Region byId(String id) {
        for (Region region : ALL) {
            if (region.id().equals(id)) {
                return region;
            }
        }
        throw new IllegalArgumentException("unknown region '" + id + "'; served: " + ids());
    }

    /** The served regions' names. */
    public static String ids() {
        return ALL.stream().map(Region::id).collect(Collectors.joining(", "));
    }
}
