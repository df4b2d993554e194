package net.lorawanns.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/** A decoded PUSH_DATA gives its frames by index and as a list alike, however many it has. */
class PushDataTest {
    @Test
    void givesItsFramesByIndexAndAsAList() {
        UplinkFrame first = frame(1);
        UplinkFrame second = frame(2);
        for (List<UplinkFrame> frames : List.of(List.<UplinkFrame>of(), List.of(first), List.of(first, second))) {
            List<UplinkFrame> decoded = new ArrayList<>(frames);
            PushData push = new PushData(decoded, new ArrayList<>(), null);
            decoded.clear();
            assertEquals(frames.size(), push.frameCount());
            for (int i = 0; i < frames.size(); i++) {
                assertEquals(frames.get(i), push.frame(i));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> push.frame(frames.size()));
            assertEquals(frames, push.frames(), "kept, though the decoder's list was cleared");
            assertEquals(List.of(), push.rejected());
            assertNull(push.stats());
            assertEquals(new PushData(frames, List.of(), null), push);
            assertEquals(new PushData(frames, List.of(), null).hashCode(), push.hashCode());
        }
        PushData.RejectedRxpk rejected = new PushData.RejectedRxpk(DropReason.BAD_FIELD, "rxpk field tmst");
        assertNotEquals(new PushData(List.of(first), List.of(), null),
                new PushData(List.of(first), List.of(rejected), null));
        List<PushData.RejectedRxpk> decoders = new ArrayList<>(List.of(rejected));
        PushData withRejected = new PushData(List.of(), decoders, null);
        decoders.clear();
        assertEquals(List.of(rejected), withRejected.rejected(), "kept, though the decoder's list was cleared");
    }

    private static UplinkFrame frame(int tmst) {
        return new UplinkFrame(new byte[] {0x40, (byte) tmst}, 868_100_000, new DataRate.LoRa(7, 125_000), "4/5",
                CrcStatus.OK, List.of(new RxInfo(new Eui64(1), tmst, null, null, null, 0, 0, 0, -60, null, 5.0, null,
                        Instant.EPOCH)));
    }
}
