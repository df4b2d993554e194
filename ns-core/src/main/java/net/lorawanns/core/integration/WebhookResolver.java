package net.lorawanns.core.integration;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.resolver.NameResolver;
import java.net.InetAddress;
import net.lorawanns.config.Cidr;

/**
 * Resolves webhook hosts without blocking, with the asynchronous resolver Vert.x's own HTTP client uses (hosts
 * file, then DNS, with its cache): a slow DNS server holds up no thread and no other application's resolution. A
 * literal address is taken as it is. The answer is handed back on {@code context}, the dispatcher's event loop.
 */
final class WebhookResolver {
    private final NameResolver resolver;
    private final Context context;

    WebhookResolver(Vertx vertx, Context context) {
        this.resolver = ((VertxInternal) vertx).nameResolver();
        this.context = context;
    }

    Future<InetAddress> resolve(String host) {
        if (Cidr.literal(host).isPresent()) {
            return Future.succeededFuture(Cidr.literal(host).get());
        }
        Promise<InetAddress> resolved = Promise.promise();
        resolver.resolve(host).onComplete(answer -> context.runOnContext(v -> resolved.handle(answer)));
        return resolved.future();
    }
}
