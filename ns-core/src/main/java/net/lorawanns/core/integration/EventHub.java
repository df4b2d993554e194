package net.lorawanns.core.integration;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each event to every sink; a failing sink is logged and does not keep the event from the others. */
public final class EventHub implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    /**
     * An array, not a list: {@link List#of} makes a hub of two sinks and one of three from two classes, and the data
     * path's loop over them, compiled for the start-up warm-up's hub, would be compiled again for the server's.
     */
    private final EventSink[] sinks;

    public EventHub(List<EventSink> sinks) {
        this.sinks = sinks.toArray(EventSink[]::new);
    }

    @Override
    public Future<Void> flushed() {
        return Future.join(Arrays.stream(sinks).map(EventSink::flushed).toList()).mapEmpty();
    }

    @Override
    public void publish(ApplicationEvent event) {
        for (EventSink sink : sinks) {
            try {
                sink.publish(event);
            } catch (RuntimeException e) {
                LOG.warn("Event sink {} failed on a {} event: {}", sink.getClass().getSimpleName(), event.type(),
                        e.toString());
            }
        }
    }
}
