package net.lorawanns.js;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.crypto.JoinCrypto;
import net.lorawanns.core.crypto.SessionKeys;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.EncryptedJoinAccept;
import net.lorawanns.core.frame.JoinAccept;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.JoinRequestContext;
import net.lorawanns.core.join.JoinResult;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.join.KeyEnvelope;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.MacVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in join server, answering in-process. For each join-request: the device's root keys, its home
 * network, the MIC, the DevNonce rule of its version, a fresh JoinNonce, the session keys of its version and the
 * encrypted join-accept (LoRaWAN 1.0.4 section 6.2, 1.1 section 6.2). The AppSKey goes out wrapped with the
 * requester's application-server KEK when one is configured, and is kept sealed for AppSKeyReq.
 */
public final class InternalJoinServer implements JoinServer {
    private static final Logger LOG = LoggerFactory.getLogger(InternalJoinServer.class);
    /** JoinReqType of a join-request in the LoRaWAN 1.1 join-accept MIC (section 6.2.3). */
    private static final int JOIN_REQUEST_TYPE = 0xFF;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long an AppSKey is kept for AppSKeyReq when sessions have no Lifetime: an idle OTAA session's life. */
    private static final Duration APP_S_KEY_RETENTION = Duration.ofDays(31);

    private final RootKeyStore rootKeys;
    private final AppSKeyStore appSKeys;
    private final DevNonceRegistry devNonces;
    private final JoinNonceCounter joinNonces;
    private final Duration lifetime;
    private final Map<String, AesKey> keks;
    private final String localAsKekLabel;

    /**
     * @param lifetime the session Lifetime stated in answers; zero = no limit
     * @param keks the KEKs by label
     * @param localAsKekLabel the label that wraps AppSKeys for this server's own application side (in-process joins)
     */
    public InternalJoinServer(RootKeyStore rootKeys, AppSKeyStore appSKeys, DevNonceRegistry devNonces,
                              JoinNonceCounter joinNonces, Duration lifetime, Map<String, AesKey> keks,
                              String localAsKekLabel) {
        if (!localAsKekLabel.isEmpty() && !keks.containsKey(localAsKekLabel)) {
            throw new IllegalArgumentException("no KEK with label '" + localAsKekLabel + "'");
        }
        this.rootKeys = rootKeys;
        this.appSKeys = appSKeys;
        this.devNonces = devNonces;
        this.joinNonces = joinNonces;
        this.lifetime = lifetime;
        this.keks = Map.copyOf(keks);
        this.localAsKekLabel = localAsKekLabel;
    }

    /** The in-process port: the requester is this server's own network. */
    @Override
    public Future<JoinAnswer> join(JoinRequestContext context) {
        return join(context, new Requester(context.netId(), Optional.empty(), localAsKekLabel, true));
    }

    /** Answers a join-request for a requester; network session keys are returned in clear for it to wrap. */
    public Future<JoinAnswer> join(JoinRequestContext context, Requester requester) {
        JoinRequest request = context.request();
        return rootKeys.rootKeys(request.devEui()).compose(found -> {
            if (found.isEmpty()) {
                return rejected(JoinResult.UNKNOWN_DEV_EUI, "no root keys for DevEUI " + request.devEui());
            }
            RootKeys keys = found.get();
            if (!keys.joinEui().equals(request.joinEui())) {
                return rejected(JoinResult.JOIN_REQ_FAILED, "DevEUI " + request.devEui() + " is provisioned with JoinEUI "
                        + keys.joinEui() + ", not " + request.joinEui());
            }
            if (!keys.homeNetId().equals(requester.netId())) {
                return rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + request.devEui() + " has home NetID "
                        + keys.homeNetId() + "; NetID " + requester.netId() + " may not activate it");
            }
            // A peer that sends no NSID (Backend Interfaces 1.0, or 1.1 without SenderNSID) cannot prove it is the
            // home network server, so it does not reach a device registered with one.
            if (keys.homeNsId().isPresent() && !requester.inProcess() && !keys.homeNsId().equals(requester.nsId())) {
                return rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + request.devEui() + " has home NSID "
                        + keys.homeNsId().get() + "; " + requester.nsId().map(id -> "NSID " + id)
                        .orElse("a requester that sends no NSID") + " may not activate it");
            }
            Mic expected = JoinCrypto.joinRequestMic(keys.joinKey(), request);
            if (!expected.equals(request.mic())) {
                return rejected(JoinResult.MIC_FAILED, "join-request MIC of DevEUI " + request.devEui()
                        + " does not verify with its root key");
            }
            return devNonces.use(request.devEui(), request.joinEui(), request.devNonce(), keys.macVersion())
                    .compose(refused -> refused.isPresent()
                            ? rejected(JoinResult.JOIN_REQ_FAILED, refused.get() + " (DevEUI " + request.devEui() + ")")
                            : joinNonces.next(request.devEui()).compose(nonce -> nonce.isEmpty()
                                    ? rejected(JoinResult.JOIN_REQ_FAILED, "DevEUI " + request.devEui()
                                            + " has used every JoinNonce; it needs new root keys")
                                    : accept(context, keys, nonce.get(), requester.asKekLabel())));
        });
    }

    private Future<JoinAnswer> accept(JoinRequestContext context, RootKeys keys, JoinNonce joinNonce,
                                      String asKekLabel) {
        JoinRequest request = context.request();
        // OptNeg is set for LoRaWAN 1.1 devices: this join server and the network server both speak 1.1.
        boolean lorawan11 = keys.macVersion() == MacVersion.LORAWAN_1_1_0;
        DlSettings dlSettings = new DlSettings(lorawan11, context.dlSettings().rx1DrOffset(),
                context.dlSettings().rx2DataRate());
        JoinAccept accept = new JoinAccept(joinNonce, context.netId(), context.devAddr(), dlSettings,
                context.rxDelay(), context.cfList(), Mic.of(new byte[4], 0));
        SessionKeys session;
        if (lorawan11) {
            AesKey nwkKey = keys.nwkKey().orElseThrow();
            session = SessionKeys.derive11(nwkKey, keys.appKey(), joinNonce, request.joinEui(), request.devNonce());
            accept = accept.withMic(JoinCrypto.joinAcceptMic11(SessionKeys.jsIntKey(nwkKey, request.devEui()),
                    JOIN_REQUEST_TYPE, request.joinEui(), request.devNonce(), accept));
        } else {
            session = SessionKeys.derive10(keys.appKey(), joinNonce, context.netId(), request.devNonce());
            accept = accept.withMic(JoinCrypto.joinAcceptMic(keys.appKey(), accept));
        }
        EncryptedJoinAccept encrypted = JoinCrypto.encrypt(keys.joinKey(), accept);
        byte[] sessionKeyId = new byte[16];
        RANDOM.nextBytes(sessionKeyId);
        LOG.debug("Join-accept for DevEUI {} (LoRaWAN {}, JoinNonce {})", request.devEui(), keys.macVersion(),
                joinNonce);
        String keyId = HexFormat.of().formatHex(sessionKeyId);
        KeyEnvelope appSKey = KeyEnvelope.of(session.appSKey(), asKekLabel, keks);
        JoinAnswer answer = new JoinAnswer.Accepted(encrypted.encode(), lorawan11, session.fNwkSIntKey(),
                session.sNwkSIntKey(), session.nwkSEncKey(), Optional.of(appSKey), keyId, lifetime,
                request.joinEui().toString());
        return appSKeys.put(request.devEui(), keyId, session.appSKey(),
                lifetime.isZero() ? APP_S_KEY_RETENTION : lifetime).map(answer);
    }

    private static Future<JoinAnswer> rejected(JoinResult result, String description) {
        return Future.succeededFuture(new JoinAnswer.Rejected(result, description));
    }
}
