package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.core.backend.BiJson;
import net.lorawanns.core.backend.JoinAns;
import net.lorawanns.core.backend.JoinReq;
import net.lorawanns.core.backend.RejoinReq;
import net.lorawanns.core.http.PemKeyPair;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.backend.MalformedMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of async mode (TS002-1.1 section 7.2): a join server acknowledges our JoinReq at once and
 * later POSTs its JoinAns here, matched to the waiting join by TransactionID. Mutual TLS on
 * {@code join_server.async_bind}. With an {@link AsyncAnswerRelay}, an answer for a join another instance waits for
 * is handed on to it through Redis, and answers handed on by others arrive through {@link #relayed}.
 */
public final class AsyncAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncAnswers.class);
    private static final long BODY_LIMIT_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Map<Long, Promise<JoinAns>> waiting = new ConcurrentHashMap<>();
    private final Optional<AsyncAnswerRelay> relay;
    private HttpServer server;

    private AsyncAnswers(Vertx vertx, Optional<AsyncAnswerRelay> relay) {
        this.vertx = vertx;
        this.relay = relay;
    }

    /**
     * A join that waits for its answer: {@code registered} completes once other instances can hand the answer on to
     * this one (send the JoinReq after it), {@code answer} with the JoinAns.
     */
    record Expected(Future<Void> registered, Future<JoinAns> answer) {
    }

    /** Receives answers for this instance's joins only. */
    public static Future<AsyncAnswers> start(Vertx vertx, JoinServerSettings settings) {
        return start(vertx, settings, Optional.empty());
    }

    /** Receives answers for the joins of every instance that shares the relay's Redis. */
    public static Future<AsyncAnswers> start(Vertx vertx, JoinServerSettings settings,
                                             Optional<AsyncAnswerRelay> relay) {
        AsyncAnswers answers = new AsyncAnswers(vertx, relay);
        HostPort bind = HostPort.parse(settings.asyncBind());
        HttpServerOptions options = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(PemKeyPair.load(vertx, "join_server.async_tls_cert", settings.asyncTlsCert(),
                        "join_server.async_tls_key", settings.asyncTlsKey()))
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

    /** Waits for the JoinAns of a transaction; send the JoinReq once {@link Expected#registered} completes. */
    Expected expect(long transactionId, Duration timeout) {
        Promise<JoinAns> promise = Promise.promise();
        waiting.put(transactionId, promise);
        long timer = vertx.setTimer(timeout.toMillis(), t -> {
            if (waiting.remove(transactionId, promise)) {
                promise.tryFail(new JoinClientException("no asynchronous JoinAns within " + timeout.toMillis() + " ms"));
            }
        });
        Future<Void> registered = relay.map(r -> r.waiting(transactionId, timeout).recover(e -> Future.failedFuture(
                new JoinClientException("cannot note the wait for an asynchronous answer in Redis: " + e.getMessage()))))
                .orElse(Future.succeededFuture());
        return new Expected(registered, promise.future().onComplete(done -> vertx.cancelTimer(timer)));
    }

    /** Stops waiting for a transaction whose request failed. */
    void forget(long transactionId) {
        waiting.remove(transactionId);
    }

    private void receive(RoutingContext ctx) {
        JoinAns ans;
        try {
            ans = answer(BiJson.parse(ctx.body().asString()));
        } catch (MalformedMessageException | net.lorawanns.core.backend.MessageHeader.UnsupportedVersionException e) {
            LOG.debug("Asynchronous answer refused: {}", e.getMessage());
            ctx.response().setStatusCode(400).end(new JsonObject().put("error", e.getMessage()).encode());
            return;
        }
        long transactionId = ans.header().transactionId();
        Promise<JoinAns> promise = waiting.remove(transactionId);
        if (promise != null) {
            promise.tryComplete(ans);
            ctx.response().setStatusCode(200).end();
            return;
        }
        if (relay.isEmpty()) {
            unknown(ctx, transactionId);
            return;
        }
        relay.get().forward(transactionId, ctx.body().asString()).onComplete(forwarded -> {
            if (forwarded.failed()) {
                LOG.warn("Asynchronous JoinAns for TransactionID {} not handed on: {}", transactionId,
                        forwarded.cause().getMessage());
                ctx.response().setStatusCode(503).end(new JsonObject().put("error", "the answer cannot be handed to "
                        + "the instance that waits for it now; retry").encode());
            } else if (forwarded.result()) {
                ctx.response().setStatusCode(200).end();
            } else {
                unknown(ctx, transactionId);
            }
        });
    }

    private static void unknown(RoutingContext ctx, long transactionId) {
        LOG.debug("Asynchronous JoinAns for unknown or expired TransactionID {}", transactionId);
        ctx.response().setStatusCode(404).end(new JsonObject().put("error", "no JoinReq waits for TransactionID "
                + transactionId).encode());
    }

    /** A JoinAns, or a RejoinAns (Backend Interfaces 1.1: the same fields), as its MessageType says. */
    private static JoinAns answer(JsonObject json) {
        return JoinAns.fromJson(json, RejoinReq.ANSWER_TYPE.equals(json.getString("MessageType"))
                ? RejoinReq.ANSWER_TYPE : JoinReq.ANSWER_TYPE);
    }

    /** An answer another instance received for a join that may be waiting here; others' joins are ignored. */
    public void relayed(String message) {
        if (relay.isEmpty()) {
            return;
        }
        try {
            JoinAns ans = answer(BiJson.parse(relay.get().open(message)));
            Promise<JoinAns> promise = waiting.remove(ans.header().transactionId());
            if (promise != null) {
                promise.tryComplete(ans);
            }
        } catch (MalformedMessageException | net.lorawanns.core.backend.MessageHeader.UnsupportedVersionException
                 | SealedRecordException | IllegalArgumentException e) {
            LOG.debug("Unreadable asynchronous answer from another instance: {}", e.getMessage());
        }
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
