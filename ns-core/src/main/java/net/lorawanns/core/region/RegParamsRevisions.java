package net.lorawanns.core.region;

import java.util.EnumSet;
import java.util.Set;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;

/** Facts about Regional Parameters revisions that the region tables depend on. */
public final class RegParamsRevisions {
    /**
     * The revisions whose fixed-plan regions (US915, AU915, CN470) define CFList type 1, the channel-mask list: it
     * came with the CFListType octet in Regional Parameters 1.1rA and 1.0.3rA; 1.0, 1.0.1 and 1.0.2 have a device
     * of these regions ignore a CFList.
     */
    private static final Set<RegParamsRevision> CHANNEL_MASK_CFLIST = EnumSet.of(RegParamsRevision.RP_1_0_3_A,
            RegParamsRevision.RP_1_1_A, RegParamsRevision.RP_1_1_B, RegParamsRevision.RP002_1_0_0,
            RegParamsRevision.RP002_1_0_1, RegParamsRevision.RP002_1_0_2, RegParamsRevision.RP002_1_0_3,
            RegParamsRevision.RP002_1_0_4);

    private RegParamsRevisions() {
    }

    /**
     * The revision to assume for a device that does not say which one it implements: the one published with (or
     * current for) its MAC version.
     */
    public static RegParamsRevision defaultFor(MacVersion version) {
        return switch (version) {
            case LORAWAN_1_0_0, LORAWAN_1_0_1 -> RegParamsRevision.RP_1_0;
            case LORAWAN_1_0_2 -> RegParamsRevision.RP_1_0_2_B;
            case LORAWAN_1_0_3 -> RegParamsRevision.RP_1_0_3_A;
            case LORAWAN_1_0_4 -> RegParamsRevision.RP002_1_0_1;
            case LORAWAN_1_1_0 -> RegParamsRevision.RP_1_1_B;
        };
    }

    static boolean definesChannelMaskCfList(RegParamsRevision revision) {
        return CHANNEL_MASK_CFLIST.contains(revision);
    }
}
