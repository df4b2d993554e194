package net.lorawanns.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * An application's webhook receiver on loopback: takes every event the server POSTs, reads it whole and answers
 * 204 at once, counting the events. Runs on the JDK's HTTP server with four handler threads (the server delivers at
 * most four events at a time per application).
 */
final class WebhookReceiver implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final LongAdder events = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    WebhookReceiver() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.createContext("/events", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                bytes.add(body.readAllBytes().length);
            }
            events.increment();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.setExecutor(handlers);
        http.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/events");
    }

    long events() {
        return events.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
    }
}
