package net.lorawanns.core.region.rp002;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an end-device does with the ChMaskCntl / ChMask pair of each LinkADRReq block, written from the RP002
 * text (not from the server's code), so that a test asserts the channel set a device ends with rather than the
 * exact blocks the server chose. Blocks are applied in order, each to the result of the one before (TS001-1.0.4
 * section 5.3: a contiguous block of LinkADRReq commands is processed in the order of the frame). A block is
 * {ChMaskCntl, ChMask}.
 */
final class ChMaskRules {

    private ChMaskRules() {
    }

    /**
     * US902-928 and AU915-928, 72 uplink channels: RP002-1.0.4 sections 2.5.5 and 2.8.5, the "ChMaskCntl value
     * table" of each: 0..3 = channels 16*ChMaskCntl to 16*ChMaskCntl+15, 4 = channels 64 to 71 (bits 8-15 RFU),
     * 5 = bit i switches the bank of the 8 125 kHz channels 8i..8i+7 and the 500 kHz channel 64+i (8 MSBs RFU),
     * 6 = all 125 kHz channels on and ChMask applies to channels 64 to 71, 7 = all 125 kHz channels off and ChMask
     * applies to channels 64 to 71.
     */
    static Set<Integer> fixed72(Set<Integer> start, List<int[]> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (int[] block : blocks) {
            int chMaskCntl = block[0];
            int chMask = block[1];
            switch (chMaskCntl) {
                case 0, 1, 2, 3 -> applyBits(channels, chMaskCntl * 16, chMask, 16);
                case 4 -> {
                    assertEquals(0, chMask & 0xFF00, "ChMaskCntl 4: ChMask bits 8-15 are RFU");
                    applyBits(channels, 64, chMask, 8);
                }
                case 5 -> {
                    assertEquals(0, chMask & 0xFF00, "ChMaskCntl 5: the 8 MSBs are RFU");
                    for (int bank = 0; bank < 8; bank++) {
                        boolean on = (chMask & (1 << bank)) != 0;
                        for (int ch = bank * 8; ch < bank * 8 + 8; ch++) {
                            set(channels, ch, on);
                        }
                        set(channels, 64 + bank, on);
                    }
                }
                case 6, 7 -> {
                    assertEquals(0, chMask & 0xFF00, "ChMaskCntl " + chMaskCntl + ": ChMask covers channels 64-71");
                    for (int ch = 0; ch < 64; ch++) {
                        set(channels, ch, chMaskCntl == 6);
                    }
                    applyBits(channels, 64, chMask, 8);
                }
                default -> fail("ChMaskCntl " + chMaskCntl + " does not exist for a 72-channel plan");
            }
        }
        return channels;
    }

    /**
     * CN470-510 with 96 uplink channels: RP002-1.0.0 to 1.0.2 section 2.9.5, "CN470-510 ChMaskCntl value table":
     * 0..5 = channels 16*ChMaskCntl to 16*ChMaskCntl+15, 6 = all channels on (ChMask ignored), 7 = RFU.
     */
    static Set<Integer> fixed96(Set<Integer> start, List<int[]> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (int[] block : blocks) {
            switch (block[0]) {
                case 0, 1, 2, 3, 4, 5 -> applyBits(channels, block[0] * 16, block[1], 16);
                case 6 -> channels.addAll(range(0, 96));
                default -> fail("ChMaskCntl " + block[0] + " is RFU for CN470-510");
            }
        }
        return channels;
    }

    /**
     * The dynamic plans (up to 16 channels): RP002-1.0.4 section 2.4.5 "EU863-870 ChMaskCntl value table" (the
     * other dynamic plans have the same table): 0 = ChMask switches channels 0 to 15 one by one, 6 = all defined
     * channels on (ChMask ignored), others RFU. Enabling a channel the device has not defined is refused
     * (TS001-1.0.4 section 5.3, "Channel mask ACK").
     */
    static Set<Integer> dynamic(Set<Integer> defined, Set<Integer> start, List<int[]> blocks) {
        Set<Integer> channels = new TreeSet<>(start);
        for (int[] block : blocks) {
            switch (block[0]) {
                case 0 -> {
                    for (int ch = 0; ch < 16; ch++) {
                        boolean on = (block[1] & (1 << ch)) != 0;
                        if (on && !defined.contains(ch)) {
                            fail("ChMask enables channel " + ch + " which the device has not defined");
                        }
                        set(channels, ch, on);
                    }
                }
                case 6 -> channels.addAll(defined);
                default -> fail("ChMaskCntl " + block[0] + " is RFU for a dynamic plan");
            }
        }
        return channels;
    }

    /** The channels of the given 1-based sub-bands of a 72-channel plan: 8 x 125 kHz and one 500 kHz each. */
    static Set<Integer> fixed72SubBands(int... subBands) {
        Set<Integer> out = new TreeSet<>();
        for (int subBand : subBands) {
            out.addAll(range((subBand - 1) * 8, subBand * 8));
            out.add(64 + subBand - 1);
        }
        return out;
    }

    static Set<Integer> range(int fromInclusive, int toExclusive) {
        Set<Integer> out = new TreeSet<>();
        for (int ch = fromInclusive; ch < toExclusive; ch++) {
            out.add(ch);
        }
        return out;
    }

    private static void applyBits(Set<Integer> channels, int first, int chMask, int width) {
        for (int bit = 0; bit < width; bit++) {
            set(channels, first + bit, (chMask & (1 << bit)) != 0);
        }
    }

    private static void set(Set<Integer> channels, int channel, boolean on) {
        if (on) {
            channels.add(channel);
        } else {
            channels.remove(channel);
        }
    }
}
