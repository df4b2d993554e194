package net.lorawanns.core.device;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list read in key order: its items, and the key to read on after ({@code next}), empty when the list
 * ended. Reading on after a key neither repeats nor skips the items that stayed while others came and went.
 */
public record Page<T, K>(List<T> items, Optional<K> next) {
    public Page {
        items = List.copyOf(items);
    }

    /** The items from {@code sorted} (in key order) whose key follows {@code after}, at most {@code limit}. */
    public static <T, K extends Comparable<K>> Page<T, K> of(List<T> sorted, Function<T, K> key,
                                                            Optional<K> after, int limit) {
        List<T> items = sorted.stream().filter(item -> after.isEmpty() || key.apply(item).compareTo(after.get()) > 0)
                .limit(limit + 1L).toList();
        if (items.size() <= limit) {
            return new Page<>(items, Optional.empty());
        }
        List<T> page = items.subList(0, limit);
        return new Page<>(page, Optional.of(key.apply(page.get(limit - 1))));
    }
}
