package net.lorawanns.js.claim;

import java.time.Duration;
import net.lorawanns.core.types.Eui64;

/**
 * Too many wrong owner tokens for one DevEUI within the window: further attempts are refused without comparing until
 * {@link #retryAfter()} has passed.
 */
public final class OwnerTokenAttemptsLimited extends RuntimeException {
    private final transient Duration retryAfter;

    public OwnerTokenAttemptsLimited(Eui64 devEui, Duration retryAfter) {
        super("too many wrong owner tokens for DevEUI " + devEui + "; try again in " + seconds(retryAfter) + " s",
                null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds to wait, rounded up, as HTTP's Retry-After states them. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
