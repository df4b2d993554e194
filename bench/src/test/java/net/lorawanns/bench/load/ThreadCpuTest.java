package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    /** A kworker's name names the work queue it serves last (kernel/workqueue.c), so the id is what is compared. */
    @Test
    void aThreadIsComparedByItsIdWhenItsNameChanged() {
        ThreadCpu before = new ThreadCpu(Map.of("11", 2.0, "77", 1.0),
                Map.of("11", "kworker/0:1-virtio_vsock", "77", "kdamond.0"));
        ThreadCpu after = new ThreadCpu(Map.of("11", 2.5, "77", 3.25, "90", 0.25),
                Map.of("11", "kworker/0:1-mm_percpu_wq", "77", "kdamond.0", "90", "kworker/1:2-events"));
        assertEquals(List.of(Map.entry("kdamond.0 #77", 2.25), Map.entry("kworker/0:1-mm_percpu_wq #11", 0.5)),
                after.busiestSince(before, 2));
        assertEquals(3, after.busiestSince(before, 5).size(), "a thread started since is counted from nothing");
    }
}
