package net.lorawanns.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.lorawanns.config.HostPort;

/**
 * The operator's endpoint: Prometheus metrics at {@code /metrics}; {@code /health}, liveness, answers 200 while the
 * process serves requests at all; {@code /ready}, readiness, answers 200 when every {@link Check} passes within its
 * deadline (Redis answers, the sockets are bound), else 503 naming what failed. Neither waits longer than its
 * deadline, whatever Redis does.
 */
final class OperationsEndpoint {
    /** One part /ready asks about: its name and a check that fails when the part is not ready. */
    record Check(String name, Supplier<Future<Void>> check) {
    }

    private OperationsEndpoint() {
    }

    static Future<HttpServer> start(Vertx vertx, HostPort bind, PrometheusMeterRegistry registry, List<Check> checks,
                                    Duration deadline) {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "ok").encode()));
        router.get("/ready").handler(ctx -> {
            List<Future<Void>> results = new ArrayList<>();
            for (Check check : checks) {
                results.add(run(check).timeout(deadline.toMillis(), TimeUnit.MILLISECONDS));
            }
            Future.join(results).onComplete(done -> {
                JsonObject parts = new JsonObject();
                boolean ready = true;
                for (int i = 0; i < checks.size(); i++) {
                    Future<Void> result = results.get(i);
                    ready &= result.succeeded();
                    parts.put(checks.get(i).name(), result.succeeded() ? "ok" : describe(result.cause()));
                }
                ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("status", ready ? "ready" : "not ready").put("checks", parts)
                                .encode());
            });
        });
        return vertx.createHttpServer().requestHandler(router).listen(bind.port(), bind.host());
    }

    private static Future<Void> run(Check check) {
        try {
            return check.check().get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
