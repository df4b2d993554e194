package net.lorawanns.core.adr;

/** An operator's algorithm that takes the built-in algorithm's id; listed only by one test's own class loader. */
public class DefaultAgainAdrAlgorithm extends FixedAdrAlgorithm {
    public DefaultAgainAdrAlgorithm() {
        super(DefaultAdrAlgorithm.ID, AdrDecision.unchanged());
    }
}
