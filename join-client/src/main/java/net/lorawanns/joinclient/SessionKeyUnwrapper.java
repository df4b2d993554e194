package net.lorawanns.joinclient;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.backend.JoinAns;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.crypto.KeyWrap;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.types.AesKey;

/**
 * A JoinAns as the pipeline needs it: network session keys unwrapped with the {@code [[join_server.kek]]} of their
 * label (RFC 3394; an empty label is a key in clear; an unknown label fails the join); the AppSKey unwrapped when we
 * hold its KEK, else kept wrapped for the application side.
 */
final class SessionKeyUnwrapper {
    private final Map<String, AesKey> keks;

    SessionKeyUnwrapper(Map<String, AesKey> keks) {
        this.keks = Map.copyOf(keks);
    }

    JoinAnswer read(JoinAns ans) {
        if (ans.result() != JoinResult.SUCCESS) {
            return new JoinAnswer.Rejected(ans.result(), ans.description().isEmpty()
                    ? "the join server answered " + ans.result().code() : ans.description());
        }
        byte[] phy = ans.phyPayload().orElseThrow(() -> new JoinClientException("JoinAns Success without PHYPayload"));
        boolean lorawan11 = ans.fNwkSIntKey().isPresent();
        AesKey fNwkSIntKey;
        AesKey sNwkSIntKey;
        AesKey nwkSEncKey;
        if (lorawan11) {
            fNwkSIntKey = unwrap("FNwkSIntKey", ans.fNwkSIntKey());
            sNwkSIntKey = unwrap("SNwkSIntKey", ans.sNwkSIntKey());
            nwkSEncKey = unwrap("NwkSEncKey", ans.nwkSEncKey());
        } else {
            fNwkSIntKey = unwrap("NwkSKey", ans.nwkSKey());
            sNwkSIntKey = fNwkSIntKey;
            nwkSEncKey = fNwkSIntKey;
        }
        Optional<KeyEnvelope> appSKey = ans.appSKey().map(envelope -> envelope.wrapped()
                && keks.containsKey(envelope.kekLabel())
                ? new KeyEnvelope("", unwrap("AppSKey", Optional.of(envelope)).bytes()) : envelope);
        return new JoinAnswer.Accepted(phy, lorawan11, fNwkSIntKey, sNwkSIntKey, nwkSEncKey, appSKey,
                ans.sessionKeyId().orElse(""), Duration.ofSeconds(ans.lifetime().orElse(0L)), ans.header().senderId());
    }

    private AesKey unwrap(String field, Optional<KeyEnvelope> envelope) {
        KeyEnvelope key = envelope.orElseThrow(() -> new JoinClientException("JoinAns Success without " + field));
        if (!key.wrapped()) {
            return AesKey.of(key.aesKey());
        }
        AesKey kek = keks.get(key.kekLabel());
        if (kek == null) {
            throw new JoinClientException(field + " is wrapped with KEK label '" + key.kekLabel()
                    + "', which no [[join_server.kek]] has");
        }
        try {
            return KeyWrap.unwrap(kek, key.aesKey());
        } catch (KeyWrap.KeyUnwrapException e) {
            throw new JoinClientException(field + " does not unwrap with the KEK labelled '" + key.kekLabel()
                    + "' (RFC 3394 integrity check failed: the two sides hold different KEKs)");
        }
    }
}
