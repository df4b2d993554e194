package net.lorawanns.core.adr;

/**
 * The bounds ADR keeps a device within, from its device profile and its region: the lowest and highest data-rate
 * index it may be given (the highest one that ADR may use, LoRa at 125 kHz for the standard algorithm, e.g. DR5
 * in EU868), the highest TX power index (the lowest power; index 0 is the region's maximum EIRP), and the
 * installation margin in dB that the measured SNR must keep above the demodulation floor.
 */
public record AdrLimits(int minDataRate, int maxDataRate, int maxTxPowerIndex, double installationMarginDb) {
    /** ChirpStack's default installation margin, and the issue's. */
    public static final double DEFAULT_INSTALLATION_MARGIN_DB = 10;

    public AdrLimits {
        AdrInput.range("minimum data rate", minDataRate, 0, 14);
        AdrInput.range("maximum data rate", maxDataRate, minDataRate, 14);
        AdrInput.range("maximum TX power index", maxTxPowerIndex, 0, 14);
        if (!Double.isFinite(installationMarginDb)) {
            throw new IllegalArgumentException("installation margin must be a number of dB, got " + installationMarginDb);
        }
    }

    /** Limits with the default installation margin. */
    public AdrLimits(int minDataRate, int maxDataRate, int maxTxPowerIndex) {
        this(minDataRate, maxDataRate, maxTxPowerIndex, DEFAULT_INSTALLATION_MARGIN_DB);
    }

    /** Whether a decision keeps within these limits. */
    public boolean admits(AdrDecision.Change change) {
        return change.dataRate() >= minDataRate && change.dataRate() <= maxDataRate
                && change.txPowerIndex() <= maxTxPowerIndex;
    }

    @Override
    public String toString() {
        return "DR" + minDataRate + "-DR" + maxDataRate + ", TX power index 0-" + maxTxPowerIndex
                + ", installation margin " + installationMarginDb + " dB";
    }
}
