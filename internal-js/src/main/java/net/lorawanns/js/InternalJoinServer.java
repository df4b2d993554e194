package net.lorawanns.js;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.backend.RejoinRequestContext;
import net.lorawanns.core.crypto.JoinCrypto;
import net.lorawanns.core.crypto.SessionKeys;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.EncryptedJoinAccept;
import net.lorawanns.core.frame.JoinAccept;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinNonceCounter;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.ClaimStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in join server, answering in-process. For each join-request: the device's root keys, its home
 * network, the MIC, the DevNonce rule of its version, a fresh JoinNonce, the session keys of its version and the
 * encrypted join-accept (LoRaWAN 1.0.4 section 6.2, 1.1 section 6.2); likewise for the rejoin-requests of LoRaWAN
 * 1.1 devices, answered with a rejoin-accept. The AppSKey goes out wrapped with the requester's application-server
 * KEK when one is configured, and is kept sealed for AppSKeyReq.
 *
 * <p>A device provisioned with an owner token ({@link ClaimStore}) answers only once claimed: unclaimed, every
 * request gets ActivationDisallowed; claimed, its home network is its owner's (in its root keys) and the AppSKey is
 * wrapped under the KEK its owner named, when one was named. Devices without a claim are this network's own.
 */
public final class InternalJoinServer implements JoinServer {
    private static final Logger LOG = LoggerFactory.getLogger(InternalJoinServer.class);
    /** JoinReqType of a join-request in the LoRaWAN 1.1 join-accept MIC (section 6.2.3). */
    private static final int JOIN_REQUEST_TYPE = 0xFF;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long an AppSKey is kept for AppSKeyReq when sessions have no Lifetime: an idle OTAA session's life. */
    private static final Duration APP_S_KEY_RETENTION = Duration.ofDays(31);

    private final RootKeyStore rootKeys;
    private final ClaimStore claims;
    private final AppSKeyStore appSKeys;
    private final DevNonceRegistry devNonces;
    private final JoinNonceCounter joinNonces;
    private final RejoinCount1Registry rejoinCounts;
    private final Duration lifetime;
    private final Map<String, AesKey> keks;
    private final String localAsKekLabel;

    /**
     * @param lifetime the session Lifetime stated in answers; zero = no limit
     * @param keks the KEKs by label
     * @param localAsKekLabel the label that wraps AppSKeys for this server's own application side (in-process joins)
     */
    public InternalJoinServer(RootKeyStore rootKeys, ClaimStore claims, AppSKeyStore appSKeys,
                              DevNonceRegistry devNonces,
                              JoinNonceCounter joinNonces, RejoinCount1Registry rejoinCounts, Duration lifetime,
                              Map<String, AesKey> keks, String localAsKekLabel) {
        if (!localAsKekLabel.isEmpty() && !keks.containsKey(localAsKekLabel)) {
            throw new IllegalArgumentException("no KEK with label '" + localAsKekLabel + "'");
        }
        this.rootKeys = rootKeys;
        this.claims = claims;
        this.appSKeys = appSKeys;
        this.devNonces = devNonces;
        this.joinNonces = joinNonces;
        this.rejoinCounts = rejoinCounts;
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
        return claims.held(request.devEui()).compose(held -> {
            if (held.isEmpty()) {
                return rejected(JoinResult.UNKNOWN_DEV_EUI, "no root keys for DevEUI " + request.devEui());
            }
            RootKeys keys = rootKeys.open(request.devEui(), held.get().rootKeysRecord());
            Optional<Claim> claim = held.get().claim();
            if (!keys.joinEui().equals(request.joinEui())) {
                return rejected(JoinResult.JOIN_REQ_FAILED, "DevEUI " + request.devEui() + " is provisioned with JoinEUI "
                        + keys.joinEui() + ", not " + request.joinEui());
            }
            Optional<JoinAnswer> notHome = unclaimed(claim, request.devEui())
                    .or(() -> refusedHome(keys, requester, request.devEui()));
            if (notHome.isPresent()) {
                return Future.succeededFuture(notHome.get());
            }
            Mic expected = JoinCrypto.joinRequestMic(keys.joinKey(), request);
            if (!expected.equals(request.mic())) {
                return rejected(JoinResult.MIC_FAILED, "join-request MIC of DevEUI " + request.devEui()
                        + " does not verify with its root key");
            }
            return devNonces.use(request.devEui(), request.joinEui(), request.devNonce(), keys.macVersion())
                    .compose(refused -> refused.isPresent()
                            ? rejected(JoinResult.JOIN_REQ_FAILED, refused.get() + " (DevEUI " + request.devEui() + ")")
                            : joinNonces.next(request.devEui()).compose(next -> answer(next, Answering.of(context),
                                    keys, asKekLabel(claim, requester))));
        });
    }

    /** The in-process port for rejoin-requests: the requester is this server's own network. */
    @Override
    public Future<JoinAnswer> rejoin(RejoinRequestContext context) {
        return rejoin(context, new Requester(context.netId(), Optional.empty(), localAsKekLabel, true));
    }

    /**
     * Answers a rejoin-request of a LoRaWAN 1.1 device (section 6.2.4) with a rejoin-accept: encrypted with JSEncKey,
     * its MIC and the session keys computed with the rejoin type and RJcount in place of 0xFF and DevNonce. Type 1
     * is signed with JSIntKey, which only the join server holds: its MIC and RJcount1 are checked here. Types 0 and
     * 2 are signed with the session's SNwkSIntKey: the requesting network server checked them.
     */
    public Future<JoinAnswer> rejoin(RejoinRequestContext context, Requester requester) {
        RejoinRequest request = context.request();
        return claims.held(request.devEui()).compose(held -> {
            if (held.isEmpty()) {
                return rejected(JoinResult.UNKNOWN_DEV_EUI, "no root keys for DevEUI " + request.devEui());
            }
            RootKeys keys = rootKeys.open(request.devEui(), held.get().rootKeysRecord());
            Optional<Claim> claim = held.get().claim();
            if (keys.macVersion() != MacVersion.LORAWAN_1_1_0) {
                return rejected(JoinResult.JOIN_REQ_FAILED, "rejoin-request from DevEUI " + request.devEui()
                        + ", which is provisioned as LoRaWAN " + keys.macVersion() + " (rejoin-requests are 1.1 only)");
            }
            if (!keys.joinEui().equals(context.joinEui())) {
                return rejected(JoinResult.JOIN_REQ_FAILED, "DevEUI " + request.devEui() + " is provisioned with JoinEUI "
                        + keys.joinEui() + ", not " + context.joinEui());
            }
            Optional<JoinAnswer> refused = unclaimed(claim, request.devEui())
                    .or(() -> refusedHome(keys, requester, request.devEui()));
            if (refused.isPresent()) {
                return Future.succeededFuture(refused.get());
            }
            AesKey nwkKey = keys.nwkKey().orElseThrow();
            Future<Optional<String>> counted;
            if (request instanceof RejoinRequest.JoinEuiType type1) {
                Mic expected = JoinCrypto.rejoinRequestMic(SessionKeys.jsIntKey(nwkKey, request.devEui()), type1);
                if (!expected.equals(type1.mic())) {
                    return rejected(JoinResult.MIC_FAILED, "rejoin-request MIC of DevEUI " + request.devEui()
                            + " does not verify with its JSIntKey");
                }
                counted = rejoinCounts.use(request.devEui(), type1.joinEui(), type1.rjCount1());
            } else if (!((RejoinRequest.NetIdType) request).netId().equals(keys.homeNetId())) {
                return rejected(JoinResult.JOIN_REQ_FAILED, "rejoin-request of DevEUI " + request.devEui()
                        + " names NetID " + ((RejoinRequest.NetIdType) request).netId() + ", not its home NetID "
                        + keys.homeNetId());
            } else {
                counted = Future.succeededFuture(Optional.empty());
            }
            return counted.compose(refusedCount -> refusedCount.isPresent()
                    ? rejected(JoinResult.JOIN_REQ_FAILED, refusedCount.get() + " (DevEUI " + request.devEui() + ")")
                    : joinNonces.next(request.devEui()).compose(next -> answer(next, Answering.of(context), keys,
                            asKekLabel(claim, requester))));
        });
    }

    /**
     * The root keys of a device that has a home network: this network's own, or a claimed one; empty for an unknown
     * device and for one provisioned but not claimed, whose root keys name no real home network.
     */
    Future<Optional<RootKeys>> homed(Eui64 devEui) {
        return claims.held(devEui).map(held -> held.filter(h -> h.claim().map(Claim::isClaimed).orElse(true))
                .map(h -> rootKeys.open(devEui, h.rootKeysRecord())));
    }

    /** ActivationDisallowed for a device provisioned with an owner token that nobody has claimed yet. */
    private static Optional<JoinAnswer> unclaimed(Optional<Claim> claim, Eui64 devEui) {
        if (claim.isPresent() && !claim.get().isClaimed()) {
            return Optional.of(new JoinAnswer.Rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + devEui
                    + " is provisioned but not claimed: its owner claims it with its owner token before it can join"));
        }
        return Optional.empty();
    }

    /** The KEK label for the AppSKey: the one the device's owner named when claiming it, else the requester's. */
    private static String asKekLabel(Optional<Claim> claim, Requester requester) {
        return claim.map(Claim::asKekLabel).filter(label -> !label.isEmpty()).orElse(requester.asKekLabel());
    }

    /** ActivationDisallowed when the requester is not the device's home network (or home network server). */
    private static Optional<JoinAnswer> refusedHome(RootKeys keys, Requester requester, Eui64 devEui) {
        if (!keys.homeNetId().equals(requester.netId())) {
            return Optional.of(new JoinAnswer.Rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + devEui
                    + " has home NetID " + keys.homeNetId() + "; NetID " + requester.netId() + " may not activate it"));
        }
        // A peer that sends no NSID (Backend Interfaces 1.0, or 1.1 without SenderNSID) cannot prove it is the
        // home network server, so it does not reach a device registered with one.
        if (keys.homeNsId().isPresent() && !requester.inProcess() && !keys.homeNsId().equals(requester.nsId())) {
            return Optional.of(new JoinAnswer.Rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + devEui
                    + " has home NSID " + keys.homeNsId().get() + "; " + requester.nsId().map(id -> "NSID " + id)
                    .orElse("a requester that sends no NSID") + " may not activate it"));
        }
        return Optional.empty();
    }

    /**
     * What a join-accept is built from. A rejoin-accept differs from a join-accept in three places (LoRaWAN 1.1
     * sections 6.2.3 and 6.2.4): JoinReqType in its MIC is the rejoin type (0xFF for a join-request), RJcount0 or
     * RJcount1 takes DevNonce's place in the MIC and the key derivation, and it is encrypted with JSEncKey, not NwkKey.
     */
    private record Answering(Eui64 devEui, Eui64 joinEui, NetId netId, DevAddr devAddr, DlSettings dlSettings,
                             int rxDelay, Optional<CfList> cfList, int joinReqType, DevNonce nonce, boolean rejoin) {
        static Answering of(JoinRequestContext context) {
            JoinRequest request = context.request();
            return new Answering(request.devEui(), request.joinEui(), context.netId(), context.devAddr(),
                    context.dlSettings(), context.rxDelay(), context.cfList(), JOIN_REQUEST_TYPE, request.devNonce(),
                    false);
        }

        static Answering of(RejoinRequestContext context) {
            RejoinRequest request = context.request();
            int count = request instanceof RejoinRequest.JoinEuiType type1 ? type1.rjCount1()
                    : ((RejoinRequest.NetIdType) request).rjCount0();
            return new Answering(request.devEui(), context.joinEui(), context.netId(), context.devAddr(),
                    context.dlSettings(), context.rxDelay(), context.cfList(), request.rejoinType(),
                    new DevNonce(count), true);
        }
    }

    /**
     * The answer once the JoinNonce step has run. A locked device gets ActivationDisallowed: its root keys were
     * exported and may now be in another join server, so this one must not activate it whatever the requester
     * (JoinReqFailed would say the request itself was at fault, and a retry could help).
     */
    private Future<JoinAnswer> answer(JoinNonceCounter.Next next, Answering request, RootKeys keys,
                                      String asKekLabel) {
        if (next instanceof JoinNonceCounter.Next.Issued issued) {
            return accept(request, keys, issued.value(), asKekLabel);
        }
        if (next instanceof JoinNonceCounter.Next.Locked) {
            return rejected(JoinResult.ACTIVATION_DISALLOWED, "DevEUI " + request.devEui() + " is locked after "
                    + "export; its owner unlocks it with POST /api/v1/join-server/devices/" + request.devEui()
                    + "/unlock");
        }
        return rejected(JoinResult.JOIN_REQ_FAILED, "DevEUI " + request.devEui()
                + " has used every JoinNonce; it needs new root keys");
    }

    private Future<JoinAnswer> accept(Answering request, RootKeys keys, JoinNonce joinNonce, String asKekLabel) {
        // OptNeg is set for LoRaWAN 1.1 devices: this join server and the network server both speak 1.1.
        boolean lorawan11 = keys.macVersion() == MacVersion.LORAWAN_1_1_0;
        DlSettings dlSettings = new DlSettings(lorawan11, request.dlSettings().rx1DrOffset(),
                request.dlSettings().rx2DataRate());
        JoinAccept accept = new JoinAccept(joinNonce, request.netId(), request.devAddr(), dlSettings,
                request.rxDelay(), request.cfList(), Mic.of(new byte[4], 0));
        SessionKeys session;
        AesKey encryptionKey = keys.joinKey();
        if (lorawan11) {
            AesKey nwkKey = keys.nwkKey().orElseThrow();
            session = SessionKeys.derive11(nwkKey, keys.appKey(), joinNonce, request.joinEui(), request.nonce());
            accept = accept.withMic(JoinCrypto.joinAcceptMic11(SessionKeys.jsIntKey(nwkKey, request.devEui()),
                    request.joinReqType(), request.joinEui(), request.nonce(), accept));
            if (request.rejoin()) {
                encryptionKey = SessionKeys.jsEncKey(nwkKey, request.devEui());
            }
        } else {
            session = SessionKeys.derive10(keys.appKey(), joinNonce, request.netId(), request.nonce());
            accept = accept.withMic(JoinCrypto.joinAcceptMic(keys.appKey(), accept));
        }
        EncryptedJoinAccept encrypted = JoinCrypto.encrypt(encryptionKey, accept);
        byte[] sessionKeyId = new byte[16];
        RANDOM.nextBytes(sessionKeyId);
        LOG.debug("{} for DevEUI {} (LoRaWAN {}, JoinNonce {})", request.rejoin() ? "Rejoin-accept" : "Join-accept",
                request.devEui(), keys.macVersion(), joinNonce);
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
