package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sysfs tree laid out as the kernel's DAMON documentation gives it (Documentation/admin-guide/mm/damon/usage.rst,
 * reclaim.rst), with the values of a Firecracker guest that reclaims cold page cache.
 */
class DamonTest {
    @TempDir
    Path sys;

    @Test
    void noDamonDirectoryIsNone() {
        assertEquals("none", Damon.describe(sys));
    }

    @Test
    void aKdamondWithAPageoutSchemeNamesItsQuota() throws Exception {
        Path kdamond = sys.resolve("kernel/mm/damon/admin/kdamonds/0");
        write(kdamond.resolve("state"), "on\n");
        Path context = kdamond.resolve("contexts/0");
        write(context.resolve("operations"), "paddr\n");
        Path scheme = context.resolve("schemes/0");
        write(scheme.resolve("action"), "pageout\n");
        write(scheme.resolve("quotas/ms"), "50\n");
        write(scheme.resolve("quotas/reset_interval_ms"), "1000\n");
        write(kdamond.getParent().resolve("nr_kdamonds"), "1\n");
        assertEquals("kdamond 0 on: paddr, scheme pageout (up to 50 ms of CPU per 1000 ms)", Damon.describe(sys));
    }

    @Test
    void aStoppedKdamondWithoutSchemesAndTheReclaimModule() throws Exception {
        Path kdamond = sys.resolve("kernel/mm/damon/admin/kdamonds/0");
        write(kdamond.resolve("state"), "off\n");
        write(kdamond.resolve("contexts/0/operations"), "vaddr\n");
        Files.createDirectories(kdamond.resolve("contexts/0/schemes"));
        write(sys.resolve("module/damon_reclaim/parameters/enabled"), "Y\n");
        write(sys.resolve("module/damon_lru_sort/parameters/enabled"), "N\n");
        assertEquals("kdamond 0 off: vaddr, monitoring only; damon_reclaim enabled", Damon.describe(sys));
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
