package net.lorawanns.core.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import net.lorawanns.core.types.DevAddr;

/**
 * This instance's copy of the sessions that use each DevAddr, so that a device's uplinks after the first need no
 * Redis lookup before their counter step. It is a cache the instance can lose (ARCHITECTURE.md, Redis): an entry is
 * only a guess that Redis confirms. A MIC that verifies with no cached session, or a counter step that finds the
 * session replaced or the device gone, sends the frame back to a fresh lookup; so a stale entry costs one lookup,
 * never a wrong decision. The last accepted counter it holds may lag behind another instance's: it only serves to
 * guess the high 16 bits of the counter, which the MIC then confirms.
 */
public final class SessionCache {
    /**
     * What a lookup found, with each active session's last accepted counter kept beside it and updated in place:
     * replacing entries on every uplink would turn long-lived entries into old-generation garbage.
     */
    private record Entry(List<SessionCandidate> candidates, AtomicLongArray lastFCntUp, long loadedNanos) {
        Entry(List<SessionCandidate> candidates, long loadedNanos) {
            this(List.copyOf(candidates), new AtomicLongArray(candidates.stream()
                    .mapToLong(SessionCandidate::lastFCntUp).toArray()), loadedNanos);
        }

        List<SessionCandidate> current() {
            List<SessionCandidate> current = new ArrayList<>(candidates.size());
            for (int i = 0; i < candidates.size(); i++) {
                SessionCandidate loaded = candidates.get(i);
                long last = lastFCntUp.get(i);
                current.add(last == loaded.lastFCntUp() ? loaded
                        : new SessionCandidate(loaded.devEui(), loaded.session(), loaded.pending(), last));
            }
            return current;
        }
    }

    private final Map<DevAddr, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxAgeNanos;

    /**
     * @param maxEntries DevAddrs kept at most; beyond, arbitrary entries make room
     * @param maxAge how long an entry is used before it is looked up again
     */
    public SessionCache(int maxEntries, Duration maxAge) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The cached candidates of {@code devAddr}, if loaded less than the maximum age ago. */
    public Optional<List<SessionCandidate>> get(DevAddr devAddr) {
        Entry entry = entries.get(devAddr);
        if (entry == null) {
            return Optional.empty();
        }
        if (System.nanoTime() - entry.loadedNanos > maxAgeNanos) {
            entries.remove(devAddr, entry);
            return Optional.empty();
        }
        return Optional.of(entry.current());
    }

    /** Keeps what a fresh lookup found for {@code devAddr}. */
    public void put(DevAddr devAddr, List<SessionCandidate> candidates) {
        if (entries.size() >= maxEntries && !entries.containsKey(devAddr)) {
            Iterator<DevAddr> any = entries.keySet().iterator();
            if (any.hasNext()) {
                entries.remove(any.next());
            }
        }
        entries.put(devAddr, new Entry(candidates, System.nanoTime()));
    }

    /** Forgets {@code devAddr}: its sessions changed here, or a counter step showed the entry stale. */
    public void invalidate(DevAddr devAddr) {
        entries.remove(devAddr);
    }

    /**
     * Records that the counter step accepted {@code fCnt} for the active session {@code candidate}, so that the
     * next uplink's counter is guessed from it. A pending session that was just promoted is forgotten instead:
     * the next lookup finds it active.
     */
    public void accepted(DevAddr devAddr, SessionCandidate candidate, long fCnt) {
        if (candidate.pending()) {
            invalidate(devAddr);
            return;
        }
        Entry entry = entries.get(devAddr);
        if (entry == null) {
            return;
        }
        for (int i = 0; i < entry.candidates.size(); i++) {
            SessionCandidate cached = entry.candidates.get(i);
            if (!cached.pending() && cached.devEui().equals(candidate.devEui())
                    && cached.session().id().equals(candidate.session().id())) {
                entry.lastFCntUp.set(i, fCnt);
            }
        }
    }

    public int size() {
        return entries.size();
    }
}
