package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import net.lorawanns.core.types.Eui64;
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

    /**
     * What a token proved, and the claim record it was proven against (empty for a wrong token), which the step that
     * acts compares in its own script.
     */
    record Verified(Verdict verdict, String claimRecord) {
    }

    private final ClaimStore claims;

    OwnerCheck(ClaimStore claims) {
        this.claims = claims;
    }

    /**
     * Checks the token; fails with {@link net.lorawanns.js.claim.OwnerTokenAttemptsLimited} while the DevEUI's
     * attempts are limited.
     */
    Future<Verified> verify(Eui64 devEui, OwnerToken token) {
        return claims.authenticate(devEui, token).map(proven -> proven.map(record -> new Verified(
                ClaimStore.claimOf(record).isClaimed() ? Verdict.OWNER : Verdict.NOT_CLAIMED, record))
                .orElse(new Verified(Verdict.WRONG_TOKEN, "")));
    }
}
