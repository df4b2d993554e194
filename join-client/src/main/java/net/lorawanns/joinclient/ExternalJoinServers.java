package net.lorawanns.joinclient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.config.JoinServerEntry;
import net.lorawanns.core.backend.JoinAns;
import net.lorawanns.core.backend.JoinReq;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.MalformedMessageException;
import net.lorawanns.core.backend.MessageHeader;
import net.lorawanns.core.backend.RejoinReq;
import net.lorawanns.core.backend.RejoinRequestContext;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;

/**
 * The network server's join-server port with resolution in front: each join-request goes where the
 * {@link JoinEuiResolver} says, to the internal join server in-process or to an external one as a Backend
 * Interfaces JoinReq (synchronous, or answered later in async mode). Failures name the JoinEUI, the server and the
 * cause. The JoinEUI resolved is the device's registered one: the pipeline refuses a join-request naming another
 * before it reaches this port.
 */
public final class ExternalJoinServers implements JoinServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JoinEuiResolver resolver;
    private final Optional<JoinServer> internal;
    private final BackendInterfacesClient client;
    private final Optional<AsyncAnswers> asyncAnswers;
    private final SessionKeyUnwrapper unwrapper;
    private final String nsId;
    private final MeterRegistry registry;

    /**
     * @param nsId our NSID for Backend Interfaces 1.1 requests; empty = not sent
     * @param keks {@code [[join_server.kek]]} by label
     */
    public ExternalJoinServers(JoinEuiResolver resolver, Optional<JoinServer> internal, BackendInterfacesClient client,
                               Optional<AsyncAnswers> asyncAnswers, Map<String, AesKey> keks, String nsId,
                               MeterRegistry registry) {
        this.resolver = resolver;
        this.internal = internal;
        this.client = client;
        this.asyncAnswers = asyncAnswers;
        this.unwrapper = new SessionKeyUnwrapper(keks);
        this.nsId = nsId;
        this.registry = registry;
    }

    @Override
    public Future<JoinAnswer> join(JoinRequestContext context) {
        Eui64 joinEui = context.request().joinEui();
        return resolver.resolve(joinEui).compose(route -> {
            if (route instanceof JoinServerRoute.Internal in) {
                return internal.map(js -> js.join(context)).orElseGet(() -> Future.failedFuture(new JoinClientException(
                        "JoinEUI " + joinEui + " goes to the internal join server (" + in.source()
                                + "), which is disabled")));
            }
            JoinServerRoute.External external = (JoinServerRoute.External) route;
            return external(context, external).recover(e -> {
                count("error");
                return Future.failedFuture(new JoinClientException("JoinEUI " + joinEui + ", join server "
                        + external.server() + external.address().map(a -> " at " + a.getHostAddress()).orElse("")
                        + " (" + external.source() + "): " + e.getMessage()));
            });
        });
    }

    private Future<JoinAnswer> external(JoinRequestContext context, JoinServerRoute.External route) {
        JoinServerEntry entry = route.entry();
        long transactionId = RANDOM.nextInt() & 0xFFFF_FFFFL;
        boolean v11 = entry.protocolVersion().equals("1.1");
        JoinReq request = JoinReq.of(entry.protocolVersion(), transactionId,
                v11 && !nsId.isEmpty() ? Optional.of(nsId) : Optional.empty(), context);
        return exchange(route, transactionId, request.toJson(), JoinReq.ANSWER_TYPE);
    }

    /**
     * Posts a JoinReq or RejoinReq and takes its answer: in the HTTP response, or (an entry in async mode) as a later
     * POST to {@link AsyncAnswers}, matched by TransactionID; then the session keys unwrapped.
     */
    private Future<JoinAnswer> exchange(JoinServerRoute.External route, long transactionId, JsonObject request,
                                        String answerType) {
        JoinServerEntry entry = route.entry();
        Future<JoinAns> answer;
        if (entry.async()) {
            AsyncAnswers answers = asyncAnswers.orElseThrow();
            AsyncAnswers.Expected expected = answers.expect(transactionId, entry.timeout());
            answer = expected.registered()
                    .compose(v -> client.post(route.server(), route.address(), route.tls(), entry.headers(), request,
                            entry.timeout()))
                    .onFailure(e -> answers.forget(transactionId))
                    .compose(acknowledged -> expected.answer());
        } else {
            answer = client.post(route.server(), route.address(), route.tls(), entry.headers(), request,
                    entry.timeout()).map(json -> {
                        try {
                            return JoinAns.fromJson(json, answerType);
                        } catch (MalformedMessageException | MessageHeader.UnsupportedVersionException e) {
                            throw new JoinClientException("unreadable " + answerType + ": " + e.getMessage());
                        }
                    });
        }
        return answer.map(ans -> {
            if (ans.header().transactionId() != transactionId) {
                throw new JoinClientException("the " + answerType + " is for TransactionID "
                        + ans.header().transactionId() + ", not " + transactionId);
            }
            JoinAnswer result = unwrapper.read(ans);
            count(result instanceof JoinAnswer.Accepted ? "accepted" : "rejected");
            return result;
        });
    }

    /**
     * A rejoin-request goes where a join-request of its JoinEUI would go: in-process to the internal join server, or
     * as a RejoinReq, which is Backend Interfaces 1.1 whatever the entry's {@code protocol_version} (1.0 has no
     * rejoin), answered at once or, for an entry in async mode, by a later RejoinAns.
     */
    @Override
    public Future<JoinAnswer> rejoin(RejoinRequestContext context) {
        Eui64 joinEui = context.joinEui();
        return resolver.resolve(joinEui).compose(route -> {
            if (route instanceof JoinServerRoute.Internal in) {
                return internal.map(js -> js.rejoin(context)).orElseGet(() -> Future.failedFuture(
                        new JoinClientException("JoinEUI " + joinEui + " goes to the internal join server ("
                                + in.source() + "), which is disabled")));
            }
            JoinServerRoute.External external = (JoinServerRoute.External) route;
            return externalRejoin(context, external).recover(e -> {
                count("error");
                return Future.failedFuture(new JoinClientException("JoinEUI " + joinEui + ", join server "
                        + external.server() + external.address().map(a -> " at " + a.getHostAddress()).orElse("")
                        + " (" + external.source() + "), RejoinReq: " + e.getMessage()));
            });
        });
    }

    private Future<JoinAnswer> externalRejoin(RejoinRequestContext context, JoinServerRoute.External route) {
        long transactionId = RANDOM.nextInt() & 0xFFFF_FFFFL;
        RejoinReq request = RejoinReq.of(transactionId, nsId.isEmpty() ? Optional.empty() : Optional.of(nsId), context);
        return exchange(route, transactionId, request.toJson(), RejoinReq.ANSWER_TYPE);
    }

    private void count(String outcome) {
        Counter.builder("lorawan.join.external").description("JoinReqs to external join servers by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }
}
