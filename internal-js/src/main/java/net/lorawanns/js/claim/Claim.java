package net.lorawanns.js.claim;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.types.NetId;

/**
 * Who owns a device provisioned into the built-in join server. An unclaimed device has no home network and answers
 * no join (ActivationDisallowed); a claimed one answers its home network only (NetID, and NSID when given), with the
 * AppSKey wrapped under the application server's KEK. Devices put with root keys through {@code PUT /api/v1/devices}
 * have no claim at all: they belong to this network.
 *
 * @param state unclaimed or claimed
 * @param homeNetId the owner's network (claimed only)
 * @param homeNsId the owner's network server (claimed only, optional)
 * @param asKekLabel label of the configured KEK that wraps the AppSKey for the owner's application server (claimed
 *     only; empty = in clear)
 * @param claimedAt when it was claimed (claimed only)
 */
public record Claim(State state, Optional<NetId> homeNetId, Optional<String> homeNsId, String asKekLabel,
                    Optional<Instant> claimedAt) {
    /** The state of a device's claim. */
    public enum State {
        UNCLAIMED, CLAIMED;

        /** The name used in Redis and in the API. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State fromWireName(String name) {
            for (State state : values()) {
                if (state.wireName().equals(name)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown claim state '" + name + "'");
        }
    }

    public Claim {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(asKekLabel, "asKekLabel");
        if (state == State.CLAIMED && (homeNetId.isEmpty() || claimedAt.isEmpty())) {
            throw new IllegalArgumentException("a claimed device has a home NetID and a claim time");
        }
        if (state == State.UNCLAIMED && (homeNetId.isPresent() || homeNsId.isPresent() || claimedAt.isPresent()
                || !asKekLabel.isEmpty())) {
            throw new IllegalArgumentException("an unclaimed device has no home network");
        }
    }

    public static Claim unclaimed() {
        return new Claim(State.UNCLAIMED, Optional.empty(), Optional.empty(), "", Optional.empty());
    }

    public static Claim claimed(NetId homeNetId, Optional<String> homeNsId, String asKekLabel, Instant claimedAt) {
        return new Claim(State.CLAIMED, Optional.of(homeNetId), homeNsId, asKekLabel, Optional.of(claimedAt));
    }

    public boolean isClaimed() {
        return state == State.CLAIMED;
    }
}
