package net.lorawanns.core.adr;

/**
 * The network-side ADR algorithm that Semtech's application note recommends, as ChirpStack's "default" has it
 * (The Things Stack's is a variant of it).
 *
 * <p>Over the last 20 uplinks: SNRmax, the best SNR of any frame (each frame's best over its gateways); the
 * margin SNRmax - floor(current DR) - installation margin; NStep = floor(margin / 3 dB). Positive steps raise
 * the data rate up to the maximum, then lower the TX power (a higher index) up to the maximum index; negative
 * steps raise the TX power (a lower index) down to index 0, and never lower the data rate, which the device
 * does itself when it loses the network (ADR back-off, LoRaWAN 1.0.4 section 4.3.1.1). NbTrans follows the
 * packet-loss rate of the history through the note's table.
 *
 * <p>With fewer than 20 uplinks nothing changes but a setting outside the limits. The note takes SNRmax over the
 * 20 most recent frames, and Semtech's "Understanding ADR" guide has the network server wait until it has
 * several results; ChirpStack raises the data rate on fewer frames but waits for 20 (at the current TX power)
 * before raising the power, to avoid up/down swings, and counts no packet loss below 20; The Things Stack
 * decides at once, with 2.5 dB more margin below 20. Most wait, so this waits, for every step: each rests on a
 * full window.
 */
public final class DefaultAdrAlgorithm implements AdrAlgorithm {
    public static final String ID = "default";
    /** The note's step: 3 dB of margin per data-rate or TX power step. */
    private static final double STEP_DB = 3;
    /**
     * NbTrans by packet-loss rate (rows: below 5 %, below 10 %, below 30 %, 30 % and more) and current NbTrans
     * (columns: 1, 2, 3 and more), the note's table as ChirpStack has it.
     */
    private static final int[][] NB_TRANS = {{1, 1, 2}, {1, 2, 3}, {2, 3, 3}, {3, 3, 3}};

    @Override
    public String id() {
        return ID;
    }

    @Override
    public AdrDecision decide(AdrInput input) {
        AdrLimits limits = input.limits();
        int dataRate = Math.max(limits.minDataRate(), Math.min(limits.maxDataRate(), input.dataRate()));
        int txPower = Math.min(limits.maxTxPowerIndex(), input.txPowerIndex());
        int nbTrans = input.nbTrans();
        if (input.history().isFull()) {
            nbTrans = nbTrans(input.nbTrans(), input.history().packetLossRate());
            // SNR is measured in the channel's bandwidth, so SNRmax holds at the data rate the device moves to
            // when a limit moved it: the margin is taken against that rate's floor.
            double margin = input.history().maxSnrDb().getAsDouble() - input.requiredSnrDb(dataRate)
                    - limits.installationMarginDb();
            // Rounded down: a margin between -3 and 0 dB is one step up in power (ChirpStack truncates
            // toward zero and takes no step there).
            int steps = (int) Math.floor(margin / STEP_DB);
            for (; steps > 0 && dataRate < limits.maxDataRate(); steps--) {
                dataRate++;
            }
            for (; steps > 0 && txPower < limits.maxTxPowerIndex(); steps--) {
                txPower++;
            }
            for (; steps < 0 && txPower > 0; steps++) {
                txPower--;
            }
        }
        if (dataRate == input.dataRate() && txPower == input.txPowerIndex() && nbTrans == input.nbTrans()) {
            return AdrDecision.unchanged();
        }
        return AdrDecision.change(dataRate, txPower, nbTrans);
    }

    private static int nbTrans(int current, double packetLossRate) {
        int column = Math.min(current, 3) - 1;
        if (packetLossRate < 0.05) {
            return NB_TRANS[0][column];
        }
        if (packetLossRate < 0.10) {
            return NB_TRANS[1][column];
        }
        if (packetLossRate < 0.30) {
            return NB_TRANS[2][column];
        }
        return NB_TRANS[3][column];
    }
}
