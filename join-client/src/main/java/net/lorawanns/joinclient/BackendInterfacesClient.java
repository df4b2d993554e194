package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import net.lorawanns.config.Secret;
import net.lorawanns.core.http.BoundedBody;

/**
 * POSTs Backend Interfaces messages to join servers: a Vert.x HTTP client (its own connection pool) per server and
 * TLS setting, TLS 1.2/1.3, with the {@link ClientTls} of the server (CA added to the system's roots, our client
 * certificate).
 */
public final class BackendInterfacesClient implements AutoCloseable {
    private static final int POOL_SIZE = 16;
    /** A JoinAns is a few hundred bytes; nothing a join server may say needs more. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public BackendInterfacesClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * POSTs {@code body}; the answer's JSON, or an empty object for an empty 2xx body. Fails with a
     * {@link JoinClientException} that names the cause; an answer larger than {@link #MAX_ANSWER_BYTES} is cut off
     * unread, so that a join server cannot make us hold more. {@code timeout} bounds the whole exchange.
     *
     * @param address where to connect, when DNS already gave the server's address; the URL's host name is still the
     *                one TLS sends (SNI) and checks the certificate against. Empty: the system resolves the host.
     * @param tls the CA and client certificate for this server, read at start-up
     * @param headers extra headers of the server's entry (secrets: never logged)
     */
    public Future<JsonObject> post(URI server, Optional<InetAddress> address, ClientTls tls,
                                   Map<String, Secret> headers, JsonObject body, Duration timeout) {
        return exchange(server, address, tls, headers, body, timeout).compose(answer -> {
            String text = answer.body();
            if (answer.status() / 100 != 2) {
                return Future.failedFuture(new JoinClientException("HTTP " + answer.status()
                        + (text.isBlank() ? "" : ": " + abbreviate(text))));
            }
            if (text.isBlank()) {
                return Future.succeededFuture(new JsonObject());
            }
            try {
                return Future.succeededFuture(new JsonObject(text));
            } catch (RuntimeException e) {
                return Future.failedFuture(new JoinClientException("the answer is not JSON: " + abbreviate(text)));
            }
        });
    }

    /**
     * POSTs {@code body} as {@link #post} does; the answer's status and text whatever the status. Fails with a
     * {@link JoinClientException} when no complete answer came.
     */
    Future<Answer> exchange(URI server, Optional<InetAddress> address, ClientTls tls, Map<String, Secret> headers,
                            JsonObject body, Duration timeout) {
        HttpClient client = clients.computeIfAbsent(server.getScheme() + "://" + server.getAuthority() + "|"
                + tls.id(), key -> create(server, tls, timeout));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(server.toString())
                .setIdleTimeout(timeout.toMillis()).setFollowRedirects(false)
                .putHeader("Content-Type", "application/json").putHeader("User-Agent", "lorawan-ns");
        headers.forEach((name, value) -> options.putHeader(name, value.reveal()));
        address.ifPresent(ip -> options.setServer(SocketAddress.inetSocketAddress(port(server), ip.getHostAddress())));
        return client.request(options).compose(request -> {
            long deadline = vertx.setTimer(timeout.toMillis(), t -> request.reset(0,
                    new TimeoutException("no complete answer within " + timeout.toMillis() + " ms")));
            return request.send(Buffer.buffer(body.encode()))
                    .compose(response -> BoundedBody.read(response, MAX_ANSWER_BYTES)
                            .map(text -> new Answer(response.statusCode(), text.toString())))
                    .onComplete(done -> vertx.cancelTimer(deadline));
        }).recover(e -> Future.failedFuture(new JoinClientException(e instanceof BoundedBody.BodyTooLargeException
                ? e.getMessage() : TransportErrors.describe(e, server, timeout))));
    }

    private static int port(URI server) {
        if (server.getPort() >= 0) {
            return server.getPort();
        }
        return "https".equals(server.getScheme()) ? 443 : 80;
    }

    /** An HTTP answer: its status and its body's text. */
    record Answer(int status, String body) {
    }

    private HttpClient create(URI server, ClientTls tls, Duration timeout) {
        HttpClientOptions options = new HttpClientOptions().setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis());
        if ("https".equals(server.getScheme())) {
            options.setSsl(true).setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
            tls.applyTo(options);
        }
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        clients.clear();
    }
}
