package net.lorawanns.core.frame;

import java.util.List;
import net.lorawanns.core.types.LittleEndian;

/** The 16-byte optional join-accept channel list (LoRaWAN Regional Parameters RP002 section 2.2.5 and 2.4.5). */
public sealed interface CfList {
    int SIZE = 16;

    byte[] encode();

    /** CFListType 0: up to five extra channel frequencies in Hz (0 = no channel), sent in units of 100 Hz. */
    record Frequencies(List<Long> hz) implements CfList {
        public Frequencies {
            hz = List.copyOf(hz);
            if (hz.size() > 5) {
                throw new IllegalArgumentException("a CFList carries at most 5 frequencies, got " + hz.size());
            }
            for (long f : hz) {
                if (f < 0 || f % 100 != 0 || f / 100 > 0xFFFFFF) {
                    throw new IllegalArgumentException("CFList frequency must be a multiple of 100 Hz below 1.68 GHz, got " + f);
                }
            }
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[SIZE];
            for (int i = 0; i < hz.size(); i++) {
                LittleEndian.write(hz.get(i) / 100, out, i * 3, 3);
            }
            out[15] = 0;
            return out;
        }
    }

    /**
     * CFListType 1: ChMask0..ChMask4, 16 channels each (US915, AU915), or ChMask0..ChMask5 (CN470's 96 channels,
     * RP002-1.0.0 to 1.0.2), the rest of the 15 octets RFU.
     */
    record ChannelMasks(List<Integer> masks) implements CfList {
        public ChannelMasks {
            masks = List.copyOf(masks);
            if (masks.size() != 5 && masks.size() != 6) {
                throw new IllegalArgumentException("a type 1 CFList carries 5 or 6 channel masks, got "
                        + masks.size());
            }
            for (int mask : masks) {
                if (mask < 0 || mask > 0xFFFF) {
                    throw new IllegalArgumentException("a channel mask must fit in 16 bits, got " + mask);
                }
            }
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[SIZE];
            for (int i = 0; i < masks.size(); i++) {
                LittleEndian.write(masks.get(i), out, i * 2, 2);
            }
            out[15] = 1;
            return out;
        }
    }

    static CfList decode(byte[] bytes, int offset) throws MalformedFrameException {
        int type = bytes[offset + 15] & 0xFF;
        switch (type) {
            case 0 -> {
                List<Long> hz = new java.util.ArrayList<>(5);
                for (int i = 0; i < 5; i++) {
                    hz.add(LittleEndian.read(bytes, offset + i * 3, 3) * 100);
                }
                return new Frequencies(hz);
            }
            case 1 -> {
                List<Integer> masks = new java.util.ArrayList<>(6);
                for (int i = 0; i < 6; i++) {
                    masks.add((int) LittleEndian.read(bytes, offset + i * 2, 2));
                }
                // Octets 10-11 are ChMask5 in CN470's list and RFU (zero) in the others: a zero there reads as
                // the five-mask list, which means the same channels.
                return new ChannelMasks(masks.get(5) == 0 ? masks.subList(0, 5) : masks);
            }
            default -> throw new MalformedFrameException(MalformedFrameException.Reason.BAD_FIELD,
                    "unknown CFListType " + type);
        }
    }
}
