package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The lines are a Linux 6.18 kernel's, read from /proc; the fields' places are proc(5)'s. */
class CpuWaitTest {
    private static final String STATUS = """
            Name:\tprocess_api
            Umask:\t0022
            State:\tS (sleeping)
            voluntary_ctxt_switches:\t317
            nonvoluntary_ctxt_switches:\t46
            """;

    @Test
    void theWaitIsSchedstatsSecondFieldAndThePreemptionsStatussInvoluntarySwitches() {
        CpuWait wait = CpuWait.parse("183855543 7751603 363\n", STATUS);
        assertEquals(0.007751603, wait.waitSeconds(), 1e-12);
        assertEquals(46, wait.preemptions());
    }

    @Test
    void linesOfAnotherShapeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuWait.parse("183855543 7751603\n", STATUS));
        assertThrows(IllegalArgumentException.class, () -> CpuWait.parse("183855543 7751603 363\n",
                "Name:\tprocess_api\nvoluntary_ctxt_switches:\t317\n"));
    }

    @Test
    void aPhasesWaitIsTheDifferenceOfTwoReadings() {
        assertEquals(new CpuWait(2.5, 2_500), new CpuWait(4.0, 2_600).minus(new CpuWait(1.5, 100)));
        assertEquals(new CpuWait(4.0, 2_600), new CpuWait(1.5, 100).plus(new CpuWait(2.5, 2_500)));
    }
}
