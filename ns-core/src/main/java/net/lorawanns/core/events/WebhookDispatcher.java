package net.lorawanns.core.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each event of an application to its webhook, retrying with backoff (1 s, 2 s, 4 s) on connection errors
 * and non-2xx answers. Application records are cached for a few seconds so that a busy application costs no
 * Redis read per event. At most {@link #MAX_IN_FLIGHT} deliveries are under way; beyond that events are dropped
 * and counted, so that a dead receiver cannot exhaust memory.
 */
public final class WebhookDispatcher implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_IN_FLIGHT = 10_000;
    private static final long[] RETRY_DELAYS_MS = {1_000, 2_000, 4_000};
    private static final long CACHE_NANOS = 5_000_000_000L;
    private static final int TIMEOUT_MS = 5_000;

    private record Cached(Optional<Application> application, long loadedNanos) {
    }

    private final Vertx vertx;
    private final WebClient client;
    private final ApplicationStore applications;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter delivered;
    private final Counter failed;
    private final Counter retried;
    private final Counter dropped;

    public WebhookDispatcher(Vertx vertx, ApplicationStore applications, MeterRegistry registry) {
        this.vertx = vertx;
        this.applications = applications;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS)
                .setUserAgent("lorawan-ns"));
        String name = "lorawan.events.webhook";
        String help = "Webhook deliveries by outcome";
        this.delivered = Counter.builder(name).description(help).tag("outcome", "delivered").register(registry);
        this.failed = Counter.builder(name).description(help).tag("outcome", "failed").register(registry);
        this.retried = Counter.builder(name).description(help).tag("outcome", "retried").register(registry);
        this.dropped = Counter.builder(name).description(help).tag("outcome", "dropped").register(registry);
    }

    @Override
    public void publish(ApplicationEvent event) {
        if (event.applicationId().isEmpty()) {
            return;
        }
        String id = event.applicationId().get();
        Cached cached = cache.get(id);
        if (cached != null && System.nanoTime() - cached.loadedNanos() < CACHE_NANOS) {
            deliver(cached.application(), event);
            return;
        }
        applications.get(id).onComplete(loaded -> {
            Optional<Application> application = loaded.succeeded() ? loaded.result() : Optional.empty();
            if (loaded.succeeded()) {
                cache.put(id, new Cached(application, System.nanoTime()));
            } else {
                LOG.warn("Cannot read application {} for its webhook: {}", id, loaded.cause().toString());
            }
            deliver(application, event);
        });
    }

    private void deliver(Optional<Application> application, ApplicationEvent event) {
        if (application.isEmpty() || application.get().webhookUrl().isEmpty()) {
            return;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            dropped.increment();
            return;
        }
        attempt(application.get(), Buffer.buffer(event.encode()), 0);
    }

    private void attempt(Application application, Buffer body, int retry) {
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.POST,
                application.webhookUrl().orElseThrow().toString()).timeout(TIMEOUT_MS)
                .putHeader("Content-Type", "application/json");
        application.webhookHeaders().forEach(request::putHeader);
        request.sendBuffer(body).compose(response -> response.statusCode() / 100 == 2 ? Future.succeededFuture()
                : Future.failedFuture("HTTP " + response.statusCode())).onComplete(result -> {
                    if (result.succeeded()) {
                        delivered.increment();
                        inFlight.decrementAndGet();
                    } else if (retry < RETRY_DELAYS_MS.length) {
                        retried.increment();
                        vertx.setTimer(RETRY_DELAYS_MS[retry], t -> attempt(application, body, retry + 1));
                    } else {
                        failed.increment();
                        inFlight.decrementAndGet();
                        LOG.warn("Webhook of application {} failed {} times, event dropped: {}", application.id(),
                                retry + 1, result.cause().getMessage());
                    }
                });
    }
}
