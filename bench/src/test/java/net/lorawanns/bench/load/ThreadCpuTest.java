package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    /** A kworker's name names the work queue it serves last (kernel/workqueue.c), so the id is what is compared. */
    @Test
    void aThreadIsComparedByItsIdWhenItsNameChanged() {
        ThreadCpu before = new ThreadCpu(Map.of("11", 2.0, "77", 1.0),
                Map.of("11", "kworker/0:1-virtio_vsock", "77", "kdamond.0"), Map.of());
        ThreadCpu after = new ThreadCpu(Map.of("11", 2.5, "77", 3.25, "90", 0.25),
                Map.of("11", "kworker/0:1-mm_percpu_wq", "77", "kdamond.0", "90", "kworker/1:2-events"), Map.of());
        assertEquals(List.of(new ThreadCpu.Use("kdamond.0 #77", 2.25, Optional.empty()),
                new ThreadCpu.Use("kworker/0:1-mm_percpu_wq #11", 0.5, Optional.empty())), after.busiestSince(before, 2));
        assertEquals(3, after.busiestSince(before, 5).size(), "a thread started since is counted from nothing");
    }

    @Test
    void aThreadsWaitsAreTheDifferenceOfItsTwoReadings() {
        ThreadCpu before = new ThreadCpu(Map.of("21", 4.0), Map.of("21", "vert.x-eventloop-thread-1"),
                Map.of("21", new CpuWait(1.5, 100)));
        ThreadCpu after = new ThreadCpu(Map.of("21", 9.0, "22", 1.0),
                Map.of("21", "vert.x-eventloop-thread-1", "22", "vert.x-eventloop-thread-2"),
                Map.of("21", new CpuWait(4.0, 2_600), "22", new CpuWait(0.25, 7)));
        assertEquals(List.of(new ThreadCpu.Use("vert.x-eventloop-thread-1 #21", 5.0, Optional.of(new CpuWait(2.5, 2_500))),
                new ThreadCpu.Use("vert.x-eventloop-thread-2 #22", 1.0, Optional.of(new CpuWait(0.25, 7)))),
                after.busiestSince(before, 2));
    }
}
