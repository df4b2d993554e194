package net.lorawanns.core.adr;

/**
 * An algorithm whose decisions are checked against the device's limits before anything is sent: a decision
 * beyond them, or an exception of the algorithm, becomes an {@link IllegalStateException} that names the
 * algorithm, so that a faulty algorithm fails one decision with a clear message and never reaches a device.
 * Runs on the caller's thread, like the algorithm it checks.
 */
final class LimitCheckedAdrAlgorithm implements AdrAlgorithm {
    private final AdrAlgorithm algorithm;

    LimitCheckedAdrAlgorithm(AdrAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    Class<?> implementation() {
        return algorithm.getClass();
    }

    @Override
    public String id() {
        return algorithm.id();
    }

    @Override
    public AdrDecision decide(AdrInput input) {
        AdrDecision decision;
        try {
            decision = algorithm.decide(input);
        } catch (RuntimeException e) {
            throw new IllegalStateException("ADR algorithm '" + algorithm.id() + "' failed: " + e, e);
        }
        if (decision == null) {
            throw new IllegalStateException("ADR algorithm '" + algorithm.id() + "' decided nothing (null)");
        }
        if (decision instanceof AdrDecision.Change change && !input.limits().admits(change)) {
            throw new IllegalStateException("ADR algorithm '" + algorithm.id() + "' decided " + change
                    + ", beyond the device's limits (" + input.limits() + ")");
        }
        return decision;
    }

    @Override
    public String toString() {
        return algorithm.id();
    }
}
