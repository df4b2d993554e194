package net.lorawanns.js.claim;

import java.time.Duration;

/**
 * How many wrong owner tokens a DevEUI takes within a window before attempts are refused without comparing until the
 * window (which the first failure opened) has passed.
 */
public record AttemptLimit(int failures, Duration window) {
    /** Five wrong tokens a minute: a person mistyping a label is not held up, guessing gets 7,200 tries a day. */
    public static final AttemptLimit DEFAULT = new AttemptLimit(5, Duration.ofMinutes(1));

    public AttemptLimit {
        if (failures < 1) {
            throw new IllegalArgumentException("at least one failure must be allowed, got " + failures);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("the window must be at least 1 ms");
        }
    }
}
