package net.lorawanns.core.adr;

/**
 * What an {@link AdrAlgorithm} decided for one uplink: new settings for a LinkADRReq, or {@link #unchanged()}
 * when nothing is to be sent.
 */
public sealed interface AdrDecision {

    /** Nothing to send: the device keeps its data rate, TX power and NbTrans. */
    static AdrDecision unchanged() {
        return Unchanged.INSTANCE;
    }

    /** The settings to send in a LinkADRReq. */
    static AdrDecision change(int dataRate, int txPowerIndex, int nbTrans) {
        return new Change(dataRate, txPowerIndex, nbTrans);
    }

    /**
     * New settings: a data-rate index and TX power index of the region's tables, and NbTrans, the number of
     * transmissions of each uplink frame. LinkADRReq reserves 15 in the first two fields for "keep the current
     * value" (LoRaWAN 1.0.4 section 5.3) and 0 in NbTrans for the default, so a decision names real values.
     */
    record Change(int dataRate, int txPowerIndex, int nbTrans) implements AdrDecision {
        public Change {
            AdrInput.range("data rate", dataRate, 0, 14);
            AdrInput.range("TX power index", txPowerIndex, 0, 14);
            AdrInput.range("NbTrans", nbTrans, 1, 15);
        }

        @Override
        public String toString() {
            return "DR" + dataRate + ", TX power index " + txPowerIndex + ", NbTrans " + nbTrans;
        }
    }

    /** See {@link #unchanged()}. */
    final class Unchanged implements AdrDecision {
        private static final Unchanged INSTANCE = new Unchanged();

        private Unchanged() {
        }

        @Override
        public String toString() {
            return "unchanged";
        }
    }
}
