package net.lorawanns.core.redis;

import java.time.Duration;
import net.lorawanns.config.RedisSettings;

/**
 * How many replicas must have a write before it is relied on ({@code [redis] min_replicas_acked}), and how long to
 * wait for them. Redis replicates asynchronously: without this, a master may acknowledge a write that no replica has
 * when Sentinel promotes one. {@link BatchingRedis} sends WAIT after such a write, on the same connection (WAIT
 * counts that connection's writes), and fails the write with {@link RedisFailure.Kind#NOT_REPLICATED} when fewer
 * replicas acknowledged it in time.
 *
 * @param replicas replicas that must acknowledge; 0 = do not wait
 * @param timeout how long WAIT waits for them
 */
public record ReplicaAcks(int replicas, Duration timeout) {
    /** Writes that wait for no replica. */
    public static final ReplicaAcks NONE = new ReplicaAcks(0, Duration.ZERO);

    public static ReplicaAcks of(RedisSettings settings) {
        return new ReplicaAcks(settings.minReplicasAcked(), settings.replicaAckTimeout());
    }
}
