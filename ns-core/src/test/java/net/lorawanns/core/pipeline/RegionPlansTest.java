package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.Settings;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.RegParamsRevision;
import org.junit.jupiter.api.Test;

/** {@code [[regions]]} entries become the regions the network runs; values that do not fit are named by key. */
class RegionPlansTest {
    private static final String ENABLED = """
            [network]
            enabled_regions = ["eu868", "us915", "au915", "cn470", "as923-1", "kr920"]
            """;

    private static Map<String, Region> regions(String toml) throws Exception {
        Settings settings = new ConfigLoader(name -> null).parse(toml);
        return RegionPlans.configured(settings.network(), settings.regions());
    }

    private static String error(String toml) {
        return assertThrows(IllegalArgumentException.class, () -> regions(toml)).getMessage();
    }

    @Test
    void regionsWithoutAnEntryRunOnTheDefaults() throws Exception {
        Map<String, Region> regions = regions(ENABLED);
        assertEquals(List.of("eu868", "us915", "au915", "cn470", "as923-1", "kr920"), List.copyOf(regions.keySet()));
        assertEquals(List.of(868_100_000L, 868_300_000L, 868_500_000L, 867_100_000L, 867_300_000L, 867_500_000L,
                867_700_000L, 867_900_000L), regions.get("eu868").uplinkChannels().stream()
                .map(Channel::frequencyHz).toList());
        assertEquals(Set.of(8, 9, 10, 11, 12, 13, 14, 15, 65), regions.get("us915").enabledUplinkChannelIndices());
        assertEquals(Set.of(8, 9, 10, 11, 12, 13, 14, 15, 65), regions.get("au915").enabledUplinkChannelIndices());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), regions.get("cn470").enabledUplinkChannelIndices());
        assertEquals(2, regions.get("as923-1").uplinkChannels().size());
        assertEquals(923_200_000L, regions.get("as923-1").networkRx2Frequency());
        assertEquals(2, regions.get("as923-1").networkRx2DataRate());
    }

    @Test
    void entriesChooseChannelsAndRx2() throws Exception {
        Map<String, Region> regions = regions(ENABLED + """
                [[regions]]
                id = "us915"
                sub_bands = [1, 8]

                [[regions]]
                id = "kr920"
                extra_channels = [{ frequency = 922700000 }, { frequency = 922900000, min_dr = 2, max_dr = 5 }]
                rx2_frequency = 922100000
                rx2_dr = 1
                """);
        assertEquals(new CfList.ChannelMasks(List.of(0x00FF, 0, 0, 0xFF00, 0x81)),
                regions.get("us915").joinAcceptCfList(RegParamsRevision.RP002_1_0_4).orElseThrow());
        Region kr = regions.get("kr920");
        assertEquals(new Channel(922_900_000L, 2, 5), kr.uplinkChannels().get(4));
        assertEquals(922_100_000L, kr.networkRx2Frequency());
        assertEquals(1, kr.networkRx2DataRate());
        assertEquals(921_900_000L, kr.rx2Frequency(), "the RP002 default stays what a device starts with");
    }

    @Test
    void valuesThatDoNotFitTheRegionAreNamedByKey() {
        assertTrue(error(ENABLED + "[[regions]]\nid = \"eu868\"\n[[regions]]\nid = \"us915\"\nsub_bands = [2, 9]\n")
                .startsWith("regions[1].sub_bands[1]: us915 has sub-bands 1-8, got 9"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"cn470\"\nsub_bands = [13]\n")
                .startsWith("regions[0].sub_bands[0]: cn470 has sub-bands 1-12"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"eu868\"\nsub_bands = [1]\n")
                .startsWith("regions[0].sub_bands: eu868 has a dynamic channel plan"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"au915\"\nextra_channels = [{ frequency = 916000000 }]\n")
                .startsWith("regions[0].extra_channels: au915 has a fixed channel plan"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"eu868\"\nextra_channels = [{ frequency = 915000000 }]\n")
                .startsWith("regions[0].extra_channels[0]: 915000000 Hz is outside eu868's band"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"eu868\"\nextra_channels = [{ frequency = 867100000 }, "
                + "{ frequency = 867100000 }]\n").startsWith("regions[0].extra_channels[1]: 867100000 Hz is already a "
                + "channel of eu868"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"kr920\"\nextra_channels = [{ frequency = 922700000, "
                + "max_dr = 7 }]\n").startsWith("regions[0].extra_channels[0]: kr920 has no uplink data rate DR7"));
        StringBuilder fourteen = new StringBuilder(ENABLED + "[[regions]]\nid = \"eu868\"\nextra_channels = [");
        for (int i = 0; i < 14; i++) {
            fourteen.append(i == 0 ? "" : ", ").append("{ frequency = ").append(863_100_000L + i * 200_000L)
                    .append(" }");
        }
        assertTrue(error(fourteen + "]\n").startsWith("regions[0].extra_channels[13]: eu868 takes at most 13 extra "
                + "channels (16 in all with its 3 default channels), got 14"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"us915\"\nrx2_frequency = 869525000\n")
                .startsWith("regions[0].rx2_frequency: 869525000 Hz is outside us915's band"));
        assertTrue(error(ENABLED + "[[regions]]\nid = \"us915\"\nrx2_dr = 3\n")
                .startsWith("regions[0].rx2_dr: us915 has no downlink data rate DR3"));
    }

    @Test
    void theNetworkPlanRunsTheDefaultRegionAsItsEntrySays() throws Exception {
        Settings settings = new ConfigLoader(name -> null).parse("""
                [network]
                region = "au915"
                enabled_regions = ["eu868", "au915"]

                [[regions]]
                id = "au915"
                sub_bands = [1]
                rx2_dr = 10
                """);
        NetworkPlan plan = NetworkPlan.of(settings.network(), settings.regions());
        assertEquals("au915", plan.region().id());
        assertEquals(10, plan.region().networkRx2DataRate());
        assertEquals(923_300_000L, plan.region().networkRx2Frequency());
        assertEquals(List.of("eu868", "au915"), List.copyOf(plan.regions().keySet()));
        assertTrue(plan.region().acceptsUplink(915_200_000L, 2));
        assertFalse(plan.region().acceptsUplink(916_800_000L, 2), "channel 8 is sub-band 2");
    }
}
