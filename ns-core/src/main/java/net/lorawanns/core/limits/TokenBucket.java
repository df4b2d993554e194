package net.lorawanns.core.limits;

/** A token bucket of {@code rate} tokens per second holding at most {@code rate}; not thread-safe. */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private final int rate;
    private double tokens;
    private long last;

    public TokenBucket(int rate, long nowNanos) {
        this.rate = rate;
        this.tokens = rate;
        this.last = nowNanos;
    }

    public boolean tryAcquire(long nowNanos) {
        if (hasToken(nowNanos)) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether a token is there to take, without taking it. */
    public boolean hasToken(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(rate, tokens + (double) elapsed * rate / NANOS_PER_SECOND);
            last = nowNanos;
        }
        return tokens >= 1;
    }
}
