package net.lorawanns.core.region.rp002;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The test oracle {@link ChMaskRules} against the cases the RP002 ChMaskCntl tables spell out. */
class ChMaskRulesTest {

    private static final Set<Integer> NONE = Set.of();

    @Test
    void fixed72ChMaskCntl0To4SwitchSixteenOrEightChannelsOneByOne() {
        assertEquals(ChMaskRules.range(8, 16),
                ChMaskRules.fixed72(NONE, List.of(new int[] {0, 0xFF00})), "ChMaskCntl 0: channels 0-15");
        Set<Integer> expected = new TreeSet<>(ChMaskRules.range(0, 72));
        expected.remove(63);
        expected.remove(64);
        assertEquals(expected, ChMaskRules.fixed72(ChMaskRules.range(0, 72),
                List.of(new int[] {3, 0x7FFF}, new int[] {4, 0x00FE})), "ChMaskCntl 3: 48-63, 4: 64-71");
    }

    @Test
    void fixed72ChMaskCntl5SwitchesBanksOfEightWithTheir500KhzChannel() {
        assertEquals(ChMaskRules.fixed72SubBands(2),
                ChMaskRules.fixed72(ChMaskRules.range(0, 72), List.of(new int[] {5, 0x0002})));
        assertEquals(ChMaskRules.fixed72SubBands(1, 8),
                ChMaskRules.fixed72(NONE, List.of(new int[] {5, 0x0081})));
    }

    @Test
    void fixed72ChMaskCntl6And7SetAll125KhzChannelsAndMaskThe500KhzOnes() {
        Set<Integer> all125AndChannel70 = new TreeSet<>(ChMaskRules.range(0, 64));
        all125AndChannel70.add(70);
        assertEquals(all125AndChannel70, ChMaskRules.fixed72(NONE, List.of(new int[] {6, 0x0040})));
        assertEquals(Set.of(65), ChMaskRules.fixed72(ChMaskRules.range(0, 72), List.of(new int[] {7, 0x0002})));
        assertEquals(ChMaskRules.fixed72SubBands(2), ChMaskRules.fixed72(ChMaskRules.range(0, 72),
                List.of(new int[] {7, 0x0002}, new int[] {0, 0xFF00})), "blocks apply in order");
    }

    @Test
    void fixed96() {
        assertEquals(ChMaskRules.range(0, 8), ChMaskRules.fixed96(NONE, List.of(new int[] {0, 0x00FF})));
        assertEquals(ChMaskRules.range(80, 96), ChMaskRules.fixed96(NONE, List.of(new int[] {5, 0xFFFF})));
        assertEquals(ChMaskRules.range(0, 96), ChMaskRules.fixed96(NONE, List.of(new int[] {6, 0})));
    }

    @Test
    void dynamic() {
        Set<Integer> defined = ChMaskRules.range(0, 5);
        assertEquals(Set.of(0, 2), ChMaskRules.dynamic(defined, defined, List.of(new int[] {0, 0x0005})));
        assertEquals(defined, ChMaskRules.dynamic(defined, Set.of(1), List.of(new int[] {6, 0})));
    }

    @Test
    void subBandsOf72() {
        Set<Integer> subBand2 = new TreeSet<>(ChMaskRules.range(8, 16));
        subBand2.add(65);
        assertEquals(subBand2, ChMaskRules.fixed72SubBands(2));
    }
}
