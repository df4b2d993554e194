package net.lorawanns.core.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.crypto.JoinCrypto;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final long SEED = 0x10_4A_0A_17L;

    /** Hand-assembled from the field layout of LoRaWAN 1.1 section 4: one frame of every kind. */
    private static final List<String> FRAMES = List.of(
            "00" + "0807060504030201" + "1122334455667788" + "3412" + "aabbccdd",            // join-request
            "20" + "00112233445566778899aabbccddeeff",                                          // join-accept
            "20" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",          // with CFList
            "c0" + "00" + "030201" + "0807060504030201" + "0500" + "aabbccdd",                 // rejoin type 0
            "c0" + "02" + "030201" + "0807060504030201" + "0500" + "aabbccdd",                 // rejoin type 2
            "c0" + "01" + "0102030405060708" + "1122334455667788" + "0900" + "aabbccdd",       // rejoin type 1
            "40" + "04030201" + "00" + "0100" + "aabbccdd",                                     // no FPort
            "40" + "04030201" + "a3" + "0a00" + "020304" + "0b" + "0102" + "aabbccdd",          // FOpts + payload
            "80" + "04030201" + "d0" + "ffff" + "01" + "aabbccdd",                               // confirmed, empty payload
            "60" + "04030201" + "30" + "0200" + "00" + "0603" + "aabbccdd",                     // down, FPort 0
            "a0" + "04030201" + "a0" + "0300" + "e0" + "ff" + "aabbccdd",                       // confirmed down
            "e0" + "0102030405");                                                               // proprietary

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        for (String hex : FRAMES) {
            byte[] phy = Hex.decode(hex);
            Frame frame = FrameCodec.decode(phy);
            assertEquals(MType.ofMhdr(phy[0]), frame.mType(), hex);
            assertArrayEquals(phy, frame.encode(), hex);
        }
    }

    @Test
    void dataFrameFieldsFollowTheLayout() throws Exception {
        DataFrame frame = (DataFrame) FrameCodec.decode(Hex.decode("40" + "04030201" + "a3" + "0a00" + "020304" + "0b" + "0102" + "aabbccdd"));
        assertEquals(DevAddr.parse("01020304"), frame.devAddr());
        assertEquals(FCtrl.uplink(true, false, true, false), frame.fCtrl());
        assertEquals(10, frame.fCnt());
        assertArrayEquals(Hex.decode("020304"), frame.fOpts());
        assertEquals(OptionalInt.of(11), frame.fPort());
        assertArrayEquals(Hex.decode("0102"), frame.frmPayload());
        assertEquals(Mic.parse("aabbccdd"), frame.mic());

        DataFrame down = (DataFrame) FrameCodec.decode(Hex.decode("60" + "04030201" + "30" + "0200" + "00" + "0603" + "aabbccdd"));
        assertEquals(FCtrl.downlink(false, true, true), down.fCtrl());
        assertEquals(Direction.DOWNLINK, down.direction());

        DataFrame classB = (DataFrame) FrameCodec.decode(Hex.decode("80" + "04030201" + "d0" + "ffff" + "01" + "aabbccdd"));
        assertEquals(FCtrl.uplink(true, true, false, true), classB.fCtrl());
        assertEquals(0xFFFF, classB.fCnt());
    }

    /** LoRaWAN 1.1 section 4.3.1, uplink FCtrl: ADR bit 7, ADRACKReq bit 6, ACK bit 5, ClassB bit 4. */
    @Test
    void everyUplinkFCtrlFlagCombination() throws Exception {
        for (int bits = 0; bits < 16; bits++) {
            String fCtrl = String.format("%02x", bits << 4);
            DataFrame frame = (DataFrame) FrameCodec.decode(Hex.decode("40" + "04030201" + fCtrl + "0100" + "aabbccdd"));
            assertEquals(new FCtrl((bits & 8) != 0, (bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0, false),
                    frame.fCtrl(), fCtrl);
        }
    }

    @Test
    void joinRequestAndRejoinFields() throws Exception {
        JoinRequest request = (JoinRequest) FrameCodec.decode(Hex.decode(FRAMES.get(0)));
        assertEquals(Eui64.parse("0102030405060708"), request.joinEui());
        assertEquals(Eui64.parse("8877665544332211"), request.devEui());
        assertEquals(new DevNonce(0x1234), request.devNonce());

        RejoinRequest.NetIdType type0 = (RejoinRequest.NetIdType) FrameCodec.decode(Hex.decode(FRAMES.get(3)));
        assertEquals(NetId.parse("010203"), type0.netId());
        assertEquals(5, type0.rjCount0());
        RejoinRequest.JoinEuiType type1 = (RejoinRequest.JoinEuiType) FrameCodec.decode(Hex.decode(FRAMES.get(5)));
        assertEquals(Eui64.parse("0807060504030201"), type1.joinEui());
        assertEquals(9, type1.rjCount1());
    }

    @Test
    void joinAcceptWithChannelMaskCfList() throws Exception {
        JoinAccept accept = new JoinAccept(new JoinNonce(0xABCDEF), NetId.parse("000013"), DevAddr.parse("26011234"),
                new DlSettings(true, 2, 8), 1, Optional.of(new CfList.ChannelMasks(List.of(0xFF00, 0, 0, 0, 0))),
                Mic.parse("01020304"));
        byte[] clear = accept.encode();
        assertEquals("20" + "efcdab" + "130000" + "34120126" + "a8" + "01" + "00ff0000000000000000000000000001" + "01020304",
                Hex.lower(clear));
        assertEquals(accept, FrameCodec.decodeJoinAccept(clear));
    }

    @Test
    void everyTruncationIsATypedError() throws Exception {
        for (String hex : FRAMES) {
            byte[] phy = Hex.decode(hex);
            if (phy[0] == (byte) 0xE0) {
                continue; // proprietary frames have no defined length
            }
            for (int length = 0; length < phy.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(phy, length);
                if (isWellFormedDataPrefix(phy, length) || (phy[0] == 0x20 && length == JoinAccept.SIZE)) {
                    continue;
                }
                MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(cut),
                        hex + " cut to " + length);
                assertNotEquals(null, e.reason());
            }
        }
    }

    /** A data frame cut inside its FRMPayload is still a well-formed (shorter) frame. */
    private static boolean isWellFormedDataPrefix(byte[] phy, int length) {
        MType type = MType.ofMhdr(phy[0]);
        int fOptsLen = phy[5] & 0x0F;
        return type.isData() && length >= DataFrame.MIN_SIZE + fOptsLen && !(fOptsLen > 0 && length > 12 + fOptsLen
                && phy[8 + fOptsLen] == 0);
    }

    @Test
    void randomAndMutatedBytesNeverEscapeAsRuntimeExceptions() {
        Random random = new Random(SEED);
        List<byte[]> seeds = new ArrayList<>();
        FRAMES.forEach(hex -> seeds.add(Hex.decode(hex)));
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(40)];
                random.nextBytes(input);
            } else {
                input = seeds.get(random.nextInt(seeds.size())).clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips && input.length > 0; f++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                Frame frame = FrameCodec.decode(input);
                if (!(frame instanceof EncryptedJoinAccept) && !(frame instanceof Proprietary)) {
                    assertArrayEquals(input, frame.encode(), "decoded frames re-encode to their bytes (seed " + SEED + ")");
                }
                decoded++;
            } catch (MalformedFrameException expected) {
                // typed rejection is the contract
            } catch (RuntimeException e) {
                fail("input " + Hex.lower(input) + " escaped with " + e + " (seed " + SEED + ")");
            }
        }
        assertNotEquals(0, decoded);
    }

    @Test
    void anyModifiedByteFailsTheMic() throws Exception {
        AesKey nwkSKey = AesKey.parse("2b7e151628aed2a6abf7158809cf4f3c", "NwkSKey");
        DataFrame frame = new DataFrame(MType.UNCONFIRMED_DATA_UP, DevAddr.parse("26011234"), FCtrl.NONE, 7,
                new byte[0], OptionalInt.of(2), Hex.decode("0102030405"), new Mic(0));
        Mic mic = DataCrypto.mic10(nwkSKey, Direction.UPLINK, frame.devAddr(), 7, frame.micInput());
        byte[] good = frame.withMic(mic).encode();
        for (int i = 0; i < good.length - Mic.SIZE; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                Frame decoded;
                try {
                    decoded = FrameCodec.decode(bad);
                } catch (MalformedFrameException e) {
                    continue;
                }
                if (decoded instanceof DataFrame data) {
                    Mic recomputed = DataCrypto.mic10(nwkSKey, Direction.UPLINK, data.devAddr(), data.fCnt(), data.micInput());
                    assertNotEquals(data.mic(), recomputed, "byte " + i + " bit " + bit);
                }
            }
        }
        AesKey appKey = AesKey.parse("000102030405060708090a0b0c0d0e0f", "AppKey");
        JoinRequest request = new JoinRequest(Eui64.parse("0000000000000001"), Eui64.parse("0000000000000002"),
                new DevNonce(1), new Mic(0));
        request = request.withMic(JoinCrypto.joinRequestMic(appKey, request));
        byte[] joinBytes = request.encode();
        for (int i = 0; i < JoinRequest.SIZE - Mic.SIZE; i++) {
            byte[] bad = joinBytes.clone();
            bad[i] ^= 0x01;
            Frame decoded;
            try {
                decoded = FrameCodec.decode(bad);
            } catch (MalformedFrameException e) {
                continue;
            }
            if (decoded instanceof JoinRequest changed) {
                assertNotEquals(changed.mic(), JoinCrypto.joinRequestMic(appKey, changed), "join-request byte " + i);
            }
        }
    }

    @Test
    void inconsistentFramesAreRejectedWithAReason() {
        assertEquals(MalformedFrameException.Reason.EMPTY,
                assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(new byte[0])).reason());
        assertEquals(MalformedFrameException.Reason.UNSUPPORTED_MAJOR,
                assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(Hex.decode("4104030201000100aabbccdd"))).reason());
        assertEquals(MalformedFrameException.Reason.INCONSISTENT, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("40" + "04030201" + "01" + "0100" + "02" + "00" + "aabbccdd"))).reason());
        assertEquals(MalformedFrameException.Reason.TRUNCATED, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("40" + "04030201" + "0f" + "0100" + "02" + "aabbccdd"))).reason());
        assertEquals(MalformedFrameException.Reason.BAD_FIELD, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("44" + "04030201" + "00" + "0100" + "aabbccdd"))).reason());
        assertEquals(MalformedFrameException.Reason.BAD_FIELD, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decodeJoinAccept(Hex.decode("20" + "010000" + "130000" + "34120126" + "00" + "11" + "01020304"))).reason());
        assertEquals(MalformedFrameException.Reason.UNKNOWN_REJOIN_TYPE, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("c003"))).reason());
        assertEquals(MalformedFrameException.Reason.BAD_LENGTH, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("20" + "00112233445566778899aabbccddeeff00"))).reason());
        assertEquals(MalformedFrameException.Reason.INCONSISTENT, assertThrows(MalformedFrameException.class,
                () -> FrameCodec.decode(Hex.decode("60" + "04030201" + "40" + "0100" + "aabbccdd"))).reason());
        assertInstanceOf(IllegalArgumentException.class, assertThrows(RuntimeException.class,
                () -> new DataFrame(MType.UNCONFIRMED_DATA_UP, new DevAddr(1), FCtrl.downlink(false, false, true), 0,
                        new byte[0], OptionalInt.empty(), new byte[0], new Mic(0)).encode()));
    }
}
