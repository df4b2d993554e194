package net.lorawanns.joinclient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A map of at most {@code capacity} entries that drops the least recently used; safe to use from any thread. */
final class LruCache<K, V> {
    private final LinkedHashMap<K, V> entries;

    LruCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Optional<V> get(K key) {
        return Optional.ofNullable(entries.get(key));
    }

    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    synchronized void remove(K key) {
        entries.remove(key);
    }

    synchronized int size() {
        return entries.size();
    }
}
