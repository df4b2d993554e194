package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnHeapTest {
    @Test
    void leavesEdenEmptyAndTheHeapAtItsSize() {
        OwnHeap.readyForPhase();

        assertEquals("100", ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxHeapFreeRatio").getValue());
        List<MemoryPoolMXBean> edens = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().contains("Eden")).toList();
        assertFalse(edens.isEmpty(), "this JVM names no eden space");
        // What the last collection, the full one, left in eden.
        edens.forEach(eden -> assertEquals(0, eden.getCollectionUsage().getUsed(), eden.getName()));
    }
}
