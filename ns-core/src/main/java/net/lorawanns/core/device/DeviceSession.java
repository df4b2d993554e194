package net.lorawanns.core.device;

import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;

/**
 * A device's network session: DevAddr, network session keys and the radio settings it was given.
 *
 * @param id unique per session, so that a counter update can tell whether the session it checked is still current
 * @param lorawan11 LoRaWAN 1.1 frame rules (a 1.1 device that joined with OptNeg set); else 1.0 rules with one NwkSKey
 * @param appSKey the AppSKey when this server holds it in clear
 * @param appSKeyEnvelope the AppSKey wrapped for the application server, when the join server sent it that way
 * @param appSKeyReference where the application fetches the AppSKey, when the join server kept it
 */
public record DeviceSession(String id, DevAddr devAddr, boolean lorawan11, AesKey fNwkSIntKey, AesKey sNwkSIntKey,
                            AesKey nwkSEncKey, Optional<AesKey> appSKey, Optional<KeyEnvelope> appSKeyEnvelope,
                            int rx1DrOffset, int rx2DataRate, int rxDelaySeconds,
                            Optional<AppSKeyReference> appSKeyReference) {
    public DeviceSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(devAddr, "devAddr");
        Objects.requireNonNull(appSKey, "appSKey");
        Objects.requireNonNull(appSKeyEnvelope, "appSKeyEnvelope");
        Objects.requireNonNull(appSKeyReference, "appSKeyReference");
    }

    /** A session whose AppSKey, if any, is in it (ABP, or a join server that sent it). */
    public DeviceSession(String id, DevAddr devAddr, boolean lorawan11, AesKey fNwkSIntKey, AesKey sNwkSIntKey,
                         AesKey nwkSEncKey, Optional<AesKey> appSKey, Optional<KeyEnvelope> appSKeyEnvelope,
                         int rx1DrOffset, int rx2DataRate, int rxDelaySeconds) {
        this(id, devAddr, lorawan11, fNwkSIntKey, sNwkSIntKey, nwkSEncKey, appSKey, appSKeyEnvelope, rx1DrOffset,
                rx2DataRate, rxDelaySeconds, Optional.empty());
    }

    @Override
    public String toString() {
        return "DeviceSession[" + id + " " + devAddr + (lorawan11 ? " 1.1" : " 1.0") + "]";
    }
}
