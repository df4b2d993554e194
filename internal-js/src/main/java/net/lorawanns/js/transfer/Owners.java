package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.Eui64;

/** The devices' owners, as the claim model keeps them. */
public interface Owners {
    /** Checks an owner token (rate limited per DevEUI). */
    Future<OwnerVerdict> verify(Eui64 devEui, String ownerToken);

    /** Makes an imported device claimed by the importer's owner token, with the home network it was imported to. */
    Future<Void> claimImported(Eui64 devEui, String ownerToken, RootKeys home, String asKekLabel);
}
