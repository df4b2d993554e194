package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One TLS handshake with a join server, made as {@link BackendInterfacesClient} makes its connections: the same
 * {@link ClientTls} (observed), TLS 1.2/1.3, the host name of the URL checked (HTTPS rules) and sent as SNI, and the
 * address DNS gave when it gave one. Runs on the caller's Vert.x context.
 */
final class TlsProbe {
    private TlsProbe() {
    }

    /**
     * The handshake's outcome.
     *
     * @param protocol the TLS version agreed; empty when the handshake failed
     * @param failure why it failed
     */
    record Outcome(Optional<String> protocol, Optional<Throwable> failure, TlsObservation observation) {
    }

    static Future<Outcome> handshake(Vertx vertx, URI server, Optional<InetAddress> address, ClientTls tls,
                                     Duration timeout) {
        TlsObservation observation = new TlsObservation();
        NetClientOptions options = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                .setConnectTimeout((int) timeout.toMillis()).setSslHandshakeTimeout(timeout.toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        // Reading the JDK's roots is file I/O: on a worker thread.
        return vertx.executeBlocking(() -> tls.observed(vertx, observation), false).transform(observed -> {
            if (observed.failed()) {
                return Future.succeededFuture(new Outcome(Optional.empty(), Optional.of(observed.cause()),
                        observation));
            }
            observed.result().applyTo(options);
            return connect(vertx, options, server, address, observation);
        });
    }

    private static Future<Outcome> connect(Vertx vertx, NetClientOptions options, URI server,
                                           Optional<InetAddress> address, TlsObservation observation) {
        int port = server.getPort() >= 0 ? server.getPort() : 443;
        ConnectOptions connect = new ConnectOptions().setSsl(true).setHost(server.getHost()).setPort(port);
        address.ifPresent(ip -> connect.setRemoteAddress(SocketAddress.inetSocketAddress(port, ip.getHostAddress())));
        NetClient client = vertx.createNetClient(options);
        return client.connect(connect).transform(done -> {
            Outcome outcome = done.succeeded()
                    ? new Outcome(Optional.of(done.result().sslSession().getProtocol()), Optional.empty(), observation)
                    : new Outcome(Optional.empty(), Optional.of(done.cause()), observation);
            if (done.succeeded()) {
                done.result().close();
            }
            return client.close().transform(closed -> Future.succeededFuture(outcome));
        });
    }
}
