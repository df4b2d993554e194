package net.lorawanns.bridge;

import java.util.List;
import java.util.Objects;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;

/**
 * A decoded PUSH_DATA: the frames to forward, why the other rxpk were not, and the status report if any. A value. The
 * usual datagram's one frame is held without a list: the bridge reads the frames with {@link #frameCount} and
 * {@link #frame}.
 */
final class PushData {
    /** The frame when there is exactly one, else null. */
    private final UplinkFrame onlyFrame;
    /** The frames when there are none or several, else null. */
    private final List<UplinkFrame> frames;
    private final List<RejectedRxpk> rejected;
    private final GatewayStats stats;

    PushData(List<UplinkFrame> frames, List<RejectedRxpk> rejected, GatewayStats stats) {
        boolean one = frames.size() == 1;
        this.onlyFrame = one ? Objects.requireNonNull(frames.get(0)) : null;
        this.frames = one ? null : List.copyOf(frames);
        // An empty list (the usual datagram rejects nothing) without the array List.copyOf copies an ArrayList into.
        this.rejected = rejected.isEmpty() ? List.of() : List.copyOf(rejected);
        this.stats = stats;
    }

    int frameCount() {
        return onlyFrame != null ? 1 : frames.size();
    }

    /** Frame {@code index}, 0 to {@link #frameCount()} - 1. */
    UplinkFrame frame(int index) {
        if (onlyFrame == null) {
            return frames.get(index);
        }
        Objects.checkIndex(index, 1);
        return onlyFrame;
    }

    /** The frames in a list (a new one each call when there is one frame). */
    List<UplinkFrame> frames() {
        return onlyFrame != null ? List.of(onlyFrame) : frames;
    }

    List<RejectedRxpk> rejected() {
        return rejected;
    }

    /** The status report, or null. */
    GatewayStats stats() {
        return stats;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PushData that && frames().equals(that.frames()) && rejected.equals(that.rejected)
                && Objects.equals(stats, that.stats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(frames(), rejected, stats);
    }

    @Override
    public String toString() {
        return "PushData[frames=" + frames() + ", rejected=" + rejected + ", stats=" + stats + "]";
    }

    /** One rxpk that was not forwarded. */
    record RejectedRxpk(DropReason reason, String detail) {
    }
}
