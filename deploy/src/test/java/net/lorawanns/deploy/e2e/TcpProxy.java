package net.lorawanns.deploy.e2e;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder from a port of its own to a local server, whose open connections a test cuts at once, as a broken
 * network or a restarting server would; later connections are forwarded as before. Each accepted connection and its
 * connection to the server are piped both ways on this forwarder's own Vert.x event loop.
 */
final class TcpProxy implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final NetServer listener;
    private final Set<NetSocket> open;

    private TcpProxy(Vertx vertx, NetServer listener, Set<NetSocket> open) {
        this.vertx = vertx;
        this.listener = listener;
        this.open = open;
    }

    /** Listens on a free port of 127.0.0.1 and forwards to {@code targetPort} there. */
    static TcpProxy start(int targetPort) throws Exception {
        Vertx vertx = Vertx.vertx();
        NetClient client = vertx.createNetClient();
        Set<NetSocket> open = ConcurrentHashMap.newKeySet();
        NetServer listener = vertx.createNetServer().connectHandler(accepted -> {
            accepted.pause();
            client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
                if (connected.failed()) {
                    accepted.close();
                    return;
                }
                NetSocket forwarded = connected.result();
                for (NetSocket socket : List.of(accepted, forwarded)) {
                    open.add(socket);
                    socket.closeHandler(v -> open.remove(socket));
                }
                accepted.pipeTo(forwarded);
                forwarded.pipeTo(accepted);
            });
        });
        listener.listen(0, "127.0.0.1").await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new TcpProxy(vertx, listener, open);
    }

    int port() {
        return listener.actualPort();
    }

    /** Closes every connection open now, both ways, and waits until they are closed. */
    void cutConnections() throws Exception {
        Future.all(open.stream().map(NetSocket::close).toList()).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
