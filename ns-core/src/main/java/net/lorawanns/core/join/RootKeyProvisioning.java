package net.lorawanns.core.join;

import io.vertx.core.Future;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;

/** Where the API hands root keys to the internal join server. Keys go in; they never come back out. */
public interface RootKeyProvisioning {
    /** Fails with {@link RootKeysOwnedException} when the device's keys are its owner's, not this network's. */
    Future<Void> setRootKeys(Eui64 devEui, RootKeys keys);

    /** Whether root keys are held for the device (never the keys themselves). */
    Future<Boolean> hasRootKeys(Eui64 devEui);

    /**
     * Removes the device's root keys; true when there were any. The keys of a device that is its owner's (see
     * {@link RootKeysOwnedException}) stay: they are the join server's, not this network's.
     */
    Future<Boolean> deleteRootKeys(Eui64 devEui);

    /**
     * Forgets the device's DevNonce history with the JoinEUI, as {@link DevNonceRegistry#reset} does, unless the
     * device has an owner in the join server's life cycle (a claim record, claimed or not): its replay history is not
     * this network's to reset. False, and nothing done, for such a device. The check and the reset are one step.
     */
    Future<Boolean> resetDevNonces(Eui64 devEui, Eui64 joinEui);

    /** The JoinNonce of the device's last join-accept from this join server; empty before its first. */
    Future<Optional<JoinNonce>> lastJoinNonce(Eui64 devEui);
}
