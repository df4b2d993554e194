package net.lorawanns.core.uplink;

import java.util.Comparator;
import java.util.List;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;

/**
 * A frame after deduplication: its bytes and radio parameters once, with every gateway copy's metadata.
 *
 * @param windowEndNanos {@link System#nanoTime()} at which the deduplication window closed; processing latency is
 *                       measured from here
 */
public record DeduplicatedUplink(UplinkFrame first, List<Copy> copies, long windowEndNanos) {
    /** Highest SNR first, then highest RSSI: the order in which gateways are tried for a downlink. */
    public static final Comparator<Copy> BEST_FIRST = Comparator
            .comparingDouble((Copy c) -> c.rxInfo().snr() == null ? Double.NEGATIVE_INFINITY : c.rxInfo().snr())
            .thenComparingInt(c -> c.rxInfo().rssi()).reversed();

    public DeduplicatedUplink {
        copies = List.copyOf(copies);
    }

    public byte[] phyPayload() {
        return first.phyPayload();
    }

    public long frequencyHz() {
        return first.frequencyHz();
    }

    public DataRate dataRate() {
        return first.dataRate();
    }
}
