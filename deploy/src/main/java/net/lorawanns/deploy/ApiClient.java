package net.lorawanns.deploy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The REST API of a running server as the command line calls it: JSON in and out, or the event stream, with the
 * bearer key, over HTTP or HTTPS (trusting the system's roots, or the given CA certificates instead). Blocks the
 * calling thread.
 */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An answer of the API: its status and JSON body. */
    record Answer(int status, JsonObject body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's error message, or the status alone. */
        String error() {
            return "HTTP " + status + ": " + body.getString("error", "(no error message)");
        }
    }

    /** A failure to reach the API or to read its answer, with a message for the operator. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    /** @param caCert CA certificates (PEM) to trust instead of the system's roots: for an API with a private CA */
    ApiClient(URI base, String apiKey, Optional<Path> caCert) throws IOException, GeneralSecurityException {
        this.base = base;
        this.apiKey = apiKey;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (caCert.isPresent()) {
            builder.sslContext(trusting(caCert.get()));
        }
        this.http = builder.build();
    }

    private static SSLContext trusting(Path caCert) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** Sends {@code method path} with {@code body} (null for none). */
    Answer send(String method, String path, JsonObject body) throws Unreachable, InterruptedException {
        HttpRequest request = request(path).timeout(TIMEOUT).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        return answer(request.uri(), call(request, HttpResponse.BodyHandlers.ofString()));
    }

    /**
     * Reads a paginated list to its end: GETs {@code path} (which may have a query), then each page after it by the
     * answer's {@code next_cursor}, and gives each item of the array {@code name} to {@code items}. Returns the first
     * refusal, or the last page's answer.
     */
    Answer list(String path, String name, Consumer<JsonObject> items) throws Unreachable, InterruptedException {
        String separator = path.contains("?") ? "&" : "?";
        String cursor = null;
        while (true) {
            Answer page = send("GET", cursor == null ? path
                    : path + separator + "cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), null);
            if (!page.ok()) {
                return page;
            }
            for (Object item : page.body().getJsonArray(name)) {
                items.accept((JsonObject) item);
            }
            cursor = page.body().getString("next_cursor");
            if (cursor == null) {
                return page;
            }
        }
    }

    /**
     * Follows the Server-Sent Events at {@code path}: runs {@code opened} once the API accepted, then gives each line
     * to {@code lines} as it comes, until the server ends the stream. Returns the API's refusal, or its 200 answer (no
     * body) once an accepted stream has ended.
     */
    Answer follow(String path, Runnable opened, Consumer<String> lines) throws Unreachable, InterruptedException {
        // No request timeout: the stream is meant to stay open; the connect timeout bounds reaching the server.
        HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = call(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            if (response.statusCode() != 200) {
                return answer(request.uri(), response.statusCode(), body.collect(Collectors.joining("\n")));
            }
            opened.run();
            body.forEach(lines);
            return new Answer(200, new JsonObject());
        } catch (UncheckedIOException e) {
            // A server that stops mid-stream closes the connection without the last chunk.
            throw new Unreachable("The event stream of " + base + " ended: " + e.getCause().getMessage());
        }
    }

    /**
     * An event stream followed in the background ({@link #followInBackground}): {@link #opened} completes with the
     * API's 200 once it accepted (or its refusal), {@link #ended} when the stream ends; {@link #close} stops following.
     */
    static final class Following implements AutoCloseable {
        final CompletableFuture<Answer> opened = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private volatile boolean closed;

        /** Whether {@link #close} was called. */
        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            Flow.Subscription current = subscription.get();
            if (current != null) {
                current.cancel();
            }
        }
    }

    /**
     * Follows the Server-Sent Events at {@code path} without blocking: each line goes to {@code lines} on the HTTP
     * client's threads, one at a time, until the stream ends or the returned handle is closed.
     */
    Following followInBackground(String path, Consumer<String> lines) {
        Following following = new Following();
        HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
        Flow.Subscriber<String> subscriber = new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                following.subscription.set(subscription);
                if (following.closed) {
                    subscription.cancel();
                } else {
                    subscription.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(String line) {
                if (!following.closed) {
                    lines.accept(line);
                }
            }

            @Override
            public void onError(Throwable error) {
                following.ended.complete(null);
            }

            @Override
            public void onComplete() {
                following.ended.complete(null);
            }
        };
        HttpResponse.BodyHandler<String> handler = info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            }
            following.opened.complete(new Answer(200, new JsonObject()));
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.fromLineSubscriber(subscriber),
                    done -> "");
        };
        http.sendAsync(request, handler).whenComplete((response, error) -> {
            if (error != null) {
                following.opened.completeExceptionally(new Unreachable("cannot reach the API at " + base + ": "
                        + (error.getCause() == null ? error : error.getCause())));
            } else if (response.statusCode() != 200) {
                try {
                    following.opened.complete(answer(request.uri(), response.statusCode(), response.body()));
                } catch (Unreachable e) {
                    following.opened.completeExceptionally(e);
                }
            }
            following.ended.complete(null);
        });
        return following;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + apiKey);
    }

    private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws Unreachable, InterruptedException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the API at " + base + ": connection refused (is the server running? "
                    + "see --url)");
        } catch (IOException e) {
            throw new Unreachable("cannot reach the API at " + base + ": " + e);
        }
    }

    private static Answer answer(URI uri, HttpResponse<String> response) throws Unreachable {
        return answer(uri, response.statusCode(), response.body());
    }

    private static Answer answer(URI uri, int status, String body) throws Unreachable {
        try {
            return new Answer(status, new JsonObject(body));
        } catch (DecodeException | ClassCastException e) {
            throw new Unreachable(uri + " answered HTTP " + status + " without a JSON object: is it the lorawan-ns "
                    + "API?");
        }
    }
}
