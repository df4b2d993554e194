package net.lorawanns.bench.load;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Readies the generator's own heap before each sending phase, so that none of its collections falls in one: a
 * collection stops the sending and the reading of PUSH_ACKs alike, and the server then sees a burst
 * ({@link GeneratorGcPauses} reports any that still does).
 *
 * <p>A full collection first: it moves the datagrams' packets built last to the old generation, which the young
 * collections do not copy (while the datagrams' bytes were in the heap, the first young collection while sending
 * copied them: 383 ms in one measured phase at 45,000 copies/s), and it empties eden. Sending then allocates nothing
 * ({@link OffHeapDatagrams}), but reading PUSH_ACKs does: Netty makes a packet and the sender's address for each,
 * about 170 bytes, 5 MB/s at 30,000 copies/s. The eden G1 gives is a share of the heap, and after a full collection
 * the JVM would shrink the heap to what is live (731 to 456 MB in run S30a, with an eden of 258 MB that the reading
 * filled in 50 s): the heap keeps its size instead ({@code MaxHeapFreeRatio}, a flag the JVM lets a program set).
 */
final class OwnHeap {
    private OwnHeap() {
    }

    /** Call before each sending phase, after the datagrams are built. */
    static void readyForPhase() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotSpot != null) {
            hotSpot.setVMOption("MaxHeapFreeRatio", "100");
        }
        System.gc();
    }
}
