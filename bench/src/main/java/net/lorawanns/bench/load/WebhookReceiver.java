package net.lorawanns.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.util.concurrent.atomic.LongAdder;

/**
 * An application's webhook receiver on loopback: takes every event the server POSTs, reads it whole and answers
 * 204 at once, counting the events. A Vert.x HTTP server on its own event loop (the JDK's HTTP server took two
 * thirds of a core for 8,000 events/s, a third of the machine the server runs on).
 */
final class WebhookReceiver implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer http;
    private final LongAdder events = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    WebhookReceiver() {
        http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> request.body().onComplete(body -> {
                    if (body.succeeded()) {
                        bytes.add(body.result().length());
                        events.increment();
                    }
                    request.response().setStatusCode(204).end();
                }))
                .listen().toCompletionStage().toCompletableFuture().join();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.actualPort() + "/events");
    }

    long events() {
        return events.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
