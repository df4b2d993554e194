package net.lorawanns.core.integration;

import io.vertx.core.Future;
import java.util.List;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each event to every sink; a failing sink is logged and does not keep the event from the others. */
public final class EventHub implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private final List<EventSink> sinks;

    public EventHub(List<EventSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public Future<Void> flushed() {
        return Future.join(sinks.stream().map(EventSink::flushed).toList()).mapEmpty();
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
