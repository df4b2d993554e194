package net.lorawanns.js.claim;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.RootKeyStore;
import net.lorawanns.js.audit.AuditAction;
import net.lorawanns.js.audit.AuditEntry;
import net.lorawanns.js.audit.AuditLog;

/**
 * Claiming, unclaiming and transferring a device provisioned with an owner token (TR005 Appendix A's life cycle).
 * Each step presents the owner token ({@link ClaimStore#authenticate}, rate limited), then changes the claim and the
 * home network in the sealed root-key record together with a compare-and-set script, so that of two concurrent
 * requests on any instances one wins and the other is refused as a conflict. Every step and every refused attempt
 * is recorded in the audit log, after the step took effect ({@link AuditLog} says why not in the same script).
 *
 * <p>While a device is unclaimed its root-key record names NetID 000000 and no NSID: it is the claim's state, checked
 * by the join server before the home network, that refuses its joins.
 *
 * <p>Futures complete on the Redis client's event loop.
 */
public final class DeviceClaiming {
    /** The home NetID written into the root keys of an unclaimed device; never used to admit a join. */
    public static final NetId NO_HOME = new NetId(0);

    private final RootKeyStore rootKeys;
    private final ClaimStore claims;
    private final AuditLog audit;
    private final Set<String> kekLabels;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** @param kekLabels the labels of the configured {@code [[internal_js.kek]]} entries, which a claim may name */
    public DeviceClaiming(RootKeyStore rootKeys, ClaimStore claims, AuditLog audit, Set<String> kekLabels, Clock clock,
                          MeterRegistry registry) {
        this.rootKeys = rootKeys;
        this.claims = claims;
        this.audit = audit;
        this.kekLabels = Set.copyOf(kekLabels);
        this.clock = clock;
        this.registry = registry;
    }

    /** Who claims a device: the home network and how the AppSKey goes to its application server. */
    public record Claimant(NetId homeNetId, Optional<String> homeNsId, String asKekLabel) {
    }

    /**
     * Claims an unclaimed device for {@code claimant}; {@code joinEui}, when given (a QR code names one), must be the
     * device's. Fails with {@link ClaimRefused}, {@link OwnerTokenAttemptsLimited} or
     * {@link IllegalArgumentException} (an AS KEK label that no configured KEK has).
     */
    public Future<Claim> claim(Eui64 devEui, Optional<Eui64> joinEui, OwnerToken token, Claimant claimant,
                               String who) {
        if (!claimant.asKekLabel().isEmpty() && !kekLabels.contains(claimant.asKekLabel())) {
            return Future.failedFuture(new IllegalArgumentException("as_kek_label: no [[internal_js.kek]] has label '"
                    + claimant.asKekLabel() + "'"));
        }
        Claim claimed = Claim.claimed(claimant.homeNetId(), claimant.homeNsId(), claimant.asKekLabel(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        String detail = "NetID " + claimant.homeNetId() + claimant.homeNsId().map(id -> ", NSID " + id).orElse("");
        return authenticated(devEui, token, who).compose(stored -> {
            if (stored.decodedClaim().isClaimed()) {
                return refused(devEui, who, ClaimRefused.Reason.ALREADY_CLAIMED, "DevEUI " + devEui
                        + " is already claimed; its owner unclaims or transfers it first");
            }
            RootKeys keys = rootKeys.open(devEui, stored.rootKeysRecord());
            if (joinEui.isPresent() && !joinEui.get().equals(keys.joinEui())) {
                return refused(devEui, who, ClaimRefused.Reason.JOIN_EUI_MISMATCH, "the QR code names JoinEUI "
                        + joinEui.get() + "; DevEUI " + devEui + " is provisioned with JoinEUI " + keys.joinEui());
            }
            return write(devEui, stored, withHome(keys, claimant.homeNetId(), claimant.homeNsId()), claimed, token,
                    AuditAction.CLAIM, who, detail);
        });
    }

    /** Makes a claimed device unclaimed again (same owner token); its home network is cleared. */
    public Future<Claim> unclaim(Eui64 devEui, OwnerToken token, String who) {
        return authenticated(devEui, token, who).compose(stored -> {
            Claim current = stored.decodedClaim();
            if (!current.isClaimed()) {
                return refused(devEui, who, ClaimRefused.Reason.NOT_CLAIMED, "DevEUI " + devEui + " is not claimed");
            }
            RootKeys keys = rootKeys.open(devEui, stored.rootKeysRecord());
            return write(devEui, stored, withHome(keys, NO_HOME, Optional.empty()), Claim.unclaimed(), token,
                    AuditAction.UNCLAIM, who, "was NetID " + current.homeNetId().orElseThrow());
        });
    }

    /**
     * Hands the device on: the owner presents its token and a fresh one; the device becomes unclaimed under the
     * fresh token, with which the new owner claims it. The old token no longer works.
     */
    public Future<Claim> transfer(Eui64 devEui, OwnerToken token, OwnerToken freshToken, String who) {
        return authenticated(devEui, token, who).compose(stored -> {
            Claim current = stored.decodedClaim();
            RootKeys keys = rootKeys.open(devEui, stored.rootKeysRecord());
            String detail = current.homeNetId().map(netId -> "was NetID " + netId).orElse("was unclaimed");
            return write(devEui, stored, withHome(keys, NO_HOME, Optional.empty()), Claim.unclaimed(), freshToken,
                    AuditAction.TRANSFER, who, detail);
        });
    }

    /**
     * The stored records once the token is proven; a refused attempt is audited, counted and failed. The records are
     * read after the proof: a claim record other than the one the token was proven against (a transfer or unclaim
     * landed in between) refuses the step as a conflict, as the compare-and-set of {@link #write} would not see it.
     */
    private Future<ClaimStore.Stored> authenticated(Eui64 devEui, OwnerToken token, String who) {
        return claims.authenticate(devEui, token).recover(failure -> {
            if (failure instanceof OwnerTokenAttemptsLimited limited) {
                return audited(devEui, who, ClaimRefused.Reason.RATE_LIMITED)
                        .compose(v -> Future.failedFuture(limited));
            }
            return Future.failedFuture(failure);
        }).compose(proven -> proven.isEmpty()
                ? refused(devEui, who, ClaimRefused.Reason.WRONG_TOKEN, "the owner token is not that of DevEUI "
                        + devEui + ", or no device with an owner token has that DevEUI")
                : claims.stored(devEui).compose(stored -> stored.isPresent()
                        && stored.get().claim().equals(proven.get()) ? Future.succeededFuture(stored.get())
                        : refused(devEui, who, ClaimRefused.Reason.CONFLICT, "DevEUI " + devEui
                                + " was changed or removed by another request at the same time; try again")));
    }

    private Future<Claim> write(Eui64 devEui, ClaimStore.Stored expected, RootKeys keys, Claim claim,
                                OwnerToken token, AuditAction action, String who, String detail) {
        return claims.replace(devEui, expected, rootKeys.seal(devEui, keys), claim, token).compose(done -> {
            if (!done) {
                return refused(devEui, who, ClaimRefused.Reason.CONFLICT, "DevEUI " + devEui
                        + " was changed by another request at the same time; try again");
            }
            count("lorawan.js.claims", "action", action.wireName());
            return audit.record(AuditEntry.of(action, devEui, who, detail)).map(claim);
        });
    }

    private <T> Future<T> refused(Eui64 devEui, String who, ClaimRefused.Reason reason, String message) {
        return audited(devEui, who, reason).compose(v -> Future.failedFuture(new ClaimRefused(reason, message)));
    }

    private Future<Void> audited(Eui64 devEui, String who, ClaimRefused.Reason reason) {
        count("lorawan.js.claims.refused", "reason", reason.wireName());
        return audit.record(AuditEntry.of(AuditAction.CLAIM_REFUSED, devEui, who, reason.wireName()));
    }

    private void count(String name, String tag, String value) {
        counters.computeIfAbsent(name + "|" + value, k -> Counter.builder(name)
                .description(name.endsWith("refused") ? "Claim, unclaim and transfer attempts refused, by reason"
                        : "Claims, unclaims and transfers done, by action")
                .tag(tag, value).register(registry)).increment();
    }

    private static RootKeys withHome(RootKeys keys, NetId homeNetId, Optional<String> homeNsId) {
        return new RootKeys(keys.joinEui(), keys.macVersion(), keys.appKey(), keys.nwkKey(), homeNetId, homeNsId,
                keys.asId());
    }
}
