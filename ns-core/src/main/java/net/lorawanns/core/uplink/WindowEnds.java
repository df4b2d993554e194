package net.lorawanns.core.uplink;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The deduplication windows of one event loop, each closed as it ends, with one timer for the earliest rather than a
 * timer each. Every window is as long as the others and starts as its first copy arrives, so the windows of one event
 * loop mostly end in the order they were added: those go into a FIFO, at no cost but the entry. A window added after
 * one that ends later (its lock took a second request, or on Redis Cluster another master answered first) waits in
 * a heap beside it, so that no window closes late for another. A timer each would cost every frame a Vert.x timer
 * and a place in Netty's queue of scheduled tasks, the pipeline thread's top item in a profile at 45,000 copies/s.
 * The timer runs on the event loop's own Netty queue, with nanosecond delays, and closes every window that has ended
 * when it fires, in one event-loop turn (so their requests to Redis go out in one write).
 *
 * <p>Threads: the event loop of its context only.
 */
final class WindowEnds {
    /** A window's end, and {@code added}, its place among the windows added, for ends that are equal. */
    private record End(long nanos, long added, Runnable close) {
    }

    /** By end (compared as {@link System#nanoTime} values are: by their difference), then in the order added. */
    private static final Comparator<End> EARLIEST_FIRST = (a, b) -> a.nanos != b.nanos
            ? Long.compare(a.nanos - b.nanos, 0) : Long.compare(a.added, b.added);

    private final ContextInternal context;
    private final EventLoop eventLoop;
    /** Windows added in the order they end. */
    private final ArrayDeque<End> inOrder = new ArrayDeque<>();
    /** Windows that end before the last one in {@link #inOrder} did when they were added. */
    private final PriorityQueue<End> outOfOrder = new PriorityQueue<>(EARLIEST_FIRST);
    private final Runnable fire = this::fire;
    /** The one timer, while windows are open; it fires at {@link #timerAt}. */
    private ScheduledFuture<?> timer;
    private long timerAt;
    private long added;

    WindowEnds(ContextInternal context) {
        this.context = context;
        this.eventLoop = context.nettyEventLoop();
    }

    /** Runs {@code close} on this event loop's context once {@link System#nanoTime} has passed {@code endNanos}. */
    void add(long endNanos, Runnable close) {
        End end = new End(endNanos, added++, close);
        End last = inOrder.peekLast();
        if (last == null || endNanos - last.nanos >= 0) {
            inOrder.addLast(end);
        } else {
            outOfOrder.add(end);
        }
        if (timer == null || endNanos - timerAt < 0) {
            arm(endNanos);
        }
    }

    /** Sets the timer for {@code atNanos}, in place of one set for later. */
    private void arm(long atNanos) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = atNanos;
        timer = eventLoop.schedule(fire, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Closes the windows that have ended, on the context (their requests to Redis go on its lane). */
    private void fire() {
        context.dispatch(this::closeEnded);
    }

    /** Closes the windows that have ended and sets the timer for the next. */
    private void closeEnded() {
        timer = null;
        long now = System.nanoTime();
        while (true) {
            End first = earliest();
            if (first == null) {
                return;
            }
            if (first.nanos - now > 0) {
                arm(first.nanos);
                return;
            }
            if (first == inOrder.peekFirst()) {
                inOrder.pollFirst();
            } else {
                outOfOrder.poll();
            }
            try {
                first.close.run();
            } catch (Throwable e) {
                // Errors too (an assert under -ea): the windows after it still close.
                context.reportException(e);
            }
        }
    }

    private End earliest() {
        End a = inOrder.peekFirst();
        End b = outOfOrder.peek();
        if (a == null) {
            return b;
        }
        return b == null || EARLIEST_FIRST.compare(a, b) <= 0 ? a : b;
    }
}
