package net.lorawanns.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.lorawanns.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus's scrapes, rehearsed during a round of the start-up warm-up: the round's meters on an
 * {@link OperationsEndpoint} of their own on a loopback port, read over HTTP every {@link #INTERVAL_MS} ms, one read
 * at a time.
 * The page's code (the registry's snapshots, the exposition format, the HTTP response) otherwise runs first under the
 * gateways' traffic and is compiled there, on the two CPUs the traffic needs, scrape after scrape (BENCHMARKS.md,
 * session 30).
 */
final class WarmUpScrapes {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUpScrapes.class);
    private static final long INTERVAL_MS = 50;
    private static final long STEP_TIMEOUT_S = 30;
    private static final String LOOPBACK = "127.0.0.1";

    private final Vertx vertx;
    private final HttpServer endpoint;
    private final HttpClientAgent client;
    private final long timer;
    /** The read under way, or the last one; set on the timer's event loop. */
    private volatile Future<Void> reading = Future.succeededFuture();
    private final AtomicInteger pagesRead = new AtomicInteger();

    private WarmUpScrapes(Vertx vertx, HttpServer endpoint) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.client = vertx.createHttpClient();
        this.timer = vertx.setPeriodic(INTERVAL_MS, id -> {
            if (reading.isComplete()) {
                reading = read();
            }
        });
    }

    /** Starts the endpoint and the reads; blocks the calling (start-up) thread until the endpoint listens. */
    static WarmUpScrapes start(Vertx vertx, PrometheusMeterRegistry meters) throws Exception {
        HttpServer endpoint = OperationsEndpoint.start(vertx, new HostPort(LOOPBACK, 0), meters, List.of(),
                Duration.ofSeconds(1)).await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        return new WarmUpScrapes(vertx, endpoint);
    }

    private Future<Void> read() {
        return client.request(HttpMethod.GET, endpoint.actualPort(), LOOPBACK, "/metrics")
                .compose(request -> request.send())
                .compose(response -> response.body().map(page -> {
                    if (response.statusCode() == 200) {
                        pagesRead.incrementAndGet();
                    }
                    return (Void) null;
                }))
                .recover(failure -> {
                    LOG.debug("Start-up warm-up: a read of its metrics failed: {}", failure.toString());
                    return Future.succeededFuture();
                });
    }

    /** Pages read whole so far. */
    int pagesRead() {
        return pagesRead.get();
    }

    /** The endpoint's loopback port. */
    int port() {
        return endpoint.actualPort();
    }

    /**
     * Stops the reads, waits for the one under way, and closes the client and the endpoint (a read the timer began as it
     * was cancelled fails with them, which {@link #read} takes).
     */
    void stop() throws Exception {
        vertx.cancelTimer(timer);
        reading.await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        client.close().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        endpoint.close().await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
    }
}
