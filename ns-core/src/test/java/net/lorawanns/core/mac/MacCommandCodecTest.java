package net.lorawanns.core.mac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.mac.MacCommand.*;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.MacVersion;
import org.junit.jupiter.api.Test;

class MacCommandCodecTest {

    /** Every command with its bytes, assembled by hand from the field tables of LoRaWAN 1.1 section 5 and 14. */
    private static final List<Object[]> UPLINK = List.of(
            new Object[] {new ResetInd(1), "0101"},
            new Object[] {new LinkCheckReq(), "02"},
            new Object[] {new LinkAdrAns(true, false, true), "0305"},
            new Object[] {new DutyCycleAns(), "04"},
            new Object[] {new RxParamSetupAns(true, true, false), "0506"},
            new Object[] {new DevStatusAns(255, -1), "06ff3f"},
            new Object[] {new DevStatusAns(0, 20), "060014"},
            new Object[] {new NewChannelAns(true, false), "0702"},
            new Object[] {new RxTimingSetupAns(), "08"},
            new Object[] {new TxParamSetupAns(), "09"},
            new Object[] {new DlChannelAns(false, true), "0a01"},
            new Object[] {new RekeyInd(1), "0b01"},
            new Object[] {new AdrParamSetupAns(), "0c"},
            new Object[] {new DeviceTimeReq(), "0d"},
            new Object[] {new RejoinParamSetupAns(true), "0f01"},
            new Object[] {new PingSlotInfoReq(5), "1005"},
            new Object[] {new PingSlotChannelAns(true, true), "1103"},
            new Object[] {new BeaconTimingReq(), "12"},
            new Object[] {new BeaconFreqAns(true), "1301"},
            new Object[] {new DeviceModeInd(2), "2002"});

    private static final List<Object[]> DOWNLINK = List.of(
            new Object[] {new ResetConf(1), "0101"},
            new Object[] {new LinkCheckAns(20, 3), "021403"},
            // DR5, TXPower 1, channels 0-2, ChMaskCntl 0, NbTrans 1
            new Object[] {new LinkAdrReq(5, 1, 0x0007, 0, 1), "03510700" + "01"},
            new Object[] {new LinkAdrReq(3, 0, 0xFF00, 7, 2), "033000ff72"},
            new Object[] {new DutyCycleReq(4), "0404"},
            // RX1DRoffset 1, RX2 DR0 on 869.525 MHz = 8695250 * 100 Hz = 0x84ADD2
            new Object[] {new RxParamSetupReq(1, 0, 869_525_000L), "0510d2ad84"},
            new Object[] {new DevStatusReq(), "06"},
            // channel 3 at 867.1 MHz (0x844F18), DR0-DR5
            new Object[] {new NewChannelReq(3, 867_100_000L, 0, 5), "0703184f8450"},
            new Object[] {new RxTimingSetupReq(1), "0801"},
            new Object[] {new TxParamSetupReq(true, false, 5), "0925"},
            new Object[] {new DlChannelReq(3, 867_100_000L), "0a03184f84"},
            new Object[] {new RekeyConf(1), "0b01"},
            new Object[] {new AdrParamSetupReq(6, 5), "0c65"},
            new Object[] {new DeviceTimeAns(0x12345678L, 0x80), "0d7856341280"},
            // Period 1, Max_Retries 2, RejoinType 2, DR 3: 0b00_001_010_0_010_0011 = 0x0A23
            new Object[] {new ForceRejoinReq(1, 2, 2, 3), "0e230a"},
            new Object[] {new RejoinParamSetupReq(2, 3), "0f23"},
            new Object[] {new PingSlotInfoAns(), "10"},
            new Object[] {new PingSlotChannelReq(869_525_000L, 3), "11d2ad8403"},
            new Object[] {new BeaconTimingAns(0x0102, 7), "12020107"},
            new Object[] {new BeaconFreqReq(869_525_000L), "13d2ad84"},
            new Object[] {new DeviceModeConf(2), "2002"});

    @Test
    void everyUplinkCommandEncodesAndDecodes() throws Exception {
        check(UPLINK, Direction.UPLINK);
    }

    @Test
    void everyDownlinkCommandEncodesAndDecodes() throws Exception {
        check(DOWNLINK, Direction.DOWNLINK);
    }

    private static void check(List<Object[]> table, Direction direction) throws Exception {
        StringBuilder all = new StringBuilder();
        List<MacCommand> commands = new java.util.ArrayList<>();
        for (Object[] row : table) {
            MacCommand command = (MacCommand) row[0];
            String hex = (String) row[1];
            assertEquals(direction, command.direction(), command.toString());
            assertEquals(hex, Hex.lower(MacCommandCodec.encode(List.of(command))), command.toString());
            assertEquals(List.of(command), MacCommandCodec.decode(Hex.decode(hex), direction), hex);
            all.append(hex);
            commands.add(command);
        }
        assertEquals(commands, MacCommandCodec.decode(Hex.decode(all.toString()), direction));
        assertEquals(all.toString(), Hex.lower(MacCommandCodec.encode(commands)));
    }

    @Test
    void proprietaryCommandsTakeTheRest() throws Exception {
        List<MacCommand> commands = MacCommandCodec.decode(Hex.decode("02" + "80aabb"), Direction.UPLINK);
        assertEquals(List.of(new LinkCheckReq(), new Proprietary(0x80, Direction.UPLINK, Hex.decode("aabb"))), commands);
        assertEquals("0280aabb", Hex.lower(MacCommandCodec.encode(commands)));
    }

    @Test
    void unknownAndTruncatedCommandsAreTypedErrors() {
        MalformedFrameException unknown = assertThrows(MalformedFrameException.class,
                () -> MacCommandCodec.decode(Hex.decode("0e"), Direction.UPLINK));
        assertEquals(MalformedFrameException.Reason.UNKNOWN_MAC_COMMAND, unknown.reason());
        MalformedFrameException truncated = assertThrows(MalformedFrameException.class,
                () -> MacCommandCodec.decode(Hex.decode("0351"), Direction.DOWNLINK));
        assertEquals(MalformedFrameException.Reason.TRUNCATED, truncated.reason());
    }

    @Test
    void readingStopsAtAnUnknownCidAndKeepsTheCommandsBeforeIt() {
        // LinkCheckReq (0x02), DeviceTimeReq (0x0D), then 0x0E, which no LoRaWAN version defines uplink.
        MacCommandCodec.Read read = MacCommandCodec.read(Hex.decode("020d0e0302"), Direction.UPLINK);
        assertEquals(List.of(new LinkCheckReq(), new DeviceTimeReq()), read.commands());
        assertEquals(MalformedFrameException.Reason.UNKNOWN_MAC_COMMAND, read.stoppedBy().orElseThrow().reason());
        MacCommandCodec.Read whole = MacCommandCodec.read(Hex.decode("020d"), Direction.UPLINK);
        assertEquals(2, whole.commands().size());
        assertTrue(whole.stoppedBy().isEmpty());
    }

    @Test
    void randomStringsDecodeOrFailTyped() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            byte[] input = new byte[random.nextInt(16)];
            random.nextBytes(input);
            Direction direction = random.nextBoolean() ? Direction.UPLINK : Direction.DOWNLINK;
            try {
                List<MacCommand> commands = MacCommandCodec.decode(input, direction);
                byte[] again = MacCommandCodec.encode(commands);
                assertEquals(List.copyOf(commands), MacCommandCodec.decode(again, direction));
            } catch (MalformedFrameException expected) {
                // typed rejection is the contract
            } catch (RuntimeException e) {
                fail(Hex.lower(input) + " " + direction + " escaped with " + e);
            }
        }
    }

    @Test
    void outOfRangeFieldsAreRefusedOnConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new LinkAdrReq(16, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DevStatusAns(0, 32));
        assertThrows(IllegalArgumentException.class, () -> new NewChannelReq(0, 868_100_050L, 0, 5));
        assertArrayEquals(new byte[] {0x06, 0x00, 0x20}, MacCommandCodec.encode(List.of(new DevStatusAns(0, -32))));
    }

    @Test
    void pingSlotInfoReqIsReadAsTheDevicesVersionLaysItOut() throws Exception {
        // 0x35: 1.0.3 on, PingSlotParam RFU 00110 | Periodicity 101 (1.0.4 Table 63); up to 1.0.2, RFU 0 |
        // Periodicity 011 | data rate 0101 (1.0.2 section 14.1).
        PingSlotInfoReq req = (PingSlotInfoReq) MacCommandCodec.decode(Hex.decode("1035"), Direction.UPLINK).get(0);
        assertEquals(5, req.periodicity(MacVersion.LORAWAN_1_0_3));
        assertEquals(5, req.periodicity(MacVersion.LORAWAN_1_1_0));
        assertTrue(req.dataRate(MacVersion.LORAWAN_1_0_4).isEmpty());
        assertEquals(3, req.periodicity(MacVersion.LORAWAN_1_0_2));
        assertEquals(5, req.dataRate(MacVersion.LORAWAN_1_0_2).getAsInt());
    }
}
