package net.lorawanns.core.device;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.types.DevAddr;

/**
 * This instance's copy of the sessions that use each DevAddr, so that a device's uplinks after the first need no
 * Redis lookup before their counter step. It is a cache the instance can lose (ARCHITECTURE.md, Redis): an entry is
 * only a guess that Redis confirms. A MIC that verifies with no cached session, or a counter step that finds the
 * session replaced or the device gone, sends the frame back to a fresh lookup; so a stale entry costs one lookup,
 * never a wrong decision. The last accepted counter it holds may lag behind another instance's: it only serves to
 * guess the high 16 bits of the counter, which the MIC then confirms.
 *
 * <p>Sized for a million active devices: an entry is its sessions packed in one byte array ({@link PackedSessions}),
 * with their counters and its load time, in a table of DevAddr values ({@link DevAddrTable}); about
 * {@value #ESTIMATED_ENTRY_BYTES} bytes with the table's share, one object instead of some twenty, so that the old
 * generation a collector walks stays small, and a young collection that finds new entries has few objects to copy; a
 * hit unpacks them into short-lived objects. Thread-safe.
 */
public final class SessionCache {
    /**
     * Heap bytes of an entry with one session, its share of the table included: 136 measured over 100,000 entries and
     * 147 over 1,000,000 ({@code net.lorawanns.bench.memory.SessionCacheMemory}; 223 and 235 in a ConcurrentHashMap
     * with the counters and load time as objects beside the array, 458 and 471 before entries were packed), plus up
     * to 8 of {@link AdmissionOrder}, rounded up for a second session now and then.
     */
    public static final int ESTIMATED_ENTRY_BYTES = 168;

    /**
     * What a lookup found, packed with each active session's last accepted counter, which is updated in place:
     * replacing entries on every uplink would turn long-lived entries into old-generation garbage.
     */
    private final DevAddrTable entries = new DevAddrTable();
    private final AdmissionOrder order;
    private final long maxEntries;
    private final long maxAgeNanos;

    /**
     * @param maxEntries DevAddrs kept at most ({@link #entriesFor}); beyond, the oldest entries make room
     * @param maxAge how long an entry is used before it is looked up again
     */
    public SessionCache(long maxEntries, Duration maxAge) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        this.order = new AdmissionOrder(maxEntries);
        this.maxAgeNanos = maxAge.toNanos();
    }

    /**
     * The entries that fit in {@code memoryBytes} at {@link #ESTIMATED_ENTRY_BYTES} each, at least one, and at most
     * {@code maxEntries} when that is given.
     */
    public static long entriesFor(long memoryBytes, Integer maxEntries) {
        long byMemory = Math.max(1, memoryBytes / ESTIMATED_ENTRY_BYTES);
        return maxEntries == null ? byMemory : Math.min(byMemory, maxEntries);
    }

    /** The cached candidates of {@code devAddr}, if loaded less than the maximum age ago. */
    public Optional<List<SessionCandidate>> get(DevAddr devAddr) {
        byte[] entry = entries.get(devAddr.value());
        if (entry == null) {
            return Optional.empty();
        }
        if (System.nanoTime() - PackedSessions.loadedNanos(entry) > maxAgeNanos) {
            entries.remove(devAddr.value(), entry);
            return Optional.empty();
        }
        return Optional.of(PackedSessions.unpack(entry));
    }

    /** Keeps what a fresh lookup found for {@code devAddr}. */
    public void put(DevAddr devAddr, List<SessionCandidate> candidates) {
        if (entries.size() >= maxEntries && entries.get(devAddr.value()) == null
                && !order.evictOldest(entries::remove)) {
            // The order lost track of the entries left (values forgotten): any one makes room.
            entries.removeAny();
        }
        byte[] replaced = entries.put(devAddr.value(), PackedSessions.pack(candidates, System.nanoTime()));
        if (replaced == null) {
            order.admitted(devAddr.value());
        }
    }

    /** Forgets {@code devAddr}: its sessions changed here, or a counter step showed the entry stale. */
    public void invalidate(DevAddr devAddr) {
        entries.remove(devAddr.value());
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
        byte[] entry = entries.get(devAddr.value());
        if (entry == null) {
            return;
        }
        int index = PackedSessions.indexOfActive(entry, candidate.devEui(), candidate.session().id());
        if (index >= 0) {
            PackedSessions.setLastFCntUp(entry, index, fCnt);
        }
    }

    public int size() {
        return entries.size();
    }
}
