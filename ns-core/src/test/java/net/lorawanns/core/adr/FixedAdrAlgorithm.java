package net.lorawanns.core.adr;

/** An operator's algorithm as the tests see one: a fixed decision under a given id. */
public class FixedAdrAlgorithm implements AdrAlgorithm {
    private final String id;
    private final AdrDecision decision;

    /** The one listed in the test class path's META-INF/services. */
    public FixedAdrAlgorithm() {
        this("fixed-for-tests", AdrDecision.change(1, 2, 1));
    }

    FixedAdrAlgorithm(String id, AdrDecision decision) {
        this.id = id;
        this.decision = decision;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public AdrDecision decide(AdrInput input) {
        return decision;
    }
}
