package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import net.lorawanns.core.adr.UplinkHistory;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/** The kept history is used only for the very text it has; any other text is read as stored. */
class AdrHistoriesTest {
    private static final Eui64 DEV = Eui64.parse("0102030405060708");
    /** The same Long.hashCode as DEV: the same slot. */
    private static final Eui64 TWIN = new Eui64(DEV.value() ^ 0x0000_0001_0000_0001L);

    @Test
    void theKeptHistoryServesItsOwnTextOnly() {
        AdrHistories histories = new AdrHistories();
        UplinkHistory kept = UplinkHistory.empty().add(1, 2.5, 1).add(2, 3.0, 2);
        histories.keep(DEV, kept);
        assertSame(kept, histories.of(DEV, "1:2.5:1,2:3.0:2"));
        assertEquals(UplinkHistory.empty().add(1, 2.5, 1).add(3, -1.0, 1), histories.of(DEV, "1:2.5:1,3:-1.0:1"),
                "a history another instance stored");
        assertEquals(UplinkHistory.empty().add(1, 2.5, 1).add(2, 3.0, 2), histories.of(TWIN, "1:2.5:1,2:3.0:2"));
        assertEquals(UplinkHistory.empty(), histories.of(DEV, "not a history"));
        assertEquals(UplinkHistory.empty(), histories.of(DEV, ""));
    }
}
