package net.lorawanns.core.join;

import net.lorawanns.core.types.Eui64;

/**
 * The device's root keys are its owner's (provisioned with an owner token, claimed or not, or locked after an
 * export): the API does not replace them. The owner unclaims or unlocks it first, with its owner token.
 */
public final class RootKeysOwnedException extends RuntimeException {
    public RootKeysOwnedException(Eui64 devEui) {
        super("DevEUI " + devEui + " was provisioned with an owner token (or is locked after a root-key export): its "
                + "root keys are its owner's and are changed through /api/v1/join-server with its owner token");
    }
}
