package net.lorawanns.config;

import java.time.Duration;

/**
 * {@code [downlink]}: the application downlink queue.
 *
 * @param maxQueueSize items one device's queue holds at most; an enqueue beyond is refused
 * @param queueTtl how long a device's queue is kept after its last enqueue
 * @param confirmedRetries how many more times a confirmed downlink the device did not acknowledge is sent (a fresh
 *                         frame each time); then it is given up with a {@code downlink_nack} saying so
 */
public record DownlinkSettings(Integer maxQueueSize, Duration queueTtl, Integer confirmedRetries) {
    public static final DownlinkSettings DEFAULTS = new DownlinkSettings(null, null, null);

    public DownlinkSettings {
        maxQueueSize = Check.range("max_queue_size", Check.or(maxQueueSize, 64), 1, 10_000);
        queueTtl = Check.positive("queue_ttl", Check.or(queueTtl, Duration.ofDays(7)));
        confirmedRetries = Check.range("confirmed_retries", Check.or(confirmedRetries, 2), 0, 15);
    }
}
