package net.lorawanns.core.adr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Expected values worked out by hand from the formulas of Semtech's recommended algorithm: margin = SNRmax -
 * floor(DR) - installation margin, NStep = floor(margin / 3), and the NbTrans table (rows: loss below 5 %, 10 %,
 * 30 %, above; columns: NbTrans 1, 2, 3): {1,1,2}, {1,2,3}, {2,3,3}, {3,3,3}.
 */
class DefaultAdrAlgorithmTest {
    /**
     * EU868 (RP002-1.0.4 table 2-3): DR0-DR5 are SF12-SF7 at 125 kHz; their demodulation floors from the SX1276
     * datasheet (table 13): -20, -17.5, -15, -12.5, -10, -7.5 dB.
     */
    private static final double[] EU868_FLOOR_DB = {-20, -17.5, -15, -12.5, -10, -7.5};
    private static final IntToDoubleFunction EU868 = dr -> EU868_FLOOR_DB[dr];
    /** EU868: DR0-DR5 for ADR, TX power indexes 0-7 (MaxEIRP to MaxEIRP - 14 dB), installation margin 10 dB. */
    private static final AdrLimits LIMITS = new AdrLimits(0, 5, 7);

    private final AdrAlgorithm algorithm = new DefaultAdrAlgorithm();

    @Test
    void aDeviceWithALargeMarginReachesTheFastestRateThenTheLowestPower() {
        // The simulated device is heard at 20 dB SNR at TX power index 0; each index is 2 dB less power (EU868),
        // so 2 dB less SNR; SNR does not depend on the spreading factor (it is measured in the 125 kHz channel).
        long fCnt = 0;
        int dr = 0;
        int txPower = 0;
        int nbTrans = 1;
        UplinkHistory history = UplinkHistory.empty();
        List<String> decisions = new ArrayList<>();
        for (int uplink = 1; uplink <= 60; uplink++) {
            history = history.add(fCnt++, 20 - 2 * txPower, 1);
            AdrDecision decision = algorithm.decide(new AdrInput(history, dr, txPower, nbTrans, LIMITS, EU868, false));
            if (decision instanceof AdrDecision.Change change) {
                decisions.add("uplink " + uplink + ": " + change);
                dr = change.dataRate();
                txPower = change.txPowerIndex();
                nbTrans = change.nbTrans();
                history = UplinkHistory.empty();
            }
        }
        // Uplink 20 (DR0, index 0, SNR 20): margin 20 - (-20) - 10 = 30, NStep 10: DR0 -> DR5 (5), index 0 -> 5 (5).
        // Uplink 40 (DR5, index 5, SNR 20 - 10 = 10): margin 10 - (-7.5) - 10 = 7.5, NStep 2: index 5 -> 7.
        // Uplink 60 (DR5, index 7, SNR 6): margin 3.5, NStep 1, but both are at their limits: unchanged.
        assertEquals(List.of("uplink 20: DR5, TX power index 5, NbTrans 1", "uplink 40: DR5, TX power index 7, NbTrans 1"),
                decisions);
    }

    @Test
    void aMarginDropRaisesThePowerButNeverLowersTheRate() {
        // DR5, index 5, SNR -2: margin -2 - (-7.5) - 10 = -4.5, NStep floor(-1.5) = -2: index 5 -> 3.
        assertEquals(AdrDecision.change(5, 3, 1), decide(full(-2), 5, 5, 1, LIMITS));
        // DR5, index 5, SNR 1: margin 1 + 7.5 - 10 = -1.5, NStep floor(-0.5) = -1: index 5 -> 4.
        assertEquals(AdrDecision.change(5, 4, 1), decide(full(1), 5, 5, 1, LIMITS));
        // DR3, index 1, SNR -10: margin -10 + 12.5 - 10 = -7.5, NStep -3: index 1 -> 0, then nothing more.
        assertEquals(AdrDecision.change(3, 0, 1), decide(full(-10), 3, 1, 1, LIMITS));
        // Already at full power: the rate stays, nothing to send.
        assertEquals(AdrDecision.unchanged(), decide(full(-10), 3, 0, 1, LIMITS));
    }

    @Test
    void packetLossSetsNbTrans() {
        // DR5, index 0, SNR 3: margin 3 + 7.5 - 10 = 0.5, NStep 0, so only NbTrans can change.
        // 3 lost (20 received of 23 sent): 13 %, row "below 30 %": NbTrans 1 -> 2.
        assertEquals(AdrDecision.change(5, 0, 2), decide(withLosses(3, 3), 5, 0, 1, LIMITS));
        // 9 lost of 29: 31 %, row "30 % and more": NbTrans 1 -> 3.
        assertEquals(AdrDecision.change(5, 0, 3), decide(withLosses(9, 3), 5, 0, 1, LIMITS));
        // 2 lost of 22: 9.1 %, row "below 10 %": NbTrans 2 stays 2.
        assertEquals(AdrDecision.unchanged(), decide(withLosses(2, 3), 5, 0, 2, LIMITS));
        // 1 lost of 21: 4.8 %, row "below 5 %": NbTrans 2 -> 1.
        assertEquals(AdrDecision.change(5, 0, 1), decide(withLosses(1, 3), 5, 0, 2, LIMITS));
        // No loss, NbTrans 3 -> 2.
        assertEquals(AdrDecision.change(5, 0, 2), decide(full(3), 5, 0, 3, LIMITS));
    }

    @Test
    void staysWithinTheDevicesLimits() {
        // Max DR3, max index 4; DR0, SNR 20: margin 30, NStep 10: DR0 -> DR3 (3), index 0 -> 4 (4), 3 steps unused.
        assertEquals(AdrDecision.change(3, 4, 1), decide(full(20), 0, 0, 1, new AdrLimits(0, 3, 4)));
        // A device above the max DR is brought down to it, even before the history is full.
        assertEquals(AdrDecision.change(3, 0, 1), decide(frames(1, 0), 5, 0, 1, new AdrLimits(0, 3, 7)));
        // A device below the min DR is brought up to it.
        assertEquals(AdrDecision.change(2, 0, 1), decide(frames(1, 0), 0, 0, 1, new AdrLimits(2, 5, 7)));
        // A TX power index above the max is brought down to it.
        assertEquals(AdrDecision.change(5, 5, 1), decide(frames(1, 0), 5, 7, 1, new AdrLimits(0, 5, 5)));
        // Min DR2 from DR0 with SNR -5: the margin is taken at DR2, -5 - (-15) - 10 = 0, NStep 0.
        assertEquals(AdrDecision.change(2, 0, 1), decide(full(-5), 0, 0, 1, new AdrLimits(2, 5, 7)));
        // A 5 dB installation margin: DR5, index 0, SNR 3: 3 + 7.5 - 5 = 5.5, NStep 1: index 0 -> 1.
        assertEquals(AdrDecision.change(5, 1, 1), decide(full(3), 5, 0, 1, new AdrLimits(0, 5, 7, 5)));
    }

    @Test
    void waitsForTwentyUplinks() {
        // 19 frames at SNR 20 on DR0 would be 10 steps.
        assertEquals(AdrDecision.unchanged(), decide(frames(19, 20), 0, 0, 1, LIMITS));
        // 19 frames with 9 counters missing after each (171 lost of 190) would be NbTrans 3.
        UplinkHistory lossy = UplinkHistory.empty();
        for (long frame = 0; frame < 19; frame++) {
            lossy = lossy.add(frame * 10, -20, 1);
        }
        assertEquals(AdrDecision.unchanged(), decide(lossy, 0, 0, 1, LIMITS));
        assertEquals(AdrDecision.change(5, 5, 1), decide(frames(20, 20), 0, 0, 1, LIMITS));
    }

    @Test
    void usesTheBestSnrOfTheWindow() {
        // 19 frames at -5 dB and one at 4 dB, DR2: margin 4 + 15 - 10 = 9, NStep 3: DR2 -> DR5.
        UplinkHistory history = frames(19, -5).add(19, 4, 2);
        assertEquals(AdrDecision.change(5, 0, 1), decide(history, 2, 0, 1, LIMITS));
    }

    private AdrDecision decide(UplinkHistory history, int dr, int txPower, int nbTrans, AdrLimits limits) {
        return algorithm.decide(new AdrInput(history, dr, txPower, nbTrans, limits, EU868, false));
    }

    private static UplinkHistory full(double snr) {
        return frames(UplinkHistory.SIZE, snr);
    }

    private static UplinkHistory frames(int count, double snr) {
        UplinkHistory history = UplinkHistory.empty();
        for (long fCnt = 0; fCnt < count; fCnt++) {
            history = history.add(fCnt, snr, 1);
        }
        return history;
    }

    /** 20 received frames at {@code snr} with {@code lost} counters missing, one after each of the first. */
    private static UplinkHistory withLosses(int lost, double snr) {
        UplinkHistory history = UplinkHistory.empty();
        long fCnt = 0;
        for (int frame = 0; frame < UplinkHistory.SIZE; frame++) {
            history = history.add(fCnt, snr, 1);
            fCnt += frame < lost ? 2 : 1;
        }
        return history;
    }
}
