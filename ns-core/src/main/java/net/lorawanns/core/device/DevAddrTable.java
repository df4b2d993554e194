package net.lorawanns.core.device;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link SessionCache}'s table: a DevAddr, as its 32-bit value, to its entry's array, with no object per mapping.
 * A ConcurrentHashMap keeps a node and a key object beside each value; with a million devices, most frames a
 * device's first in a while, each frame adds an entry, and a young collection's pause grows with the objects it
 * copies, so those two were two thirds of an entry's cost there. Open addressing with linear probing, in
 * {@value #SEGMENTS} segments each under its own lock (the pipelines' event loops share the cache, and a lookup holds
 * one segment for a few probes); a removal moves the entries after it back instead of leaving a marker, so that
 * lookups never probe past removed entries (Knuth, TAOCP vol. 3, section 6.4, Algorithm R). A segment grows by
 * doubling when half full. Thread-safe.
 */
final class DevAddrTable {
    private static final int SEGMENTS = 64;
    private static final int SEGMENT_BITS = 6;
    private static final int INITIAL_SLOTS = 16;

    private final Segment[] segments = new Segment[SEGMENTS];
    private final AtomicInteger size = new AtomicInteger();
    /** Where {@link #removeAny} starts, so that successive calls take from different segments. */
    private final AtomicInteger nextAny = new AtomicInteger();

    DevAddrTable() {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
    }

    /** The entry of {@code devAddr}; null when there is none. */
    byte[] get(int devAddr) {
        int hash = hash(devAddr);
        return segment(hash).get(devAddr, hash);
    }

    /** Maps {@code devAddr} to {@code entry}; the entry it replaced, null when there was none. */
    byte[] put(int devAddr, byte[] entry) {
        if (entry == null) {
            throw new IllegalArgumentException("an entry is an array");
        }
        int hash = hash(devAddr);
        byte[] replaced = segment(hash).put(devAddr, hash, entry);
        if (replaced == null) {
            size.incrementAndGet();
        }
        return replaced;
    }

    /** Removes the entry of {@code devAddr}; whether there was one. */
    boolean remove(int devAddr) {
        return remove(devAddr, null);
    }

    /**
     * Removes the entry of {@code devAddr} if it is {@code expected} (the same array; any entry when null); whether it
     * was removed.
     */
    boolean remove(int devAddr, byte[] expected) {
        int hash = hash(devAddr);
        boolean removed = segment(hash).remove(devAddr, hash, expected);
        if (removed) {
            size.decrementAndGet();
        }
        return removed;
    }

    /** Removes some entry, from a segment other than the last call's; whether there was one to remove. */
    boolean removeAny() {
        int start = nextAny.getAndIncrement();
        for (int i = 0; i < SEGMENTS; i++) {
            if (segments[(start + i) & (SEGMENTS - 1)].removeAny()) {
                size.decrementAndGet();
                return true;
            }
        }
        return false;
    }

    int size() {
        return size.get();
    }

    private Segment segment(int hash) {
        return segments[hash >>> (Integer.SIZE - SEGMENT_BITS)];
    }

    /**
     * Spreads a DevAddr over the segments and slots: its high bits (the NwkID) are the same for a network's devices.
     * MurmurHash3's 32-bit finaliser, a bijection, so distinct DevAddrs stay distinct.
     */
    static int hash(int devAddr) {
        int h = devAddr;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** One part of the table: keys and entries in parallel arrays, a null entry marking a free slot. */
    private static final class Segment {
        private int[] keys = new int[INITIAL_SLOTS];
        private byte[][] entries = new byte[INITIAL_SLOTS][];
        private int count;

        synchronized byte[] get(int key, int hash) {
            int slot = find(key, hash);
            return slot < 0 ? null : entries[slot];
        }

        synchronized byte[] put(int key, int hash, byte[] entry) {
            int slot = find(key, hash);
            if (slot >= 0) {
                byte[] replaced = entries[slot];
                entries[slot] = entry;
                return replaced;
            }
            if (2 * (count + 1) > keys.length) {
                grow();
            }
            insert(key, hash, entry);
            count++;
            return null;
        }

        synchronized boolean remove(int key, int hash, byte[] expected) {
            int slot = find(key, hash);
            if (slot < 0 || expected != null && entries[slot] != expected) {
                return false;
            }
            delete(slot);
            return true;
        }

        synchronized boolean removeAny() {
            for (int slot = 0; slot < entries.length; slot++) {
                if (entries[slot] != null) {
                    delete(slot);
                    return true;
                }
            }
            return false;
        }

        /** The slot holding {@code key}, or -1. */
        private int find(int key, int hash) {
            int mask = keys.length - 1;
            for (int slot = hash & mask; entries[slot] != null; slot = (slot + 1) & mask) {
                if (keys[slot] == key) {
                    return slot;
                }
            }
            return -1;
        }

        private void insert(int key, int hash, byte[] entry) {
            int mask = keys.length - 1;
            int slot = hash & mask;
            while (entries[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            entries[slot] = entry;
        }

        /**
         * Frees {@code hole}, then moves back each entry after it, up to the next free slot, whose home slot does not
         * lie cyclically in (hole, slot]: its lookup would otherwise stop at the freed slot before reaching it.
         */
        private void delete(int hole) {
            int mask = keys.length - 1;
            int slot = hole;
            while (true) {
                slot = (slot + 1) & mask;
                if (entries[slot] == null) {
                    break;
                }
                int home = hash(keys[slot]) & mask;
                boolean reachable = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
                if (!reachable) {
                    keys[hole] = keys[slot];
                    entries[hole] = entries[slot];
                    hole = slot;
                }
            }
            entries[hole] = null;
            keys[hole] = 0;
            count--;
        }

        private void grow() {
            int[] oldKeys = keys;
            byte[][] oldEntries = entries;
            keys = new int[oldKeys.length * 2];
            entries = new byte[oldKeys.length * 2][];
            for (int slot = 0; slot < oldKeys.length; slot++) {
                if (oldEntries[slot] != null) {
                    insert(oldKeys[slot], hash(oldKeys[slot]), oldEntries[slot]);
                }
            }
        }
    }
}
