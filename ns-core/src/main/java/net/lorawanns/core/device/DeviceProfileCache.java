package net.lorawanns.core.device;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device profiles the pipeline reads for every frame, kept in memory for a short while: a profile is
 * configuration, read far more often than it changes, and a change applies to each device's frames within
 * {@code maxAge}. Any thread.
 */
public final class DeviceProfileCache {
    /** Profiles are few; past this many entries (a burst of IDs) the cache starts afresh rather than grow. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Optional<DeviceProfile> profile, long loadedNanos) {
    }

    private final DeviceProfileStore store;
    private final long maxAgeNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public DeviceProfileCache(DeviceProfileStore store, Duration maxAge) {
        this.store = store;
        this.maxAgeNanos = maxAge.toNanos();
    }

    public Future<Optional<DeviceProfile>> get(String id) {
        Entry entry = entries.get(id);
        long now = System.nanoTime();
        if (entry != null && now - entry.loadedNanos() < maxAgeNanos) {
            return Future.succeededFuture(entry.profile());
        }
        return store.get(id).map(profile -> {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(id, new Entry(profile, now));
            return profile;
        });
    }
}
