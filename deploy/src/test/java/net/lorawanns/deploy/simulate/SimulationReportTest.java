package net.lorawanns.deploy.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as lost, and how the summary says it. */
class SimulationReportTest {
    private static final String DEVICE = "5E00000100000001";
    private static final byte[] PAYLOAD = {1, 2, 3, 4};
    /** Base64 of {@link #PAYLOAD} (RFC 4648 section 4). */
    private static final String PAYLOAD_BASE64 = "AQIDBA==";

    private static SimulationReport.Sent sent(long pushedNanos, boolean confirmed) {
        return new SimulationReport.Sent(pushedNanos, 1, PAYLOAD, confirmed);
    }

    /** An uplink event as the server sends it for what {@link #sent} describes. */
    private static JsonObject uplink(long fCnt, boolean confirmed) {
        return new JsonObject().put("type", "uplink").put("dev_eui", DEVICE).put("f_cnt", fCnt)
                .put("confirmed", confirmed).put("f_port", 1).put("data", PAYLOAD_BASE64);
    }

    @Test
    void everyUplinkSeenAndAcknowledgedIsNothingLost() {
        SimulationReport report = new SimulationReport();
        report.uplinkSent(DEVICE, 0, sent(0, false));
        report.uplinkSent(DEVICE, 1, sent(1_000_000_000L, true));
        report.event(uplink(0, false), 200_000_000L);
        report.event(uplink(1, true), 1_300_000_000L);
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
        report.uplinkSent(DEVICE, 0, sent(0, false));
        report.uplinkSent(DEVICE, 1, sent(0, true));
        report.event(uplink(1, true), 1);
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
    void aConfirmedUplinkNeverJudgedIsLost() {
        SimulationReport report = new SimulationReport();
        report.uplinkSent(DEVICE, 0, sent(0, true));
        report.event(uplink(0, true), 1);
        assertTrue(report.lost());
        assertTrue(report.summary().contains("LOST: 1 confirmed uplink(s) never judged: their windows were still "
                + "open at the end"), report.summary().toString());
    }

    @Test
    void anEventWhosePayloadPortOrConfirmationDiffersFromWhatWasSentIsWrong() {
        SimulationReport report = new SimulationReport();
        report.uplinkSent(DEVICE, 0, sent(0, false));
        report.uplinkSent(DEVICE, 1, sent(0, false));
        report.uplinkSent(DEVICE, 2, sent(0, false));
        // What a server deriving a wrong AppSKey would show: the right frame, other bytes.
        report.event(uplink(0, false).put("data", "BQYHCA=="), 1);
        report.event(uplink(1, false).put("f_port", 2), 1);
        report.event(uplink(2, true), 1);
        assertTrue(report.lost());
        String summary = String.join("\n", report.summary());
        assertTrue(summary.contains("WRONG: 3 problem(s): the uplink event for " + DEVICE + ":0 has FPort 1 and data "
                + "BQYHCA==, where the device sent FPort 1 and data " + PAYLOAD_BASE64 + ", the uplink event for "
                + DEVICE + ":1 has FPort 2"), summary);
        assertTrue(summary.contains("the uplink event for " + DEVICE + ":2 says confirmed true, where the device sent "
                + "an unconfirmed uplink"), summary);
    }

    @Test
    void anErrorEventOfTheApplicationIsAProblemWithItsErrorAndDescription() {
        SimulationReport report = new SimulationReport();
        report.event(new JsonObject().put("type", "error").put("dev_eui", DEVICE).put("error", "mac_command_refused")
                .put("description", "the device refused LinkADRReq"), 1);
        assertTrue(report.lost());
        assertTrue(report.summary().contains("WRONG: 1 problem(s): an error event mac_command_refused for " + DEVICE
                + ": the device refused LinkADRReq"), report.summary().toString());
    }

    @Test
    void aMissingResetConfOrRekeyConfAndADeviceThatStoppedEarlyAreLost() {
        SimulationReport report = new SimulationReport();
        report.indicating = 2;
        report.indicationsConfirmed = 1;
        report.stopped(DEVICE, "sent nothing in the last 9000 ms");
        report.stopped(DEVICE, "sent 1 of 2 uplinks");
        assertTrue(report.lost());
        List<String> summary = report.summary();
        assertTrue(summary.contains("LOST: 1 LoRaWAN 1.1 device(s) without a ResetConf (ABP) or RekeyConf (OTAA)"),
                summary.toString());
        // A device is listed once, with its first finding.
        assertTrue(summary.contains("LOST: 1 device(s) sent less than expected: " + DEVICE + " sent nothing in the "
                + "last 9000 ms"), summary.toString());
    }

    @Test
    void anUnansweredJoinADeviceThatNeverJoinedAndAnEventTwiceAreCounted() {
        SimulationReport report = new SimulationReport();
        report.otaaDevices = 2;
        report.joinRequests = 3;
        report.joinRequestsUnanswered = 2;
        report.joinsAccepted = 1;
        report.uplinkSent(DEVICE, 0, sent(0, false));
        report.event(uplink(0, false), 1);
        report.event(uplink(0, false), 2);
        assertTrue(report.lost());
        List<String> summary = report.summary();
        assertTrue(summary.contains("LOST: 2 join-request(s) without a join-accept; 1 device(s) never joined"),
                summary.toString());
        assertTrue(summary.contains("WRONG: 1 problem(s): an uplink event for " + DEVICE + ":0 that was not sent, "
                + "or came twice"), summary.toString());
    }
}
