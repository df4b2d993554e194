package net.lorawanns.core.device;

import java.util.function.IntPredicate;

/**
 * The order in which DevAddrs entered the {@link SessionCache}, oldest first, so that a full cache makes room by
 * its oldest entry in constant time: a ConcurrentHashMap has no order, and taking its iterator's first key again and
 * again empties the front of its table, so that each eviction scans further. A circular array of DevAddr values,
 * grown as entries come, up to twice the cache's bound; when it is full, the oldest value is forgotten from the
 * order. An entry removed otherwise leaves its value here, skipped when its turn comes.
 * Thread-safe (its own lock: it is touched only when an entry enters or makes room).
 */
final class AdmissionOrder {
    private static final int INITIAL = 1024;
    /** Values skipped at most while making room: removed entries leave theirs behind. */
    private static final int MAX_SKIPPED = 64;

    private final int capacity;
    private int[] values;
    private int oldest;
    private int count;

    /** @param entries the cache's bound: the order keeps twice as many values, room for those left behind */
    AdmissionOrder(long entries) {
        this.capacity = (int) (2 * Math.min(entries, (Integer.MAX_VALUE - 8) / 2));
        this.values = new int[Math.min(this.capacity, INITIAL)];
    }

    /** A DevAddr entered the cache. */
    synchronized void admitted(int devAddr) {
        if (count == values.length && values.length < capacity) {
            grow();
        }
        if (count == values.length) {
            oldest = (oldest + 1) % values.length;
            count--;
        }
        values[(oldest + count) % values.length] = devAddr;
        count++;
    }

    /**
     * Removes the oldest DevAddr that {@code evict} removes from the cache, trying the oldest values in turn.
     *
     * @param evict removes the DevAddr's entry; false when it had none
     * @return false when none of the values tried had an entry
     */
    synchronized boolean evictOldest(IntPredicate evict) {
        for (int tried = 0; tried < MAX_SKIPPED && count > 0; tried++) {
            int devAddr = values[oldest];
            oldest = (oldest + 1) % values.length;
            count--;
            if (evict.test(devAddr)) {
                return true;
            }
        }
        return false;
    }

    private void grow() {
        int[] larger = new int[(int) Math.min((long) values.length * 2, capacity)];
        for (int i = 0; i < count; i++) {
            larger[i] = values[(oldest + i) % values.length];
        }
        values = larger;
        oldest = 0;
    }
}
