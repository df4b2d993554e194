package net.lorawanns.js;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.util.Map;
import net.lorawanns.core.crypto.JoinCrypto;
import net.lorawanns.core.crypto.KeyWrap;
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
 * application server's KEK when one is configured.
 */
public final class InternalJoinServer implements JoinServer {
    private static final Logger LOG = LoggerFactory.getLogger(InternalJoinServer.class);
    /** JoinReqType of a join-request in the LoRaWAN 1.1 join-accept MIC (section 6.2.3). */
    private static final int JOIN_REQUEST_TYPE = 0xFF;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RootKeyStore rootKeys;
    private final DevNonceRegistry devNonces;
    private final JoinNonceCounter joinNonces;
    private final String asKekLabel;
    private final Map<String, AesKey> keks;

    /**
     * @param asKekLabel the label of the KEK that wraps AppSKeys; empty to hand them over in clear
     * @param keks the KEKs by label
     */
    public InternalJoinServer(RootKeyStore rootKeys, DevNonceRegistry devNonces, JoinNonceCounter joinNonces,
                              String asKekLabel, Map<String, AesKey> keks) {
        if (!asKekLabel.isEmpty() && !keks.containsKey(asKekLabel)) {
            throw new IllegalArgumentException("no KEK with label '" + asKekLabel + "'");
        }
        this.rootKeys = rootKeys;
        this.devNonces = devNonces;
        this.joinNonces = joinNonces;
        this.asKekLabel = asKekLabel;
        this.keks = Map.copyOf(keks);
    }

    @Override
    public Future<JoinAnswer> join(JoinRequestContext context) {
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
            if (!keys.homeNetId().equals(context.netId())) {
                return rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + request.devEui() + " has home NetID "
                        + keys.homeNetId() + "; NetID " + context.netId() + " may not activate it");
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
                                    : Future.succeededFuture(accept(context, keys, nonce.get()))));
        });
    }

    private JoinAnswer accept(JoinRequestContext context, RootKeys keys, JoinNonce joinNonce) {
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
        return new JoinAnswer.Accepted(encrypted.encode(), lorawan11, session.fNwkSIntKey(), session.sNwkSIntKey(),
                session.nwkSEncKey(), appSKeyEnvelope(session.appSKey()), HexFormat.of().formatHex(sessionKeyId),
                Duration.ZERO);
    }

    private KeyEnvelope appSKeyEnvelope(AesKey appSKey) {
        if (asKekLabel.isEmpty()) {
            return new KeyEnvelope("", appSKey.bytes());
        }
        return new KeyEnvelope(asKekLabel, KeyWrap.wrap(keks.get(asKekLabel), appSKey));
    }

    private static Future<JoinAnswer> rejected(JoinResult result, String description) {
        return Future.succeededFuture(new JoinAnswer.Rejected(result, description));
    }
}
