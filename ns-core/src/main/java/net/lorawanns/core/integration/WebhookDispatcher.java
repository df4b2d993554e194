package net.lorawanns.core.integration;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each event of an application to its webhook, through the application's own {@link WebhookLane}: one
 * slow or dead receiver cannot delay another application's events. Application records are re-read every few
 * seconds, so that a busy application costs no Redis read per event and a changed or removed webhook takes effect
 * soon; a removed application's lane drops its events and closes its connections, and a lane idle for a minute
 * is removed. Across all applications at most {@link #MAX_PENDING} events wait or are under way; beyond that, and
 * beyond a lane's own queue, events are dropped and counted by reason, so that dead receivers cannot exhaust
 * memory.
 *
 * <p>{@link #publish} may be called on any thread; everything else runs on the dispatcher's own event loop (the
 * context it was created on).
 */
public final class WebhookDispatcher implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int MAX_PENDING = 10_000;
    private static final long RELOAD_NANOS = 5_000_000_000L;
    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final long SWEEP_MS = 15_000;

    /** Events waiting or under way across all lanes. Dispatcher event loop only. */
    static final class Budget {
        private int taken;
        private final List<Promise<Void>> untilEmpty = new ArrayList<>();

        boolean tryTake() {
            if (taken >= MAX_PENDING) {
                return false;
            }
            taken++;
            return true;
        }

        void give(int count) {
            taken -= count;
            if (taken == 0 && !untilEmpty.isEmpty()) {
                untilEmpty.forEach(Promise::tryComplete);
                untilEmpty.clear();
            }
        }

        /** Completes once no event is waiting or under way. */
        Future<Void> empty() {
            if (taken == 0) {
                return Future.succeededFuture();
            }
            Promise<Void> promise = Promise.promise();
            untilEmpty.add(promise);
            return promise.future();
        }
    }

    /** An application's lane, and when its record is to be read (again). */
    private static final class Entry {
        final WebhookLane lane;
        long nextLoadNanos;
        boolean loading;

        Entry(WebhookLane lane, long nowNanos) {
            this.lane = lane;
            this.nextLoadNanos = nowNanos;
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final ApplicationStore applications;
    private final WebhookAddressPolicy policy;
    private final WebhookResolver resolver;
    private final WebhookMetrics metrics;
    private final Budget budget = new Budget();
    private final Map<String, Entry> lanes = new HashMap<>();
    /**
     * Applications found without a webhook, until their record is due to be read again: their events are not even
     * handed to the dispatcher's event loop. Written there, read by any thread.
     */
    private final Map<String, Long> withoutWebhook = new ConcurrentHashMap<>();
    private long sweepTimer;

    public WebhookDispatcher(Vertx vertx, ApplicationStore applications, WebhookAddressPolicy policy,
                             MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.applications = applications;
        this.policy = policy;
        this.resolver = new WebhookResolver(vertx, context);
        this.metrics = new WebhookMetrics(registry);
        context.runOnContext(v -> sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep()));
    }

    @Override
    public void publish(ApplicationEvent event) {
        if (event.applicationId().isEmpty()) {
            return;
        }
        String id = event.applicationId().get();
        Long until = withoutWebhook.get(id);
        if (until != null && System.nanoTime() - until < 0) {
            // Most applications of a busy network take their events from the stream: no encoding, no hand-over.
            return;
        }
        Buffer body = Buffer.buffer(event.encode());
        context.runOnContext(v -> dispatch(id, body));
    }

    private void dispatch(String id, Buffer body) {
        long now = System.nanoTime();
        Entry entry = lanes.computeIfAbsent(id, key -> new Entry(new WebhookLane(vertx, policy, resolver, metrics,
                budget), now));
        if (!entry.loading && now - entry.nextLoadNanos >= 0) {
            load(id, entry);
        }
        entry.lane.offer(body, now);
    }

    /** A removed application is an application without webhook: its lane stops and the idle sweep removes it. */
    private void load(String id, Entry entry) {
        entry.loading = true;
        applications.get(id).onComplete(loaded -> context.runOnContext(v -> {
            entry.loading = false;
            // Also after a failure: while Redis fails, the events wait in the lane's queue, not on more reads.
            entry.nextLoadNanos = System.nanoTime() + RELOAD_NANOS;
            if (loaded.failed()) {
                LOG.warn("Cannot read application {} for its webhook: {}", id, loaded.cause().toString());
                return;
            }
            Application application = loaded.result().orElseGet(() -> new Application(id, Optional.empty(),
                    Map.of()));
            if (application.webhookUrl().isEmpty()) {
                withoutWebhook.put(id, entry.nextLoadNanos);
            } else {
                withoutWebhook.remove(id);
            }
            entry.lane.application(application);
        }));
    }

    /** Closes the lanes (and their connection pools) of applications that sent nothing for a while. */
    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Entry> it = lanes.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (!entry.loading && entry.lane.idleFor(IDLE_NANOS, now)) {
                entry.lane.close();
                it.remove();
            }
        }
        // Applications not heard of for a while (deleted ones too) are forgotten here as well.
        withoutWebhook.values().removeIf(until -> now - until > IDLE_NANOS);
    }

    /** Completes once every event published so far has been delivered or given up on (dropped, counted). */
    @Override
    public Future<Void> flushed() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> budget.empty().onComplete(done));
        return done.future();
    }

    /** Closes every lane; events still waiting are dropped. */
    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            vertx.cancelTimer(sweepTimer);
            lanes.values().forEach(entry -> entry.lane.close());
            lanes.clear();
            done.complete();
        });
        return done.future();
    }
}
