package net.lorawanns.core.events;

import io.vertx.core.Future;

/** Where the pipeline hands its events. Implementations must not block and must not throw. */
public interface EventSink {
    void publish(ApplicationEvent event);

    /**
     * Completes once the events published so far have left this sink (delivered, or given up on), for a graceful
     * shutdown. A sink that holds nothing back is flushed at once.
     */
    default Future<Void> flushed() {
        return Future.succeededFuture();
    }
}
