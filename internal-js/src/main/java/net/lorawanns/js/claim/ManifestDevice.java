package net.lorawanns.js.claim;

import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.Eui64;

/** A device of a provisioning manifest, its root keys unwrapped, ready to be stored unclaimed. */
public record ManifestDevice(int row, Eui64 devEui, RootKeys rootKeys, OwnerToken ownerToken) {
    @Override
    public String toString() {
        return "ManifestDevice[row " + row + ", " + devEui + ", " + rootKeys + ", " + ownerToken + "]";
    }
}
