package net.lorawanns.core.integration;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.http.BoundedBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's webhook deliveries: its own bounded queue, its own in-flight budget and its own connection
 * pool (an HTTP client made on first use and closed with the lane), so that a slow or dead receiver holds up
 * nothing but its own application's events. Each event is POSTed and retried with backoff (1 s, 2 s, 4 s) on
 * connection errors and non-2xx answers; an event waiting for its retry keeps its in-flight place. The host is
 * resolved before each attempt and the connection goes to the address that was checked against the
 * {@link WebhookAddressPolicy}, so a host name cannot lead elsewhere between the check and the connection.
 * Redirects are not followed. Used on the dispatcher's event loop only.
 */
final class WebhookLane {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookLane.class);
    /** Events waiting for an in-flight place. */
    static final int QUEUE_CAPACITY = 1_000;
    /** Deliveries under way at once, also the connection pool's size. */
    static final int IN_FLIGHT = 4;
    /** Deadline to connect, and then for the request and the whole (bounded) answer. */
    static final int TIMEOUT_MS = 5_000;
    /** A receiver's answer is read up to this size; its body means nothing to us. */
    static final int MAX_ANSWER_BYTES = 4 * 1024;
    private static final long[] RETRY_DELAYS_MS = {1_000, 2_000, 4_000};

    private final Vertx vertx;
    private final WebhookAddressPolicy policy;
    private final WebhookResolver resolver;
    private final WebhookMetrics metrics;
    private final WebhookDispatcher.Budget budget;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private Application application;
    private HttpClient client;
    private int inFlight;
    private boolean closed;
    private long lastEventNanos;

    WebhookLane(Vertx vertx, WebhookAddressPolicy policy, WebhookResolver resolver, WebhookMetrics metrics,
                WebhookDispatcher.Budget budget) {
        this.vertx = vertx;
        this.policy = policy;
        this.resolver = resolver;
        this.metrics = metrics;
        this.budget = budget;
    }

    /** The application's current record: where its events go from the next attempt on. */
    void application(Application current) {
        this.application = current;
        if (current.webhookUrl().isEmpty()) {
            closeClient();
        }
        pump();
    }

    /** Whether nothing waits, nothing is under way and no event came for {@code idleNanos}. */
    boolean idleFor(long idleNanos, long nowNanos) {
        return queue.isEmpty() && inFlight == 0 && nowNanos - lastEventNanos > idleNanos;
    }

    void offer(Buffer event, long nowNanos) {
        lastEventNanos = nowNanos;
        if (queue.size() >= QUEUE_CAPACITY) {
            metrics.dropped(WebhookMetrics.DropReason.QUEUE_FULL);
            return;
        }
        if (!budget.tryTake()) {
            metrics.dropped(WebhookMetrics.DropReason.OVERLOADED);
            return;
        }
        queue.add(event);
        pump();
    }

    private void pump() {
        if (application == null || closed) {
            return;
        }
        if (application.webhookUrl().isEmpty()) {
            budget.give(queue.size());
            queue.clear();
            return;
        }
        while (inFlight < IN_FLIGHT && !queue.isEmpty()) {
            inFlight++;
            attempt(queue.poll(), 0);
        }
    }

    private void attempt(Buffer event, int retry) {
        if (closed || application.webhookUrl().isEmpty()) {
            settled();
            return;
        }
        URI url = application.webhookUrl().get();
        resolver.resolve(url.getHost()).compose(address -> policy.refusal(address)
                .<Future<Void>>map(why -> Future.failedFuture(new RefusedAddressException(url.getHost() + ": " + why)))
                .orElseGet(() -> post(url, address, event))).onComplete(result -> {
            if (result.succeeded()) {
                metrics.delivered();
                settled();
            } else if (result.cause() instanceof RefusedAddressException refused) {
                metrics.dropped(WebhookMetrics.DropReason.ADDRESS_REFUSED);
                LOG.warn("Webhook of application {} not called: {}", application.id(), refused.getMessage());
                settled();
            } else if (retry < RETRY_DELAYS_MS.length) {
                metrics.retried();
                vertx.setTimer(RETRY_DELAYS_MS[retry], t -> attempt(event, retry + 1));
            } else {
                metrics.dropped(WebhookMetrics.DropReason.RETRIES_EXHAUSTED);
                LOG.warn("Webhook of application {} failed {} times, event dropped: {}", application.id(), retry + 1,
                        result.cause().getMessage());
                settled();
            }
        });
    }

    private Future<Void> post(URI url, InetAddress address, Buffer event) {
        boolean https = "https".equals(url.getScheme());
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        // The URL's host stays the Host header, TLS server name and certificate name; only the address is fixed.
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setFollowRedirects(false).setIdleTimeout(TIMEOUT_MS)
                .putHeader("Content-Type", "application/json").putHeader("User-Agent", "lorawan-ns");
        application.webhookHeaders().forEach(options::putHeader);
        return client().request(options).compose(request -> {
            long deadline = vertx.setTimer(TIMEOUT_MS, t -> request.reset(0, new TimeoutException(
                    "no complete answer within " + TIMEOUT_MS + " ms")));
            return request.send(event).compose(response -> BoundedBody.read(response, MAX_ANSWER_BYTES)
                    .recover(e -> {
                        if (e instanceof BoundedBody.BodyTooLargeException && response.statusCode() / 100 == 2) {
                            // The receiver took the event; only its answer is refused, so no retry (no duplicate).
                            metrics.answerCut();
                            LOG.warn("Webhook of application {} answered with more than {} bytes: cut off unread",
                                    application.id(), MAX_ANSWER_BYTES);
                            return Future.succeededFuture(Buffer.buffer());
                        }
                        return Future.failedFuture(e);
                    })
                    .compose(body -> response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
                            : Future.<Void>failedFuture("HTTP " + response.statusCode())))
                    .onComplete(done -> vertx.cancelTimer(deadline));
        });
    }

    private HttpClient client() {
        if (client == null) {
            client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(TIMEOUT_MS)
                    .setKeepAliveTimeout(60), new PoolOptions().setHttp1MaxSize(IN_FLIGHT).setHttp2MaxSize(1)
                    .setMaxWaitQueueSize(IN_FLIGHT));
        }
        return client;
    }

    private void settled() {
        inFlight--;
        budget.give(1);
        pump();
    }

    /** Drops what waits and closes the connection pool; deliveries under way end with their next step. */
    void close() {
        closed = true;
        budget.give(queue.size());
        queue.clear();
        closeClient();
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** The host resolved to an address webhooks may not reach. */
    private static final class RefusedAddressException extends RuntimeException {
        RefusedAddressException(String message) {
            super(message, null, false, false);
        }
    }
}
