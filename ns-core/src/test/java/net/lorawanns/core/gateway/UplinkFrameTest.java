package net.lorawanns.core.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.Mic;
import org.junit.jupiter.api.Test;

/** A frame decodes its PHYPayload in place, and the PHYPayload stays as it came. */
class UplinkFrameTest {
    /** An unconfirmed uplink of /work/shared/test-vectors (data_mic_1_0, from lora-packet's mic_test.ts). */
    private static final String PHY = "40F17DBE4900020001954378762B11FF0D";

    @Test
    void decodesItsPhyPayloadWithoutChangingIt() throws Exception {
        byte[] phy = Hex.decode(PHY);
        UplinkFrame frame = UplinkFrame.ofDecoded(phy.clone(), 868_100_000, new DataRate.LoRa(7, 125_000), "4/5",
                CrcStatus.OK, List.of(new RxInfo(new Eui64(1), 1, null, null, null, 0, 0, 0, -60, null, 5.0, null,
                        Instant.EPOCH)));
        DataFrame data = (DataFrame) frame.decodePhyPayload();
        assertEquals(DevAddr.parse("49be7df1"), data.devAddr());
        assertEquals(2, data.fCnt());
        assertEquals(1, data.fPort().getAsInt());
        assertArrayEquals(Hex.decode("95437876"), data.frmPayload());
        assertEquals(Mic.parse("2b11ff0d"), data.mic());
        assertArrayEquals(phy, frame.phyPayload());
    }
}
