package net.lorawanns.core.join;

import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * A device's root keys and what the join server needs with them.
 *
 * @param appKey the AppKey (the only root key of LoRaWAN 1.0.x devices)
 * @param nwkKey the NwkKey of LoRaWAN 1.1 devices
 * @param homeNetId the network the device may activate on
 * @param homeNsId the network server of that network that may activate it (Backend Interfaces 1.1 NSID); empty = any
 *                 that sends no NSID or the in-process network server
 * @param asId the device's application server (Backend Interfaces AS-ID), the only one whose AppSKeyReq is answered;
 *             empty = none
 */
public record RootKeys(Eui64 joinEui, MacVersion macVersion, AesKey appKey, Optional<AesKey> nwkKey,
                       NetId homeNetId, Optional<String> homeNsId, Optional<String> asId) {
    public RootKeys {
        Objects.requireNonNull(joinEui, "joinEui");
        Objects.requireNonNull(macVersion, "macVersion");
        Objects.requireNonNull(appKey, "appKey");
        Objects.requireNonNull(nwkKey, "nwkKey");
        Objects.requireNonNull(homeNetId, "homeNetId");
        Objects.requireNonNull(homeNsId, "homeNsId");
        Objects.requireNonNull(asId, "asId");
        if (macVersion == MacVersion.LORAWAN_1_1_0 && nwkKey.isEmpty()) {
            throw new IllegalArgumentException("a LoRaWAN 1.1 device needs a NwkKey as well as an AppKey");
        }
    }

    /** The key that signs and encrypts join messages: NwkKey for 1.1, AppKey for 1.0.x (LoRaWAN 1.1 section 6.1.1.3). */
    public AesKey joinKey() {
        return nwkKey.orElse(appKey);
    }

    @Override
    public String toString() {
        return "RootKeys[" + joinEui + ", " + macVersion + ", home " + homeNetId + homeNsId.map(id -> "/" + id).orElse("")
                + asId.map(id -> ", AS " + id).orElse("") + ", ****]";
    }
}
