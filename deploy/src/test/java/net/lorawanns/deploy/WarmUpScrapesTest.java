package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start-up warm-up's scrapes: the round's meters are rendered by an operations endpoint of their own, read over
 * HTTP again and again while the round runs, and the endpoint is gone once they stop.
 */
@ExtendWith(VertxExtension.class)
class WarmUpScrapesTest {
    @Test
    void theMetersArePagedOverHttpUntilTheReadsStop(Vertx vertx, VertxTestContext test) throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Read at each rendering of the page: how often the endpoint rendered it.
        AtomicInteger renderings = new AtomicInteger();
        Gauge.builder("warm.up.renderings", renderings, AtomicInteger::incrementAndGet).register(meters);
        WarmUpScrapes scrapes = WarmUpScrapes.start(vertx, meters);
        int port = scrapes.port();
        Promise<Void> threeRead = Promise.promise();
        vertx.setPeriodic(10, timer -> {
            if (scrapes.pagesRead() >= 3) {
                vertx.cancelTimer(timer);
                threeRead.complete();
            }
        });
        threeRead.future().await(30, TimeUnit.SECONDS);
        scrapes.stop();
        int read = scrapes.pagesRead();
        assertTrue(renderings.get() >= read, renderings.get() + " renderings for " + read + " pages read");
        vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
                .onComplete(test.failing(closed -> test.completeNow()));
    }
}
