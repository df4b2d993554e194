package net.lorawanns.core.eventloop;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Gathers the items an event loop adds during one of its turns and hands them over as one list once the work
 * already queued on that loop is done: one Redis write for many requests, one task (one wake-up of another loop) for
 * many frames. A batch is handed over early when it reaches its maximum size. Items added by one context are handed
 * over on that context, in the order they were added.
 *
 * @param <T> the items
 */
public final class TurnBatches<T> {
    private final int maxSize;
    private final BiConsumer<Context, List<T>> handOver;

    /**
     * @param maxSize the largest batch
     * @param handOver called on the adding context with each batch
     */
    public TurnBatches(int maxSize, BiConsumer<Context, List<T>> handOver) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1");
        }
        this.maxSize = maxSize;
        this.handOver = handOver;
    }

    /** Adds an item; must be called on {@code context}'s event loop. */
    public void add(Context context, T item) {
        List<T> batch = context.get(this);
        if (batch == null) {
            batch = new ArrayList<>();
            context.put(this, batch);
            // Runs after the I/O events and tasks already queued on this loop, which add to the same batch.
            context.runOnContext(v -> flush(context));
        }
        batch.add(item);
        if (batch.size() >= maxSize) {
            flush(context);
        }
    }

    private void flush(Context context) {
        List<T> batch = context.get(this);
        if (batch != null) {
            context.remove(this);
            handOver.accept(context, batch);
        }
    }
}
