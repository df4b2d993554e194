package net.lorawanns.core.integration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;

/**
 * Server-Sent Events for whoever follows the events with a browser or {@code curl -N}: one stream per client,
 * optionally filtered to one application. A client that cannot keep up loses events (counted) rather than
 * holding the pipeline back; a comment line every 15 s keeps idle connections open through proxies, and at that
 * moment each stream's permission is asked again: a stream whose API key was revoked ends within 15 s (while Redis
 * cannot answer, streams stay open).
 */
public final class EventStream implements EventSink {
    private static final long KEEP_ALIVE_MS = 15_000;

    private record Subscriber(HttpServerResponse response, Optional<String> applicationId,
                              Supplier<Future<Boolean>> allowed) {
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Counter dropped;

    public EventStream(Vertx vertx, MeterRegistry registry) {
        this(vertx, registry, Duration.ofMillis(KEEP_ALIVE_MS));
    }

    /** @param keepAlive how often idle streams get a comment line and their permission is asked again */
    public EventStream(Vertx vertx, MeterRegistry registry, Duration keepAlive) {
        this.dropped = Counter.builder("lorawan.events.stream.dropped")
                .description("Events not sent to a stream client that was not keeping up").register(registry);
        Gauge.builder("lorawan.events.stream.clients", subscribers, Set::size)
                .description("Connected event stream clients").register(registry);
        vertx.setPeriodic(keepAlive.toMillis(), t -> subscribers.forEach(this::keepAlive));
    }

    private void keepAlive(Subscriber subscriber) {
        subscriber.allowed().get().onComplete(allowed -> {
            if (allowed.succeeded() && !allowed.result()) {
                subscribers.remove(subscriber);
                subscriber.response().end();
            } else {
                subscriber.response().write(": keep-alive\n\n");
            }
        });
    }

    /**
     * Turns the response into an event stream that stays open until the client goes, or until {@code allowed}, asked
     * every 15 s, answers false.
     */
    public void subscribe(HttpServerResponse response, Optional<String> applicationId,
                          Supplier<Future<Boolean>> allowed) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        Subscriber subscriber = new Subscriber(response, applicationId, allowed);
        subscribers.add(subscriber);
        response.closeHandler(v -> subscribers.remove(subscriber));
        response.write(": connected\n\n");
    }

    @Override
    public void publish(ApplicationEvent event) {
        if (subscribers.isEmpty()) {
            return;
        }
        String message = "event: " + event.type() + "\ndata: " + event.encode() + "\n\n";
        for (Subscriber subscriber : subscribers) {
            if (subscriber.applicationId().isPresent() && !subscriber.applicationId().equals(event.applicationId())) {
                continue;
            }
            if (subscriber.response().writeQueueFull()) {
                dropped.increment();
            } else {
                subscriber.response().write(message);
            }
        }
    }
}
