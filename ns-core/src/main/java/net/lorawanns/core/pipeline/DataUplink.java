package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import net.lorawanns.core.device.CounterStep;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.mac.MacTarget;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import net.lorawanns.core.uplink.OwnedSet;

/**
 * One data frame on its way through the {@link DataPath}: the frame and its copies, and what each step found for
 * the steps after it. Confined to the pipeline's event loop.
 */
final class DataUplink {
    /**
     * The frame's copies: this instance's until {@link FrameCounter} has them all, from {@link #whole}; the steps
     * before it use only what every copy shares (the frame, its frequency and data rate).
     */
    DeduplicatedUplink copies;
    /** Every copy, once the request that closed the deduplication set has answered. */
    final Future<DeduplicatedUplink> whole;
    /** The region of the gateways that heard the frame. */
    final Region region;
    final DataFrame frame;
    /** The frame's PHYPayload as received: its MIC is checked over these bytes, never over the frame re-encoded. */
    final byte[] phyPayload;
    /** The uplink's data-rate index in the region, empty when the region has none for its modulation. */
    final OptionalInt dataRate;

    /** Set by {@link SessionMatch}: the session whose keys verified the MIC, and the 32-bit counter they used. */
    SessionCandidate candidate;
    long fCnt;
    /** Whether {@link #candidate} came from this instance's session cache rather than from Redis. */
    boolean fromCache;

    /** Set by {@link FrameCounter}: the counter decision and the device record read with it. */
    CounterStep counterStep;
    Device device;

    /** Set by {@link FrameCounter}, changed by {@link DownlinkAcks}: the application downlinks waiting. */
    int queueLength;

    /** Set by {@link ProfileStep}: the settings the device works with. */
    EffectiveProfile profile;

    /** Set by {@link MacCommandReader}: what the device sent in FOpts or on FPort 0. */
    List<MacCommand> macCommands = List.of();
    /** Set by {@link DeviceMac}: the session's MAC state as stored (empty before the first), and as it is now. */
    Optional<MacState> storedMac = Optional.empty();
    MacState mac;
    /** Set by {@link AdrStep}: whether the network controls the device's data rate, and what ADR decided. */
    boolean adrControlled;
    Optional<MacTarget.LinkAdr> linkAdr = Optional.empty();
    /** Set by {@link NetworkRequests}: the network's requests in {@link #answers}, and the channels they leave. */
    List<MacCommand.Downlink> requests = List.of();
    SortedSet<Integer> channelsAfterRequests = Collections.emptySortedSet();

    /** Added to by the MAC steps: what the answer carries, in order (TS001 section 5 leaves the order to the NS). */
    final List<MacCommand.Downlink> answers = new ArrayList<>();
    /** Set by {@link ClassAAnswer}: the MAC commands that went out; none when no answer was sent. */
    List<MacCommand.Downlink> sent = List.of();
    /** Set by {@link ClassAAnswer}: the confirmed item the answer carried, which now waits for the device's ACK. */
    Optional<PendingAck> confirmedSent = Optional.empty();

    DataUplink(OwnedSet set, Region region, DataFrame frame, byte[] phyPayload, OptionalInt dataRate) {
        this.copies = set.local();
        this.whole = set.whole();
        this.region = region;
        this.frame = frame;
        this.phyPayload = phyPayload;
        this.dataRate = dataRate;
    }

    DeviceSession session() {
        return candidate.session();
    }

    boolean confirmed() {
        return frame.mType() == MType.CONFIRMED_DATA_UP;
    }

    /** A frame the counter step took as new (or as a reset): delivered, and its MAC commands handled. */
    boolean isNew() {
        return counterStep.decision() == FCntDecision.NEW || counterStep.decision() == FCntDecision.RESET;
    }
}
