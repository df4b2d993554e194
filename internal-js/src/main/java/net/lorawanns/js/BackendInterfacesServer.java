package net.lorawanns.js;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import net.lorawanns.config.InternalJsSettings;
import net.lorawanns.core.backend.BiJson;
import net.lorawanns.core.backend.JoinAns;
import net.lorawanns.core.backend.JoinReq;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.backend.MalformedMessageException;
import net.lorawanns.core.backend.MessageHeader;
import net.lorawanns.core.backend.RejoinReq;
import net.lorawanns.core.http.PemKeyPair;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.NetId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal join server's LoRaWAN Backend Interfaces endpoint (TS002-1.1): JoinReq, RejoinReq, AppSKeyReq and
 * HomeNSReq over HTTPS with a required client certificate. Each certificate maps to one configured peer, which may
 * speak only for its NetIDs, NSIDs and AS-IDs, and gets keys wrapped with its KEKs (in clear only if its entry
 * allows it); an AppSKeyReq is answered only for devices registered with the requesting AS-ID. Every request gets
 * a JSON answer with a Result; a body that cannot be read gets
 * MalformedRequest, never a stack trace.
 */
public final class BackendInterfacesServer {
    private static final Logger LOG = LoggerFactory.getLogger(BackendInterfacesServer.class);
    private static final long BODY_LIMIT_BYTES = 64 * 1024;
    private static final String PEER = "peer";

    private final InternalJoinServer joinServer;
    private final RootKeyStore rootKeys;
    private final AppSKeyStore appSKeys;
    private final List<Peer> peers;
    private final Map<String, AesKey> keks;
    private final Predicate<Eui64> serves;
    private final MeterRegistry registry;

    private BackendInterfacesServer(InternalJoinServer joinServer, RootKeyStore rootKeys, AppSKeyStore appSKeys,
                                    List<Peer> peers, Map<String, AesKey> keks, Predicate<Eui64> serves,
                                    MeterRegistry registry) {
        this.joinServer = joinServer;
        this.rootKeys = rootKeys;
        this.appSKeys = appSKeys;
        this.peers = peers;
        this.keks = Map.copyOf(keks);
        this.serves = serves;
        this.registry = registry;
    }

    /**
     * Starts the endpoint on {@code internal_js.bind}.
     *
     * @param serves the JoinEUIs this join server answers for
     */
    public static Future<HttpServer> start(Vertx vertx, InternalJsSettings settings, InternalJoinServer joinServer,
                                           RootKeyStore rootKeys, AppSKeyStore appSKeys, Map<String, AesKey> keks,
                                           Predicate<Eui64> serves, MeterRegistry registry, String host, int port) {
        List<Peer> peers = settings.clients().stream().map(Peer::of).toList();
        PemTrustOptions trust = new PemTrustOptions();
        peers.forEach(peer -> trust.addCertPath(peer.trustFile.toString()));
        HttpServerOptions options = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(PemKeyPair.load(vertx, "internal_js.tls_cert", settings.tlsCert(),
                        "internal_js.tls_key", settings.tlsKey()))
                .setTrustOptions(trust).setClientAuth(ClientAuth.REQUIRED)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        BackendInterfacesServer server = new BackendInterfacesServer(joinServer, rootKeys, appSKeys, peers, keks,
                serves, registry);
        return vertx.createHttpServer(options).requestHandler(server.router(vertx)).listen(port, host);
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(this::admit);
        router.post().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.post().handler(this::handle);
        router.route().handler(ctx -> refuse(ctx, 405, "Backend Interfaces messages are POSTed"));
        return router;
    }

    /** Identifies the peer by its verified client certificate and applies its rate limit. */
    private void admit(RoutingContext ctx) {
        Optional<Peer> peer = peer(ctx);
        if (peer.isEmpty()) {
            count("unknown", "none", "refused_certificate");
            refuse(ctx, 403, "this client certificate is not configured in [[internal_js.clients]]");
            return;
        }
        if (!peer.get().admit()) {
            count(peer.get().name, "none", "rate_limited");
            refuse(ctx, 429, "rate limit of client '" + peer.get().name + "' exceeded");
            return;
        }
        ctx.put(PEER, peer.get());
        ctx.next();
    }

    private Optional<Peer> peer(RoutingContext ctx) {
        List<Certificate> chain;
        try {
            chain = ctx.request().connection().peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return peers.stream().filter(p -> p.identifies(leaf)).findFirst();
    }

    private void handle(RoutingContext ctx) {
        Peer peer = ctx.get(PEER);
        JsonObject request;
        MessageHeader header;
        try {
            request = BiJson.parse(ctx.body().asString());
        } catch (MalformedMessageException e) {
            answer(ctx, peer, "none", unreadable(new JsonObject(), JoinResult.MALFORMED_REQUEST, e.getMessage()));
            return;
        }
        String type = request.getValue("MessageType") instanceof String text ? text : "none";
        try {
            header = MessageHeader.fromJson(request);
        } catch (MessageHeader.UnsupportedVersionException e) {
            answer(ctx, peer, type, unreadable(request, JoinResult.INVALID_PROTOCOL_VERSION, e.getMessage()));
            return;
        } catch (MalformedMessageException e) {
            answer(ctx, peer, type, unreadable(request, JoinResult.MALFORMED_REQUEST, e.getMessage()));
            return;
        }
        Future<JsonObject> answer;
        try {
            answer = switch (header.messageType()) {
                case JoinReq.TYPE -> joinReq(peer, header, request);
                case RejoinReq.TYPE -> rejoinReq(peer, header, request);
                case "AppSKeyReq" -> appSKeyReq(peer, header, request);
                case "HomeNSReq" -> homeNsReq(peer, header, request);
                default -> Future.succeededFuture(failure(header.answer("ErrorNotification"),
                        JoinResult.MALFORMED_REQUEST, "MessageType '" + header.messageType()
                                + "' is not served here (JoinReq, RejoinReq, AppSKeyReq, HomeNSReq)"));
            };
        } catch (MalformedMessageException e) {
            answer = Future.succeededFuture(failure(header.answer(answerType(header.messageType())),
                    JoinResult.MALFORMED_REQUEST, e.getMessage()));
        }
        answer.recover(e -> {
            LOG.warn("{} from client '{}' (transaction {}) failed: {}", header.messageType(), peer.name,
                    header.transactionId(), e.getMessage());
            return Future.succeededFuture(failure(header.answer(answerType(header.messageType())), JoinResult.OTHER,
                    "the join server could not process the request"));
        }).onSuccess(json -> answer(ctx, peer, header.messageType(), json));
    }

    private Future<JsonObject> joinReq(Peer peer, MessageHeader header, JsonObject json) {
        MessageHeader answer = header.answer(JoinReq.ANSWER_TYPE);
        JoinReq request = JoinReq.fromJson(header, json);
        NetId netId = request.context().netId();
        Optional<JsonObject> refused = refusal(peer, header, answer, netId, request.context().request().joinEui());
        if (refused.isPresent()) {
            return Future.succeededFuture(refused.get());
        }
        return joinServer.join(request.context(), requester(peer, header, netId))
                .map(result -> joinAns(answer, peer, result));
    }

    /** RejoinReq (TS002-1.1): checked as a JoinReq is, answered with a RejoinAns of a JoinAns's fields. */
    private Future<JsonObject> rejoinReq(Peer peer, MessageHeader header, JsonObject json) {
        MessageHeader answer = header.answer(RejoinReq.ANSWER_TYPE);
        RejoinReq request = RejoinReq.fromJson(header, json);
        NetId netId = request.context().netId();
        Optional<JsonObject> refused = refusal(peer, header, answer, netId, request.context().joinEui());
        if (refused.isPresent()) {
            return Future.succeededFuture(refused.get());
        }
        return joinServer.rejoin(request.context(), requester(peer, header, netId))
                .map(result -> joinAns(answer, peer, result));
    }

    /**
     * What a JoinReq and a RejoinReq must pass before the join server sees them: the peer speaks for the NetID and
     * the NSID it sends, the ReceiverID is the JoinEUI, and this join server serves that JoinEUI. Empty when all hold.
     */
    private Optional<JsonObject> refusal(Peer peer, MessageHeader header, MessageHeader answer, NetId netId,
                                         Eui64 joinEui) {
        if (!peer.netIds.contains(netId)) {
            return Optional.of(failure(answer, JoinResult.UNKNOWN_SENDER, "client '" + peer.name
                    + "' may not send as NetID " + netId));
        }
        Optional<String> nsId = senderNsId(header);
        if (!peer.nsIds.isEmpty() && (nsId.isEmpty() || !peer.nsIds.contains(nsId.get()))) {
            return Optional.of(failure(answer, JoinResult.UNKNOWN_SENDER, "client '" + peer.name
                    + "' may not send as NSID " + nsId.orElse("(none)")));
        }
        if (!receiverIs(header, joinEui)) {
            return Optional.of(failure(answer, JoinResult.MALFORMED_REQUEST, "ReceiverID " + header.receiverId()
                    + " is not the request's JoinEUI " + joinEui));
        }
        if (!serves.test(joinEui)) {
            return Optional.of(failure(answer, JoinResult.UNKNOWN_RECEIVER, "this join server does not serve JoinEUI "
                    + joinEui));
        }
        return Optional.empty();
    }

    /** SenderNSID exists in Backend Interfaces 1.1 only. */
    private static Optional<String> senderNsId(MessageHeader header) {
        return header.isVersion11() ? header.senderNsId() : Optional.empty();
    }

    private static Requester requester(Peer peer, MessageHeader header, NetId netId) {
        return new Requester(netId, senderNsId(header), peer.sendAppSKey ? peer.asKekLabel : "", false);
    }

    /** The JoinAns (or RejoinAns) of a join server's answer, keys wrapped for the peer. */
    private JsonObject joinAns(MessageHeader answer, Peer peer, JoinAnswer result) {
        if (result instanceof JoinAnswer.Rejected rejected) {
            return failure(answer, rejected.result(), rejected.description());
        }
        JoinAnswer.Accepted accepted = (JoinAnswer.Accepted) result;
        boolean v11 = accepted.lorawan11();
        java.util.function.Function<AesKey, Optional<KeyEnvelope>> forNs =
                key -> Optional.of(KeyEnvelope.of(key, peer.nsKekLabel, keks));
        return new JoinAns(answer, JoinResult.SUCCESS, "", Optional.of(accepted.joinAcceptPhy()),
                Optional.of(accepted.lifetime().toSeconds()),
                v11 ? Optional.empty() : forNs.apply(accepted.fNwkSIntKey()),
                v11 ? forNs.apply(accepted.fNwkSIntKey()) : Optional.empty(),
                v11 ? forNs.apply(accepted.sNwkSIntKey()) : Optional.empty(),
                v11 ? forNs.apply(accepted.nwkSEncKey()) : Optional.empty(),
                accepted.appSKey().filter(key -> peer.sendAppSKey),
                Optional.of(accepted.sessionKeyId())).toJson();
    }

    /** AppSKeyReq (TS002-1.1 section 6.3): an application server fetches a session's AppSKey by SessionKeyID. */
    private Future<JsonObject> appSKeyReq(Peer peer, MessageHeader header, JsonObject json) {
        MessageHeader answer = header.answer("AppSKeyAns");
        Eui64 devEui = Eui64.fromBigEndian(BiJson.hex(json, "DevEUI", Eui64.SIZE), 0);
        String sessionKeyId = Hex.lower(BiJson.hex(json, "SessionKeyID", false));
        if (!peer.asIds.contains(header.senderId())) {
            return failed(answer, JoinResult.UNKNOWN_SENDER, "client '" + peer.name + "' may not send as AS-ID "
                    + header.senderId());
        }
        return rootKeys.rootKeys(devEui).compose(device -> {
            // Only the device's own application server may have its AppSKey (TS002-1.1 section 6.3).
            if (device.isEmpty() || !device.get().asId().equals(Optional.of(header.senderId()))) {
                return failed(answer, JoinResult.UNKNOWN_DEV_EUI, "no device " + devEui + " of AS-ID "
                        + header.senderId());
            }
            return appSKeys.get(devEui, sessionKeyId).map(found -> appSKeyAns(peer, answer, devEui, sessionKeyId,
                    found));
        });
    }

    private JsonObject appSKeyAns(Peer peer, MessageHeader answer, Eui64 devEui, String sessionKeyId,
                                  Optional<AesKey> found) {
        if (found.isEmpty()) {
            return failure(answer, JoinResult.UNKNOWN_DEV_EUI, "no AppSKey of DevEUI " + devEui
                    + " with SessionKeyID " + sessionKeyId);
        }
        return failure(answer, JoinResult.SUCCESS, "").put("DevEUI", devEui.toString())
                .put("AppSKey", BiJson.envelope(KeyEnvelope.of(found.get(), peer.asKekLabel, keks)))
                .put("SessionKeyID", sessionKeyId);
    }

    /** HomeNSReq (TS002-1.1 section 12): the home network of a device, for roaming. */
    private Future<JsonObject> homeNsReq(Peer peer, MessageHeader header, JsonObject json) {
        MessageHeader answer = header.answer("HomeNSAns");
        Eui64 devEui = Eui64.fromBigEndian(BiJson.hex(json, "DevEUI", Eui64.SIZE), 0);
        Optional<NetId> sender = netId(header.senderId());
        if (sender.isEmpty() || !peer.netIds.contains(sender.get())) {
            return failed(answer, JoinResult.UNKNOWN_SENDER, "client '" + peer.name + "' may not send as NetID "
                    + header.senderId());
        }
        return joinServer.homed(devEui).map(found -> {
            if (found.isEmpty()) {
                return failure(answer, JoinResult.UNKNOWN_DEV_EUI, "no device " + devEui + " with a home network "
                        + "(unknown, or provisioned but not claimed)");
            }
            JsonObject out = failure(answer, JoinResult.SUCCESS, "").put("HNetID", found.get().homeNetId().toString());
            if (header.isVersion11()) {
                found.get().homeNsId().ifPresent(nsId -> out.put("HNSID", nsId));
            }
            return out;
        });
    }

    private static boolean receiverIs(MessageHeader header, Eui64 joinEui) {
        try {
            return Eui64.parse(header.receiverId()).equals(joinEui);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<NetId> netId(String text) {
        try {
            return Optional.of(NetId.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Future<JsonObject> failed(MessageHeader answer, JoinResult result, String description) {
        return Future.succeededFuture(failure(answer, result, description));
    }

    private static JsonObject failure(MessageHeader answer, JoinResult result, String description) {
        return answer.toJson().put("Result", new JsonObject().put("ResultCode", result.code())
                .put("Description", description));
    }

    /** An answer to a request whose header could not be read: echo what can be echoed. */
    private static JsonObject unreadable(JsonObject request, JoinResult result, String description) {
        Object version = request.getValue("ProtocolVersion");
        Object transaction = request.getValue("TransactionID");
        Object type = request.getValue("MessageType");
        return new JsonObject()
                .put("ProtocolVersion", "1.0".equals(version) ? "1.0" : "1.1")
                .put("SenderID", request.getValue("ReceiverID") instanceof String s ? s : "")
                .put("ReceiverID", request.getValue("SenderID") instanceof String s ? s : "")
                .put("TransactionID", transaction instanceof Number n ? n.longValue() : 0L)
                .put("MessageType", type instanceof String s ? answerType(s) : "ErrorNotification")
                .put("Result", new JsonObject().put("ResultCode", result.code()).put("Description", description));
    }

    private static String answerType(String requestType) {
        return switch (requestType) {
            case "JoinReq" -> "JoinAns";
            case "RejoinReq" -> "RejoinAns";
            case "AppSKeyReq" -> "AppSKeyAns";
            case "HomeNSReq" -> "HomeNSAns";
            default -> "ErrorNotification";
        };
    }

    private void answer(RoutingContext ctx, Peer peer, String type, JsonObject answer) {
        String result = answer.getJsonObject("Result").getString("ResultCode");
        count(peer.name, type, result);
        if (!JoinResult.SUCCESS.code().equals(result)) {
            LOG.debug("{} from client '{}' answered {}: {}", type, peer.name, result,
                    answer.getJsonObject("Result").getString("Description"));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(answer.encode());
    }

    private static void refuse(RoutingContext ctx, int status, String why) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", why).encode());
    }

    /** Metric tags stay bounded: unknown message types and result codes are counted as "other". */
    private void count(String client, String type, String result) {
        String knownType = Set.of("none", "JoinReq", "RejoinReq", "AppSKeyReq", "HomeNSReq").contains(type) ? type
                : "other";
        String knownResult = JoinResult.fromCode(result).isPresent() || result.equals("refused_certificate")
                || result.equals("rate_limited") ? result : "other";
        Counter.builder("lorawan.js.bi.requests").description("Backend Interfaces requests to the internal join server")
                .tag("client", client).tag("message_type", knownType).tag("result", knownResult).register(registry)
                .increment();
    }
}
