package net.lorawanns.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import net.lorawanns.config.HostPort;
import java.time.Duration;

/** Prometheus metrics at {@code /metrics}; {@code /health} answers 200 while Redis answers PING, else 503. */
final class OperationsEndpoint {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    private OperationsEndpoint() {
    }

    static Future<HttpServer> start(Vertx vertx, HostPort bind, PrometheusMeterRegistry registry, Redis redis) {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        router.get("/health").handler(ctx -> redis.send(Request.cmd(Command.PING))
                .timeout(HEALTH_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .onComplete(ping -> {
                    boolean up = ping.succeeded();
                    ctx.response().setStatusCode(up ? 200 : 503)
                            .putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("status", up ? "ok" : "unavailable")
                                    .put("redis", up ? "ok" : "unreachable").encode());
                }));
        return vertx.createHttpServer().requestHandler(router).listen(bind.port(), bind.host());
    }
}
