package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.lorawanns.config.JoinServerEntry;
import net.lorawanns.core.backend.HomeNsReq;
import net.lorawanns.core.backend.MessageHeader;
import net.lorawanns.core.join.JoinServerDoctor;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;

/**
 * The join-server check over the code of the join path: the {@link JoinEuiResolver} explains its choice, a
 * {@link TlsProbe} shakes hands with the chosen server using the route's {@link ClientTls}, and a
 * {@link BackendInterfacesClient} of its own sends a HomeNSReq, which changes nothing at the join server. Each
 * failure names the TOML key to change. Each check runs on the caller's Vert.x context; the resolver's look-ups of a
 * check are not counted as joins'.
 */
public final class JoinServerCheck implements JoinServerDoctor {
    /** Asked about when no DevEUI is given: the all-ones EUI-64, which no manufacturer assigns to a device. */
    static final Eui64 NO_DEVICE = Eui64.parse("FFFFFFFFFFFFFFFF");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final JoinEuiResolver resolver;
    private final boolean internalJsEnabled;
    private final NetId netId;
    private final String nsId;

    /**
     * @param netId our NetID, the SenderID of the request
     * @param nsId our NSID for Backend Interfaces 1.1 ({@code join_server.ns_id}); empty = not sent
     */
    public JoinServerCheck(Vertx vertx, JoinEuiResolver resolver, boolean internalJsEnabled, NetId netId,
                           String nsId) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.internalJsEnabled = internalJsEnabled;
        this.netId = netId;
        this.nsId = nsId;
    }

    @Override
    public Future<Report> check(Eui64 joinEui, Optional<Eui64> devEui) {
        Findings findings = new Findings();
        return resolver.explain(joinEui, line -> findings.add(Step.RESOLUTION, Verdict.INFO, line),
                problem -> findings.add(Step.RESOLUTION, Verdict.WARN, problem)).compose(route -> {
                    if (route instanceof JoinServerRoute.Internal internal) {
                        if (internalJsEnabled) {
                            findings.add(Step.RESOLUTION, Verdict.OK, "joins go to the internal join server ("
                                    + internal.source() + "); it runs in this server: no TLS or Backend Interfaces "
                                    + "step");
                        } else {
                            findings.add(Step.RESOLUTION, Verdict.FAIL, "joins go to the internal join server ("
                                    + internal.source() + "), which is disabled: set internal_js.enabled = true, or "
                                    + "point join_server.default.server (or a [[join_server.servers]] entry) at a "
                                    + "join server");
                        }
                        return Future.succeededFuture();
                    }
                    return external(findings, joinEui, devEui, (JoinServerRoute.External) route);
                }).transform(done -> {
                    if (done.failed()) {
                        findings.add(Step.RESOLUTION, Verdict.FAIL, "the check stopped: " + done.cause());
                    }
                    return Future.succeededFuture(new Report(joinEui, findings.all));
                });
    }

    private Future<Void> external(Findings findings, Eui64 joinEui, Optional<Eui64> devEui,
                                  JoinServerRoute.External route) {
        findings.add(Step.RESOLUTION, Verdict.OK, "joins go to " + route.server()
                + route.address().map(a -> " at " + a.getHostAddress()).orElse("") + " (" + route.source()
                + "; timeout and protocol_version of " + route.entryKey() + ")");
        if (!"https".equals(route.server().getScheme())) {
            findings.add(Step.TLS, Verdict.WARN, "plain HTTP: no TLS, the request and keys travel unprotected");
            return backendInterfaces(findings, joinEui, devEui, route, new TlsObservation());
        }
        return TlsProbe.handshake(vertx, route.server(), route.address(), route.tls(), route.entry().timeout())
                .compose(outcome -> {
                    tls(findings, route, outcome);
                    return outcome.failure().isPresent() ? Future.<Void>succeededFuture()
                            : backendInterfaces(findings, joinEui, devEui, route, outcome.observation());
                });
    }

    private void tls(Findings findings, JoinServerRoute.External route, TlsProbe.Outcome outcome) {
        TlsObservation seen = outcome.observation();
        String host = route.server().getHost();
        List<X509Certificate> chain = seen.serverChain();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            findings.add(Step.TLS, Verdict.INFO, "server certificate " + i + ": subject " + certificate
                    .getSubjectX500Principal() + ", issuer " + certificate.getIssuerX500Principal() + ", valid from "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant());
        }
        findings.add(Step.TLS, Verdict.INFO, "host name checked against the certificate: " + host);
        if (seen.trustFailure().isPresent()) {
            findings.add(Step.TLS, Verdict.FAIL, untrusted(seen.trustFailure().get(), chain, route));
            return;
        }
        if (outcome.failure().isPresent()) {
            String cause = TransportErrors.describe(outcome.failure().get(), route.server(), route.entry().timeout());
            if (seen.clientCertificateRequested()) {
                findings.add(Step.TLS, Verdict.FAIL, "the handshake failed after the server asked for our client "
                        + "certificate (" + sent(seen, route) + "): " + cause + ". The server refused it: set "
                        + route.tlsKey() + ".tls_cert and tls_key to a certificate its operator trusts");
            } else {
                findings.add(Step.TLS, Verdict.FAIL, "no TLS connection: " + cause + ". Check " + where(route)
                        + " (host and port)");
            }
            return;
        }
        findings.add(Step.TLS, Verdict.OK, "handshake completed (" + outcome.protocol().orElse("?")
                + "): the certificate is trusted and names " + host);
        findings.add(Step.TLS, Verdict.INFO, seen.clientCertificateRequested()
                ? "the server asked for a client certificate; we sent " + sent(seen, route)
                : "the server asked for no client certificate");
    }

    /** The trust manager's refusal, as the change to make. */
    private static String untrusted(Exception failure, List<X509Certificate> chain, JoinServerRoute.External route) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                String when = chain.isEmpty() ? t.getMessage() : "valid from " + chain.get(0).getNotBefore()
                        .toInstant() + " to " + chain.get(0).getNotAfter().toInstant();
                return "the server's certificate is " + (t instanceof CertificateExpiredException ? "expired"
                        : "not valid yet") + " (" + when + "): its operator must renew it; if it is the wrong server, "
                        + "change " + where(route);
            }
        }
        String described = TransportErrors.describe(failure, route.server(), route.entry().timeout());
        if (described.contains("does not match host name")) {
            return described + ": change " + where(route) + " to name a host the certificate has";
        }
        String issuer = chain.isEmpty() ? "an unknown CA"
                : chain.get(chain.size() - 1).getIssuerX500Principal().toString();
        return "the server's certificate is not trusted (issued by " + issuer + ", " + failure.getMessage()
                + "): set " + route.tlsKey() + ".ca_cert to that CA's certificate (PEM)";
    }

    /** The client certificate we sent, or why none was. */
    private static String sent(TlsObservation seen, JoinServerRoute.External route) {
        if (seen.clientCertificateSent().isPresent()) {
            return seen.clientCertificateSent().get().getSubjectX500Principal().toString();
        }
        if (seen.clientCertificateConfigured().isPresent()) {
            X509Certificate ours = seen.clientCertificateConfigured().get();
            return "none: ours, " + ours.getSubjectX500Principal() + " issued by " + ours.getIssuerX500Principal()
                    + ", is not from an issuer the server accepts (" + String.join("; ", seen.acceptedIssuers()) + ")";
        }
        return "none: " + route.tlsKey() + ".tls_cert is not set";
    }

    private Future<Void> backendInterfaces(Findings findings, Eui64 joinEui, Optional<Eui64> devEui,
                                           JoinServerRoute.External route, TlsObservation seen) {
        JoinServerEntry entry = route.entry();
        boolean v11 = entry.protocolVersion().equals("1.1");
        Eui64 asked = devEui.orElse(NO_DEVICE);
        HomeNsReq request = new HomeNsReq(new MessageHeader(entry.protocolVersion(), netId.toString(),
                joinEui.toString(), RANDOM.nextInt() & 0xFFFF_FFFFL, HomeNsReq.TYPE,
                v11 && !nsId.isEmpty() ? Optional.of(nsId) : Optional.empty(), Optional.empty()), asked);
        findings.add(Step.BACKEND_INTERFACES, Verdict.INFO, "POST " + route.server() + ": HomeNSReq "
                + entry.protocolVersion() + " for DevEUI " + asked + (devEui.isEmpty()
                ? " (no device has it: a working join server answers UnknownDevEUI)" : ""));
        BackendInterfacesClient client = new BackendInterfacesClient(vertx);
        return client.exchange(route.server(), route.address(), route.tls(), entry.headers(), request.toJson(),
                entry.timeout()).transform(done -> {
                    client.close();
                    if (done.failed()) {
                        noAnswer(findings, route, seen, done.cause().getMessage());
                    } else {
                        if (seen.clientCertificateSent().isPresent()) {
                            findings.add(Step.TLS, Verdict.OK, "the server accepted our client certificate "
                                    + sent(seen, route) + " (it answered over the connection)");
                        }
                        answer(findings, route, devEui, done.result());
                    }
                    return Future.<Void>succeededFuture();
                });
    }

    private static void noAnswer(Findings findings, JoinServerRoute.External route, TlsObservation seen,
                                 String cause) {
        if (seen.clientCertificateRequested() && (cause.contains("refused our client certificate")
                || cause.contains("closed the connection"))) {
            // TLS 1.3: the server checks our certificate after the client's handshake is done; its verdict
            // arrives as an alert on the first read.
            findings.add(Step.TLS, Verdict.FAIL, "after the handshake, " + cause + "; we sent " + sent(seen, route)
                    + ". Set " + route.tlsKey() + ".tls_cert and tls_key to a certificate its operator trusts");
            return;
        }
        findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "no answer: " + cause + ". Check " + where(route)
                + " and " + route.entryKey() + ".timeout");
    }

    private void answer(Findings findings, JoinServerRoute.External route, Optional<Eui64> devEui,
                        BackendInterfacesClient.Answer answer) {
        Optional<JsonObject> json = json(answer.body());
        Optional<JsonObject> result = json.map(j -> j.getValue("Result") instanceof JsonObject r ? r : null);
        String server = where(route);
        if (result.isEmpty() && route.entry().async() && answer.status() / 100 == 2) {
            findings.add(Step.BACKEND_INTERFACES, Verdict.OK, "HTTP " + answer.status() + ": the server took the "
                    + "request; in async mode (" + route.entryKey() + ".async) its answer goes to "
                    + "join_server.async_bind, which this check does not wait for");
            return;
        }
        if (result.isEmpty()) {
            String body = answer.body().isBlank() ? "" : ": " + BackendInterfacesClient.abbreviate(answer.body());
            String change = switch (answer.status()) {
                case 404, 405 -> "the URL's path is wrong; change " + server + " to the join server's Backend "
                        + "Interfaces URL";
                case 401, 403 -> "the server does not let us in; set " + route.entryKey() + ".headers (e.g. "
                        + "Authorization) as its operator says";
                default -> "no Backend Interfaces answer; check " + server;
            };
            findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "HTTP " + answer.status() + body + ": " + change);
            return;
        }
        String code = result.get().getValue("ResultCode") instanceof String c ? c : "";
        String description = result.get().getValue("Description") instanceof String d && !d.isEmpty()
                ? " (" + d + ")" : "";
        Object type = json.get().getValue("MessageType");
        findings.add(Step.BACKEND_INTERFACES, Verdict.INFO, "HTTP " + answer.status() + ", MessageType " + type
                + ", Result " + code + description);
        Eui64 asked = devEui.orElse(NO_DEVICE);
        switch (code.toLowerCase(Locale.ROOT)) {
            case "invalidprotocolversion" -> findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "the server does not "
                    + "speak Backend Interfaces " + route.entry().protocolVersion() + ": set " + route.entryKey()
                    + ".protocol_version to the version it speaks (1.0 or 1.1)");
            case "unknownsender" -> findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "the server does not know our "
                    + "NetID " + netId + " (network.net_id): ask its operator to add our network");
            case "unknownreceiver" -> findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "the server does not serve "
                    + "this JoinEUI: change " + server + " to name the JoinEUI's join server");
            case "malformedrequest" -> findings.add(Step.BACKEND_INTERFACES, Verdict.FAIL, "the server could not read "
                    + "our request: check " + route.entryKey() + ".protocol_version and " + server);
            case "unknowndeveui" -> findings.add(Step.BACKEND_INTERFACES, devEui.isPresent() ? Verdict.FAIL
                    : Verdict.OK, devEui.isPresent() ? "the server does not know DevEUI " + asked + ": the device "
                    + "must be registered at the join server" : "the server answers Backend Interfaces and refuses "
                    + "the DevEUI no device has, as it must");
            case "success" -> findings.add(Step.BACKEND_INTERFACES, Verdict.OK, "the server knows DevEUI " + asked
                    + (json.get().getValue("HNetID") == null ? "" : "; its home NetID is "
                    + json.get().getValue("HNetID")));
            default -> findings.add(Step.BACKEND_INTERFACES, Verdict.WARN, "the server answers Backend Interfaces, "
                    + "with Result " + code + " where UnknownDevEUI or Success was expected");
        }
    }

    /** Where the server's URL comes from: its entry's {@code server} key, or the DNS records. */
    private static String where(JoinServerRoute.External route) {
        return "DNS".equals(route.source()) ? "the DNS records that name it (or add a [[join_server.servers]] entry)"
                : route.entryKey() + ".server";
    }

    private static Optional<JsonObject> json(String body) {
        try {
            return body.isBlank() ? Optional.empty() : Optional.of(new JsonObject(body));
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
    }

    /** The findings of one check, in order; added to on the check's context only. */
    private static final class Findings {
        private final List<Finding> all = new ArrayList<>();

        void add(Step step, Verdict verdict, String text) {
            all.add(new Finding(step, verdict, text));
        }
    }
}
