package net.lorawanns.core.events;

/** Where the pipeline hands its events. Implementations must not block and must not throw. */
public interface EventSink {
    void publish(ApplicationEvent event);
}
