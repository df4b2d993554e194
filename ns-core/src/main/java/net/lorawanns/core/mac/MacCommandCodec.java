package net.lorawanns.core.mac;

import static net.lorawanns.core.frame.MalformedFrameException.Reason.TRUNCATED;
import static net.lorawanns.core.frame.MalformedFrameException.Reason.UNKNOWN_MAC_COMMAND;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.mac.MacCommand.*;
import net.lorawanns.core.types.LittleEndian;

/** Reads and writes a string of MAC commands as carried in FOpts or an FPort-0 FRMPayload. */
public final class MacCommandCodec {
    private MacCommandCodec() {
    }

    public static byte[] encode(List<? extends MacCommand> commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MacCommand command : commands) {
            out.write(command.cid());
            out.writeBytes(command.payload());
        }
        return out.toByteArray();
    }

    /** The commands read from a string, up to where reading stopped, if it did. */
    public record Read(List<MacCommand> commands, Optional<MalformedFrameException> stoppedBy) {
        public Read {
            commands = List.copyOf(commands);
        }
    }

    /** Parses every command in {@code bytes}, sent in {@code direction}. An unknown CID stops with an error. */
    public static List<MacCommand> decode(byte[] bytes, Direction direction) throws MalformedFrameException {
        Read read = read(bytes, direction);
        if (read.stoppedBy().isPresent()) {
            throw read.stoppedBy().get();
        }
        return read.commands();
    }

    /**
     * Parses the commands in {@code bytes} up to the first it cannot read: an unknown CID ends the parsing there, as
     * its length is unknown, and the commands before it are kept (LoRaWAN 1.0.4 and 1.1 section 5: a receiver
     * ignores the rest of the string from a command it does not understand).
     */
    public static Read read(byte[] bytes, Direction direction) {
        List<MacCommand> commands = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int cid = bytes[at] & 0xFF;
            if (cid >= 0x80) {
                commands.add(new Proprietary(cid, direction, Arrays.copyOfRange(bytes, at + 1, bytes.length)));
                break;
            }
            int length = payloadLength(cid, direction);
            if (length < 0) {
                return new Read(commands, Optional.of(new MalformedFrameException(UNKNOWN_MAC_COMMAND, String.format(
                        "unknown %s CID 0x%02X at offset %d", direction.name().toLowerCase(Locale.ROOT), cid, at))));
            }
            if (at + 1 + length > bytes.length) {
                return new Read(commands, Optional.of(new MalformedFrameException(TRUNCATED, String.format(
                        "CID 0x%02X needs %d payload bytes, %d left", cid, length, bytes.length - at - 1))));
            }
            byte[] p = Arrays.copyOfRange(bytes, at + 1, at + 1 + length);
            commands.add(direction == Direction.UPLINK ? uplink(cid, p) : downlink(cid, p));
            at += 1 + length;
        }
        return new Read(commands, Optional.empty());
    }

    /** Payload size of a CID in a direction, or -1 when the CID is not defined for it. */
    static int payloadLength(int cid, Direction direction) {
        return switch (direction) {
            case UPLINK -> switch (cid) {
                case 0x02, 0x04, 0x08, 0x09, 0x0C, 0x0D, 0x12 -> 0;
                case 0x01, 0x03, 0x05, 0x07, 0x0A, 0x0B, 0x0F, 0x10, 0x11, 0x13, 0x20 -> 1;
                case 0x06 -> 2;
                default -> -1;
            };
            case DOWNLINK -> switch (cid) {
                case 0x06, 0x10 -> 0;
                case 0x01, 0x04, 0x08, 0x09, 0x0B, 0x0C, 0x0F, 0x20 -> 1;
                case 0x02, 0x0E -> 2;
                case 0x12, 0x13 -> 3;
                case 0x03, 0x05, 0x0A, 0x11 -> 4;
                case 0x07, 0x0D -> 5;
                default -> -1;
            };
        };
    }

    private static MacCommand uplink(int cid, byte[] p) {
        return switch (cid) {
            case 0x01 -> new ResetInd(p[0] & 0x0F);
            case 0x02 -> new LinkCheckReq();
            case 0x03 -> new LinkAdrAns(bit(p, 2), bit(p, 1), bit(p, 0));
            case 0x04 -> new DutyCycleAns();
            case 0x05 -> new RxParamSetupAns(bit(p, 2), bit(p, 1), bit(p, 0));
            // Margin is a 6-bit two's-complement value (LoRaWAN 1.1 section 5.5).
            case 0x06 -> new DevStatusAns(p[0] & 0xFF, (p[1] << 26) >> 26);
            case 0x07 -> new NewChannelAns(bit(p, 1), bit(p, 0));
            case 0x08 -> new RxTimingSetupAns();
            case 0x09 -> new TxParamSetupAns();
            case 0x0A -> new DlChannelAns(bit(p, 1), bit(p, 0));
            case 0x0B -> new RekeyInd(p[0] & 0x0F);
            case 0x0C -> new AdrParamSetupAns();
            case 0x0D -> new DeviceTimeReq();
            case 0x0F -> new RejoinParamSetupAns(bit(p, 0));
            case 0x10 -> new PingSlotInfoReq(p[0] & 0xFF);
            case 0x11 -> new PingSlotChannelAns(bit(p, 1), bit(p, 0));
            case 0x12 -> new BeaconTimingReq();
            case 0x13 -> new BeaconFreqAns(bit(p, 0));
            case 0x20 -> new DeviceModeInd(p[0] & 0xFF);
            default -> throw new IllegalStateException("no uplink CID " + cid);
        };
    }

    private static MacCommand downlink(int cid, byte[] p) {
        return switch (cid) {
            case 0x01 -> new ResetConf(p[0] & 0x0F);
            case 0x02 -> new LinkCheckAns(p[0] & 0xFF, p[1] & 0xFF);
            case 0x03 -> new LinkAdrReq((p[0] & 0xF0) >>> 4, p[0] & 0x0F, (int) LittleEndian.read(p, 1, 2),
                    (p[3] & 0x70) >>> 4, p[3] & 0x0F);
            case 0x04 -> new DutyCycleReq(p[0] & 0x0F);
            case 0x05 -> new RxParamSetupReq((p[0] & 0x70) >>> 4, p[0] & 0x0F, frequency(p, 1));
            case 0x06 -> new DevStatusReq();
            case 0x07 -> new NewChannelReq(p[0] & 0xFF, frequency(p, 1), p[4] & 0x0F, (p[4] & 0xF0) >>> 4);
            case 0x08 -> new RxTimingSetupReq(p[0] & 0x0F);
            case 0x09 -> new TxParamSetupReq(bit(p, 5), bit(p, 4), p[0] & 0x0F);
            case 0x0A -> new DlChannelReq(p[0] & 0xFF, frequency(p, 1));
            case 0x0B -> new RekeyConf(p[0] & 0x0F);
            case 0x0C -> new AdrParamSetupReq((p[0] & 0xF0) >>> 4, p[0] & 0x0F);
            case 0x0D -> new DeviceTimeAns(LittleEndian.read(p, 0, 4), p[4] & 0xFF);
            case 0x0E -> {
                int value = (int) LittleEndian.read(p, 0, 2);
                yield new ForceRejoinReq((value >>> 11) & 0x07, (value >>> 8) & 0x07, (value >>> 4) & 0x07, value & 0x0F);
            }
            case 0x0F -> new RejoinParamSetupReq((p[0] & 0xF0) >>> 4, p[0] & 0x0F);
            case 0x10 -> new PingSlotInfoAns();
            case 0x11 -> new PingSlotChannelReq(frequency(p, 0), p[3] & 0x0F);
            case 0x12 -> new BeaconTimingAns((int) LittleEndian.read(p, 0, 2), p[2] & 0xFF);
            case 0x13 -> new BeaconFreqReq(frequency(p, 0));
            case 0x20 -> new DeviceModeConf(p[0] & 0xFF);
            default -> throw new IllegalStateException("no downlink CID " + cid);
        };
    }

    private static boolean bit(byte[] p, int bit) {
        return (p[0] & (1 << bit)) != 0;
    }

    private static long frequency(byte[] p, int offset) {
        return LittleEndian.read(p, offset, 3) * 100;
    }
}
