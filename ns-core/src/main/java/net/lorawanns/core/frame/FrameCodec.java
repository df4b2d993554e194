package net.lorawanns.core.frame;

import static net.lorawanns.core.frame.MalformedFrameException.Reason.BAD_FIELD;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.BAD_LENGTH;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.EMPTY;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.INCONSISTENT;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.TRUNCATED;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.UNKNOWN_REJOIN_TYPE;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.UNSUPPORTED_MAJOR;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;

/**
 * Decodes PHYPayload bytes into a {@link Frame}. Every length is checked before it is read, and decoding is
 * exact: a decoded frame encodes back to the bytes it came from, so MICs computed over the re-encoded form
 * are MICs over what was received. RFU bits that are set make a frame malformed.
 */
public final class FrameCodec {
    /** Every FPort, made once (one per received data frame otherwise). */
    private static final OptionalInt[] PORTS = new OptionalInt[256];
    private static final byte[] NO_BYTES = new byte[0];

    static {
        for (int port = 0; port < PORTS.length; port++) {
            PORTS[port] = OptionalInt.of(port);
        }
    }

    private FrameCodec() {
    }

    /** Decodes {@code phy}, which it only reads: the frame holds copies of its parts, never the array. */
    public static Frame decode(byte[] phy) throws MalformedFrameException {
        if (phy.length == 0) {
            throw new MalformedFrameException(EMPTY, "PHYPayload is empty");
        }
        int mhdr = phy[0] & 0xFF;
        // LoRaWAN 1.1 section 4.2.2: Major 00 is LoRaWAN R1; other values are RFU.
        if ((mhdr & 0x03) != 0) {
            throw new MalformedFrameException(UNSUPPORTED_MAJOR, "Major " + (mhdr & 0x03) + " is not LoRaWAN R1");
        }
        // LoRaWAN 1.1 section 4.2: MHDR bits 4..2 are RFU.
        if ((mhdr & 0x1C) != 0) {
            throw new MalformedFrameException(BAD_FIELD, String.format("MHDR 0x%02X has RFU bits set", mhdr));
        }
        MType mType = MType.ofMhdr(mhdr);
        return switch (mType) {
            case JOIN_REQUEST -> joinRequest(phy);
            case JOIN_ACCEPT -> encryptedJoinAccept(phy);
            case REJOIN_REQUEST -> rejoinRequest(phy);
            case PROPRIETARY -> new Proprietary(Arrays.copyOfRange(phy, 1, phy.length));
            default -> dataFrame(mType, phy);
        };
    }

    /** Decodes a decrypted join-accept (MHDR included, 17 or 33 bytes). */
    public static JoinAccept decodeJoinAccept(byte[] plaintext) throws MalformedFrameException {
        if (plaintext.length != JoinAccept.SIZE && plaintext.length != JoinAccept.SIZE_WITH_CFLIST) {
            throw new MalformedFrameException(BAD_LENGTH, "a join-accept is 17 or 33 bytes, got " + plaintext.length);
        }
        if (plaintext[0] != MType.JOIN_ACCEPT.mhdr()) {
            throw new MalformedFrameException(INCONSISTENT, "MHDR is not a LoRaWAN R1 join-accept");
        }
        int rxDelayOctet = plaintext[12] & 0xFF;
        // LoRaWAN 1.1 section 6.2.3: RxDelay bits 7..4 are RFU.
        if ((rxDelayOctet & 0xF0) != 0) {
            throw new MalformedFrameException(BAD_FIELD, String.format("RxDelay 0x%02X has RFU bits set", rxDelayOctet));
        }
        Optional<CfList> cfList = plaintext.length == JoinAccept.SIZE_WITH_CFLIST
                ? Optional.of(CfList.decode(plaintext, 13)) : Optional.empty();
        return new JoinAccept(JoinNonce.fromWire(plaintext, 1), NetId.fromWire(plaintext, 4),
                DevAddr.fromWire(plaintext, 7), DlSettings.decode(plaintext[11] & 0xFF), rxDelayOctet & 0x0F,
                cfList, Mic.of(plaintext, plaintext.length - Mic.SIZE));
    }

    private static JoinRequest joinRequest(byte[] phy) throws MalformedFrameException {
        requireLength(phy, JoinRequest.SIZE, "join-request");
        return new JoinRequest(Eui64.fromWire(phy, 1), Eui64.fromWire(phy, 9), DevNonce.fromWire(phy, 17),
                Mic.of(phy, 19));
    }

    private static EncryptedJoinAccept encryptedJoinAccept(byte[] phy) throws MalformedFrameException {
        if (phy.length != JoinAccept.SIZE && phy.length != JoinAccept.SIZE_WITH_CFLIST) {
            throw new MalformedFrameException(BAD_LENGTH, "a join-accept is 17 or 33 bytes, got " + phy.length);
        }
        return new EncryptedJoinAccept(Arrays.copyOfRange(phy, 1, phy.length));
    }

    private static RejoinRequest rejoinRequest(byte[] phy) throws MalformedFrameException {
        if (phy.length < 2) {
            throw new MalformedFrameException(TRUNCATED, "rejoin-request without a type");
        }
        int type = phy[1] & 0xFF;
        switch (type) {
            case 0, 2 -> {
                requireLength(phy, RejoinRequest.NetIdType.SIZE, "rejoin-request type " + type);
                return new RejoinRequest.NetIdType(type, NetId.fromWire(phy, 2), Eui64.fromWire(phy, 5),
                        (phy[13] & 0xFF) | (phy[14] & 0xFF) << 8, Mic.of(phy, 15));
            }
            case 1 -> {
                requireLength(phy, RejoinRequest.JoinEuiType.SIZE, "rejoin-request type 1");
                return new RejoinRequest.JoinEuiType(Eui64.fromWire(phy, 2), Eui64.fromWire(phy, 10),
                        (phy[18] & 0xFF) | (phy[19] & 0xFF) << 8, Mic.of(phy, 20));
            }
            default -> throw new MalformedFrameException(UNKNOWN_REJOIN_TYPE, "rejoin type " + type + " is RFU");
        }
    }

    private static DataFrame dataFrame(MType mType, byte[] phy) throws MalformedFrameException {
        if (phy.length < DataFrame.MIN_SIZE) {
            throw new MalformedFrameException(TRUNCATED, "a data frame needs at least 12 bytes, got " + phy.length);
        }
        Direction direction = mType.isUplink() ? Direction.UPLINK : Direction.DOWNLINK;
        int fCtrlOctet = phy[5] & 0xFF;
        int fOptsLen = fCtrlOctet & 0x0F;
        int fOptsEnd = 8 + fOptsLen;
        int micAt = phy.length - Mic.SIZE;
        if (fOptsEnd > micAt) {
            throw new MalformedFrameException(TRUNCATED, "FOptsLen " + fOptsLen + " runs past the MIC");
        }
        OptionalInt fPort = OptionalInt.empty();
        byte[] frmPayload = NO_BYTES;
        if (fOptsEnd < micAt) {
            int port = phy[fOptsEnd] & 0xFF;
            if (port == 0 && fOptsLen > 0) {
                throw new MalformedFrameException(INCONSISTENT, "FPort 0 with FOpts present");
            }
            fPort = PORTS[port];
            frmPayload = Arrays.copyOfRange(phy, fOptsEnd + 1, micAt);
        }
        if (direction == Direction.DOWNLINK && (fCtrlOctet & 0x40) != 0) {
            throw new MalformedFrameException(INCONSISTENT, "downlink FCtrl has the RFU bit 6 set");
        }
        byte[] fOpts = fOptsLen == 0 ? NO_BYTES : Arrays.copyOfRange(phy, 8, fOptsEnd);
        return new DataFrame(mType, DevAddr.fromWire(phy, 1), FCtrl.decode(fCtrlOctet, direction),
                (phy[6] & 0xFF) | (phy[7] & 0xFF) << 8, fOpts, fPort, frmPayload, Mic.of(phy, micAt));
    }

    private static void requireLength(byte[] phy, int expected, String what) throws MalformedFrameException {
        if (phy.length != expected) {
            throw new MalformedFrameException(phy.length < expected ? TRUNCATED : BAD_LENGTH,
                    "a " + what + " is " + expected + " bytes, got " + phy.length);
        }
    }
}
