package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The lines are a Linux 6.18 kernel's, read from /proc; the fields' places are proc(5)'s. */
class ProcStatTest {
    @Test
    void aKernelThreadCarriesPfKthread() {
        ProcStat kdamond = ProcStat.parse("12786 (kdamond.0) I 2 0 0 0 -1 2129984 0 0 0 0 0 24 0 0 20 0 1 0 1709251 0 0"
                + " 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
        assertEquals("kdamond.0", kdamond.name());
        assertTrue(kdamond.kernelThread());
        assertEquals(24, kdamond.cpuTicks());
        assertEquals(0.24, kdamond.cpuSeconds(), 1e-9);
    }

    @Test
    void aJavaThreadWithASpaceInItsNameIsNoKernelThread() {
        ProcStat compiler = ProcStat.parse("12858 (C2 CompilerThre) S 12822 12813 10902 0 -1 4194368 19403 0 0 0 1146"
                + " 59 0 0 20 0 43 0 1711137 9189896192 198139 18446744073709551615 94374796365824 94374796366709"
                + " 140731740381904 0 0 0 4 0 16800975 1 0 0 -1 1 0 0 0 0 0");
        assertEquals("C2 CompilerThre", compiler.name());
        assertFalse(compiler.kernelThread());
        assertEquals(1205, compiler.cpuTicks());
    }

    @Test
    void aNameWithParenthesesEndsAtTheLastOne() {
        ProcStat odd = ProcStat.parse("7 (a) b) R 1 7 7 0 -1 4194304 0 0 0 0 3 4 0 0 20 0 1 0 100 0 0");
        assertEquals("a) b", odd.name());
        assertEquals(7, odd.cpuTicks());
    }

    @Test
    void thisProcessIsNoKernelThread() throws Exception {
        Path self = Path.of("/proc/self/stat");
        if (Files.isReadable(self)) {
            assertFalse(ProcStat.parse(Files.readString(self)).kernelThread());
        }
    }

    @Test
    void aLineWithoutItsFieldsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("12 (java) S 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("no stat line"));
    }
}
