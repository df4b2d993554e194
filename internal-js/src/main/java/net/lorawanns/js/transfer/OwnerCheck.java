package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.OwnerToken;

/**
 * Whether an owner token is the one of a claimed device, through the claim model ({@link ClaimStore}): attempts are
 * rate limited per DevEUI there, and a DevEUI that is unknown answers as a wrong token does. Futures complete on the
 * Redis client's event loop.
 */
final class OwnerCheck {
    /** What a token proves. */
    enum Verdict {
        /** The token of a claimed device. */
        OWNER,
        /** Not the device's token, or no such device here (not told apart). */
        WRONG_TOKEN,
        /** The device's token, but the device is unclaimed (provisioned, waiting for its owner). */
        NOT_CLAIMED
    }

    private final ClaimStore claims;

    OwnerCheck(ClaimStore claims) {
        this.claims = claims;
    }

    /**
     * Checks the token; fails with {@link net.lorawanns.js.claim.OwnerTokenAttemptsLimited} while the DevEUI's
     * attempts are limited.
     */
    Future<Verdict> verify(Eui64 devEui, OwnerToken token) {
        return claims.authenticate(devEui, token).compose(right -> !right ? Future.succeededFuture(Verdict.WRONG_TOKEN)
                : claims.claim(devEui).map(claim -> claim.map(Claim::isClaimed).orElse(false) ? Verdict.OWNER
                        : Verdict.NOT_CLAIMED));
    }
}
