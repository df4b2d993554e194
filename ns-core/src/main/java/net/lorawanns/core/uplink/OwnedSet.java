package net.lorawanns.core.uplink;

import io.vertx.core.Future;

/**
 * A deduplication set this instance owns, as its window ends (ARCHITECTURE.md, uplink step 2). {@code local} holds
 * the copies that reached this instance, at once; {@code whole} adds those that other instances handed over through
 * Redis, once the request that closes the set has answered. Work that needs only the frame (its session, its
 * counter) starts on {@code local} while that request is on its way, so that both take one Redis round trip.
 *
 * @param whole every copy; this instance's alone when Redis could not hand over the others'
 */
public record OwnedSet(DeduplicatedUplink local, Future<DeduplicatedUplink> whole) {
}
