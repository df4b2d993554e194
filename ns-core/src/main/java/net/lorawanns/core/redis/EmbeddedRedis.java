package net.lorawanns.core.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A throw-away Redis for trying the server: the binary shipped in the embedded-redis jar, on a free loopback
 * port, with persistence off, the hash encoding the server needs ({@link RedisEncoding}) and the expiry cycle
 * ({@link RedisExpiryCycle}). Everything in it is lost when it stops.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final int ATTEMPTS = 5;
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start() {
        IOException last = null;
        // The port is found free and then handed to Redis; another process may take it in between, so retry.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                RedisServer server = RedisServer.newRedisServer()
                        .bind("127.0.0.1")
                        .port(port)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("hash-max-ziplist-value " + RedisEncoding.HASH_MAX_ZIPLIST_VALUE)
                        .setting("hz " + RedisExpiryCycle.HZ)
                        .onShutdownForceStop(true)
                        .build();
                server.start();
                return new EmbeddedRedis(server, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("cannot start the embedded Redis after " + ATTEMPTS + " attempts", last);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded Redis", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
