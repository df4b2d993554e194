package net.lorawanns.core.adr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UplinkHistoryTest {

    @Test
    void keepsTheLastTwentyFrames() {
        UplinkHistory history = UplinkHistory.empty();
        for (long fCnt = 0; fCnt < 25; fCnt++) {
            history = history.add(fCnt, 1.5, 1);
        }
        // 25 frames 0-24: the 20 newest are 5-24.
        assertEquals(20, history.size());
        assertTrue(history.isFull());
        assertEquals(5, history.frames().get(0).fCnt());
        assertEquals(24, history.frames().get(19).fCnt());
        assertEquals(0, history.lostFrames());
    }

    /**
     * The text form, built from the history before on every add (the oldest entry dropped past twenty), is the
     * documented {@code fCnt:snr:gateways} list, and parses back to the same history.
     */
    @Test
    void theTextFormFollowsEveryAddAndParsesBack() {
        UplinkHistory history = UplinkHistory.empty().add(7, 9.5, 1).add(8, -7.25, 3);
        assertEquals("7:9.5:1,8:-7.25:3", history.encode());
        assertEquals("7:9.5:1,8:-7.25:3", history.add(8, -9.0, 2).encode(),
                "a repetition keeps one entry, the better of both");
        StringBuilder expected = new StringBuilder();
        for (long fCnt = 0; fCnt < 30; fCnt++) {
            history = (fCnt == 0 ? UplinkHistory.empty() : history).add(100 + fCnt, fCnt / 4.0 - 3, 1 + (int) fCnt % 3);
        }
        for (long fCnt = 10; fCnt < 30; fCnt++) {
            expected.append(fCnt == 10 ? "" : ",").append(100 + fCnt).append(':').append(fCnt / 4.0 - 3).append(':')
                    .append(1 + fCnt % 3);
        }
        assertEquals(expected.toString(), history.encode());
        assertEquals(history, UplinkHistory.parse(history.encode()));
        assertEquals(history.encode(), UplinkHistory.parse(history.encode()).encode());
        assertEquals("5:1.0:1", history.add(5, 1.0, 1).encode(), "a lower counter starts again");
    }

    @Test
    void aCounterGapCountsTheMissingFramesAsLost() {
        UplinkHistory history = UplinkHistory.empty().add(10, -3.2, 1).add(11, 2.0, 2).add(15, 0.5, 1);
        // 12, 13 and 14 are missing: 3 lost of the 6 sent from 10 to 15.
        assertEquals(3, history.lostFrames());
        assertEquals(0.5, history.packetLossRate());
        assertEquals(2.0, history.maxSnrDb().getAsDouble());
        assertFalse(history.isFull());
    }

    @Test
    void lossesBeforeTheOldestKeptFrameDropOutWithIt() {
        UplinkHistory history = UplinkHistory.empty().add(0, 0, 1).add(5, 0, 1);
        for (long fCnt = 6; fCnt < 25; fCnt++) {
            history = history.add(fCnt, 0, 1);
        }
        // 21 frames (0, 5-24): frame 0 and the gap 1-4 behind it are gone.
        assertEquals(5, history.frames().get(0).fCnt());
        assertEquals(0, history.lostFrames());
    }

    @Test
    void aCounterThatGoesBackStartsAgain() {
        UplinkHistory history = UplinkHistory.empty().add(100, 5, 1).add(101, 6, 1).add(3, -1, 2);
        assertEquals(List.of(new UplinkHistory.Frame(3, -1, 2)), history.frames());
    }

    @Test
    void aRepetitionOfTheNewestCounterKeepsOneFrameWithItsBestValues() {
        UplinkHistory history = UplinkHistory.empty().add(7, 1, 1).add(8, -4.5, 3).add(8, 2.25, 1);
        assertEquals(List.of(new UplinkHistory.Frame(7, 1, 1), new UplinkHistory.Frame(8, 2.25, 3)),
                history.frames());
    }

    @Test
    void encodesCompactlyAndReadsItBack() {
        UplinkHistory history = UplinkHistory.empty().add(4294967294L, -13.2, 2).add(4294967295L, 9.5, 1);
        assertEquals("4294967294:-13.2:2,4294967295:9.5:1", history.encode());
        assertEquals(history, UplinkHistory.parse(history.encode()));
        assertEquals("", UplinkHistory.empty().encode());
        assertEquals(UplinkHistory.empty(), UplinkHistory.parse(""));
    }

    @Test
    void refusesMalformedTextNamingIt() {
        IllegalArgumentException noSnr = assertThrows(IllegalArgumentException.class,
                () -> UplinkHistory.parse("1:2.5:1,2:1"));
        assertEquals("malformed uplink history entry '2:1' (expected fCnt:snr:gateways) in '1:2.5:1,2:1'",
                noSnr.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("1:x:1"));
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("2:0:1,2:0:1"), "not increasing");
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("4294967296:0:1"), "beyond 32 bits");
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("1:NaN:1"));
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("1:0:0"), "no gateway");
        assertThrows(IllegalArgumentException.class, () -> UplinkHistory.parse("0:0:1,".repeat(21) + "30:0:1"));
    }
}
