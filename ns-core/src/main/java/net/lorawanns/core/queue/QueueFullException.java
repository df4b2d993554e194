package net.lorawanns.core.queue;

/** A device's queue already holds as many items as the configuration allows. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(int limit) {
        super("the device's downlink queue is full (" + limit + " items, downlink.max_queue_size)", null, false, false);
    }
}
