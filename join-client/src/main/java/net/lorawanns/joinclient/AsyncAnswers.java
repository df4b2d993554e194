package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.core.backend.BiJson;
import net.lorawanns.core.backend.JoinAns;
import net.lorawanns.core.backend.MalformedMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of async mode (TS002-1.1 section 7.2): a join server acknowledges our JoinReq at once and
 * later POSTs its JoinAns here, matched to the waiting join by TransactionID. Mutual TLS on
 * {@code join_server.async_bind}.
 */
public final class AsyncAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncAnswers.class);
    private static final long BODY_LIMIT_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Map<Long, Promise<JoinAns>> waiting = new ConcurrentHashMap<>();
    private HttpServer server;

    private AsyncAnswers(Vertx vertx) {
        this.vertx = vertx;
    }

    public static Future<AsyncAnswers> start(Vertx vertx, JoinServerSettings settings) {
        AsyncAnswers answers = new AsyncAnswers(vertx);
        HostPort bind = HostPort.parse(settings.asyncBind());
        HttpServerOptions options = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.asyncTlsCert())
                        .setKeyPath(settings.asyncTlsKey()))
                .setTrustOptions(new PemTrustOptions().addCertPath(settings.asyncClientCaCert()))
                .setClientAuth(ClientAuth.REQUIRED).setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        Router router = Router.router(vertx);
        router.post().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.post().handler(answers::receive);
        return vertx.createHttpServer(options).requestHandler(router).listen(bind.port(), bind.host()).map(server -> {
            answers.server = server;
            return answers;
        });
    }

    public int port() {
        return server.actualPort();
    }

    /** Waits for the JoinAns of a transaction; call before sending the JoinReq. */
    Future<JoinAns> expect(long transactionId, Duration timeout) {
        Promise<JoinAns> promise = Promise.promise();
        waiting.put(transactionId, promise);
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            if (waiting.remove(transactionId, promise)) {
                promise.tryFail(new JoinClientException("no asynchronous JoinAns within " + timeout.toMillis() + " ms"));
            }
        });
        return promise.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    /** Stops waiting for a transaction whose request failed. */
    void forget(long transactionId) {
        waiting.remove(transactionId);
    }

    private void receive(RoutingContext ctx) {
        JoinAns ans;
        try {
            ans = JoinAns.fromJson(BiJson.parse(ctx.body().asString()));
        } catch (MalformedMessageException | net.lorawanns.core.backend.MessageHeader.UnsupportedVersionException e) {
            LOG.debug("Asynchronous answer refused: {}", e.getMessage());
            ctx.response().setStatusCode(400).end(new JsonObject().put("error", e.getMessage()).encode());
            return;
        }
        Promise<JoinAns> promise = waiting.remove(ans.header().transactionId());
        if (promise == null) {
            LOG.debug("Asynchronous JoinAns for unknown or expired TransactionID {}", ans.header().transactionId());
            ctx.response().setStatusCode(404).end(new JsonObject().put("error", "no JoinReq waits for TransactionID "
                    + ans.header().transactionId()).encode());
            return;
        }
        promise.tryComplete(ans);
        ctx.response().setStatusCode(200).end();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
