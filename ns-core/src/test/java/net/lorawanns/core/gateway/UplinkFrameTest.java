package net.lorawanns.core.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.Mic;
import org.junit.jupiter.api.Test;

/** A frame keeps its PHYPayload as it came, and its antennas' receptions. */
class UplinkFrameTest {
    /** An unconfirmed uplink of /work/shared/test-vectors (data_mic_1_0, from lora-packet's mic_test.ts). */
    private static final String PHY = "40F17DBE4900020001954378762B11FF0D";
    private static final DataRate LORA = new DataRate.LoRa(7, 125_000);

    @Test
    void keepsItsPhyPayloadAsItCame() throws Exception {
        byte[] phy = Hex.decode(PHY);
        UplinkFrame frame = UplinkFrame.ofDecoded(phy.clone(), 868_100_000, LORA, "4/5", CrcStatus.OK,
                reception(0, -60));
        DataFrame data = (DataFrame) FrameCodec.decode(frame.phyPayload());
        assertEquals(DevAddr.parse("49be7df1"), data.devAddr());
        assertEquals(2, data.fCnt());
        assertEquals(1, data.fPort().getAsInt());
        assertArrayEquals(Hex.decode("95437876"), data.frmPayload());
        assertEquals(Mic.parse("2b11ff0d"), data.mic());
        assertArrayEquals(phy, frame.phyPayload());
    }

    @Test
    void keepsEveryAntennasReceptionInOrder() {
        RxInfo first = reception(0, -60);
        RxInfo second = reception(1, -70);
        byte[] phy = Hex.decode(PHY);
        UplinkFrame both = new UplinkFrame(phy, 868_100_000, LORA, "4/5", CrcStatus.OK, List.of(first, second));
        assertEquals(2, both.rxInfoCount());
        assertEquals(first, both.rxInfo(0));
        assertEquals(second, both.rxInfo(1));
        assertEquals(List.of(first, second), both.rxInfo());

        UplinkFrame one = UplinkFrame.ofDecoded(phy.clone(), 868_100_000, LORA, "4/5", CrcStatus.OK, first);
        assertEquals(1, one.rxInfoCount());
        assertEquals(List.of(first), one.rxInfo());
        assertEquals(new UplinkFrame(phy, 868_100_000, LORA, "4/5", CrcStatus.OK, List.of(first)), one,
                "one antenna, however the frame was made");
        assertNotEquals(both, one);
        assertThrows(IllegalArgumentException.class,
                () -> new UplinkFrame(phy, 868_100_000, LORA, "4/5", CrcStatus.OK, List.of()));
    }

    private static RxInfo reception(int antenna, int rssi) {
        return new RxInfo(new Eui64(1), 1, null, null, null, 0, 0, antenna, rssi, null, 5.0, null, Instant.EPOCH);
    }
}
