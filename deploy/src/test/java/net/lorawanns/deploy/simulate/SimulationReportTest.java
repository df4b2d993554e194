package net.lorawanns.deploy.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as lost, and how the summary says it. */
class SimulationReportTest {
    private static final String DEVICE = "5E00000100000001";

    @Test
    void everyUplinkSeenAndAcknowledgedIsNothingLost() {
        SimulationReport report = new SimulationReport();
        report.uplinkSent(DEVICE, 0, false, 0);
        report.uplinkSent(DEVICE, 1, true, 1_000_000_000L);
        report.uplinkEvent(DEVICE, 0, 200_000_000L);
        report.uplinkEvent(DEVICE, 1, 1_300_000_000L);
        report.acknowledged++;
        assertFalse(report.lost(), String.join("\n", report.summary()));
        List<String> summary = report.summary();
        assertTrue(summary.contains("uplinks delivered as events: 2 of 2 sent"), summary.toString());
        assertTrue(summary.contains("confirmed uplinks acknowledged: 1 of 1"), summary.toString());
        // Nearest rank over {200, 300} ms: the median is the first, p99 the second.
        assertEquals(200.0, report.quantileMillis(0.5));
        assertEquals(300.0, report.quantileMillis(0.99));
    }

    @Test
    void anUplinkWithoutItsEventAndAConfirmedOneWithoutAckAreLost() {
        SimulationReport report = new SimulationReport();
        report.uplinkSent(DEVICE, 0, false, 0);
        report.uplinkSent(DEVICE, 1, true, 0);
        report.uplinkEvent(DEVICE, 1, 1);
        report.unacknowledged(DEVICE, 1);
        assertTrue(report.lost());
        List<String> summary = report.summary();
        assertTrue(summary.contains("uplinks delivered as events: 1 of 2 sent"), summary.toString());
        assertTrue(summary.contains("LOST: 1 uplink(s) never seen as events (DevEUI:FCnt): " + DEVICE + ":0"),
                summary.toString());
        assertTrue(summary.contains("LOST: 1 confirmed uplink(s) without an ACK in RX1 or RX2: " + DEVICE + ":1"),
                summary.toString());
    }

    @Test
    void anUnansweredJoinADeviceThatNeverJoinedAndAnEventTwiceAreCounted() {
        SimulationReport report = new SimulationReport();
        report.otaaDevices = 2;
        report.joinRequests = 3;
        report.joinRequestsUnanswered = 2;
        report.joinsAccepted = 1;
        report.uplinkSent(DEVICE, 0, false, 0);
        report.uplinkEvent(DEVICE, 0, 1);
        report.uplinkEvent(DEVICE, 0, 2);
        assertTrue(report.lost());
        List<String> summary = report.summary();
        assertTrue(summary.contains("LOST: 2 join-request(s) without a join-accept; 1 device(s) never joined"),
                summary.toString());
        assertTrue(summary.contains("WRONG: 1 problem(s): an uplink event for " + DEVICE + ":0 that was not sent, "
                + "or came twice"), summary.toString());
    }
}
