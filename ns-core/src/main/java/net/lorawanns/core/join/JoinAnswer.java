package net.lorawanns.core.join;

import java.time.Duration;
import java.util.Optional;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.types.AesKey;

/** A join server's answer to a join-request. */
public sealed interface JoinAnswer {

    /**
     * The device may join.
     *
     * @param joinAcceptPhy the encrypted join-accept PHYPayload, to send to the device as is
     * @param lorawan11 the session follows LoRaWAN 1.1 rules (OptNeg set); else one NwkSKey in all three roles
     * @param appSKey the AppSKey, in clear (empty label) or wrapped for the application server; empty when the join
     *     server keeps it for the application server's AppSKeyReq
     * @param lifetime how long the session may be used; zero for no limit
     * @param joinServerId the join server's identity as its answer named it (the JoinAns SenderID); empty when unknown
     */
    record Accepted(byte[] joinAcceptPhy, boolean lorawan11, AesKey fNwkSIntKey, AesKey sNwkSIntKey,
                    AesKey nwkSEncKey, Optional<KeyEnvelope> appSKey, String sessionKeyId, Duration lifetime,
                    String joinServerId) implements JoinAnswer {
        public Accepted {
            joinAcceptPhy = joinAcceptPhy.clone();
        }

        /** An answer whose join server's identity is not known. */
        public Accepted(byte[] joinAcceptPhy, boolean lorawan11, AesKey fNwkSIntKey, AesKey sNwkSIntKey,
                        AesKey nwkSEncKey, Optional<KeyEnvelope> appSKey, String sessionKeyId, Duration lifetime) {
            this(joinAcceptPhy, lorawan11, fNwkSIntKey, sNwkSIntKey, nwkSEncKey, appSKey, sessionKeyId, lifetime, "");
        }

        /** Where the application fetches the AppSKey, when the join server kept it. */
        public Optional<AppSKeyReference> appSKeyReference() {
            return appSKey.isEmpty() && !sessionKeyId.isEmpty()
                    ? Optional.of(new AppSKeyReference(sessionKeyId, joinServerId)) : Optional.empty();
        }

        @Override
        public byte[] joinAcceptPhy() {
            return joinAcceptPhy.clone();
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "Accepted[" + sessionKeyId + (lorawan11 ? ", 1.1" : ", 1.0") + ", appSKey " + appSKey + "]";
        }
    }

    /** The device may not join; {@code description} says why in words an operator can act on. */
    record Rejected(JoinResult result, String description) implements JoinAnswer {
    }
}
