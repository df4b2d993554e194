package net.lorawanns.core.uplink;

import java.util.Locale;

/**
 * A frame this instance did not take on because it is behind ({@code network.max_queue_delay}): nothing of the frame
 * was sent to Redis, and no copy of it is held. Immutable and without a stack trace, so that one instance of each
 * reason serves every refusal.
 */
public final class Overloaded extends RuntimeException {
    /** Why the instance is behind. */
    public enum Reason {
        /** The copy that would start the frame waited longer than the bound for its pipeline's event loop. */
        QUEUE_DELAY,
        /** The oldest Redis request of the pipeline's event loop has waited longer than the bound for its answer. */
        REDIS_BACKLOG
    }

    private final Reason reason;

    Overloaded(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The reason as {@code lorawan_uplink_shed_total} names it: {@code queue_delay}, {@code redis_backlog}. */
    public String metricReason() {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
