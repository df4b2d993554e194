package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.lorawanns.core.mac.MacCommand;
import org.junit.jupiter.api.Test;

/**
 * What goes into an answer of limited size. Sizes from LoRaWAN 1.0.4 section 5: LinkADRReq is CID + 4 octets,
 * DevStatusReq CID alone, LinkCheckAns CID + 2.
 */
class AnswerFittingTest {
    private static final MacCommand.LinkAdrReq BLOCK_1 = new MacCommand.LinkAdrReq(3, 0, 0x0002, 7, 1);
    private static final MacCommand.LinkAdrReq BLOCK_2 = new MacCommand.LinkAdrReq(3, 0, 0xFF00, 0, 1);

    @Test
    void aLinkAdrBlockGoesWholeOrWaits() {
        List<MacCommand.Downlink> answers = List.of(new MacCommand.LinkCheckAns(20, 1), BLOCK_1, BLOCK_2,
                new MacCommand.DevStatusReq());
        // 3 + 5 + 5 + 1 = 14 octets: everything fits in FOpts's 15.
        assertEquals(answers, ClassAAnswer.fitting(answers, 15));
        // In 12 octets LinkCheckAns's 3 and the block's 10 do not fit together: the whole block waits (never its
        // first half alone), and the DevStatusReq behind it still goes.
        assertEquals(List.of(new MacCommand.LinkCheckAns(20, 1), new MacCommand.DevStatusReq()),
                ClassAAnswer.fitting(answers, 12));
        assertEquals(List.of(BLOCK_1, BLOCK_2), ClassAAnswer.fitting(List.of(BLOCK_1, BLOCK_2), 10));
    }
}
