package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** LoRaWAN 1.0.4 section 4.3.1.5: the 32-bit counter from its 16 low bits and the last accepted value. */
class FCntReconstructionTest {
    @Test
    void theHighHalfMovesForwardWhenTheLowHalfWraps() {
        assertEquals(5, SessionMatch.fullFCnt(-1, 5), "no frame accepted yet");
        assertEquals(10, SessionMatch.fullFCnt(10, 10), "a retransmission keeps its value");
        assertEquals(0x1_0003L, SessionMatch.fullFCnt(0xFFFE, 3));
        assertEquals(0x2_0002L, SessionMatch.fullFCnt(0x1_FFFF, 2));
        assertEquals(0x1_0010L, SessionMatch.fullFCnt(0x1_0005, 0x10));
        assertEquals(0x1_0000_0003L, SessionMatch.fullFCnt(0xFFFF_FFF0L, 3), "past 2^32: no MIC will verify");
    }
}
