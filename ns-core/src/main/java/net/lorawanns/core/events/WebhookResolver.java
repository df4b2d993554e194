package net.lorawanns.core.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.List;
import net.lorawanns.config.Cidr;

/**
 * Resolves webhook hosts the way the JVM does (hosts file, then DNS, with the JVM's cache), on a small worker
 * pool of its own, so that a slow DNS server blocks no event loop and no other worker. A literal address is
 * taken as it is. The future completes on the caller's context.
 */
final class WebhookResolver implements AutoCloseable {
    private static final int THREADS = 2;

    private final WorkerExecutor workers;

    WebhookResolver(Vertx vertx) {
        this.workers = vertx.createSharedWorkerExecutor("lorawan-webhook-dns", THREADS);
    }

    Future<List<InetAddress>> resolve(String host) {
        return Cidr.literal(host).map(address -> Future.succeededFuture(List.of(address)))
                .orElseGet(() -> workers.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false));
    }

    @Override
    public void close() {
        workers.close();
    }
}
