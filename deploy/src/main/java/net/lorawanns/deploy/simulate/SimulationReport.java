package net.lorawanns.deploy.simulate;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the simulated world saw: joins, uplinks, their events (matched by DevEUI and FCnt, checked against the FPort,
 * payload and confirmation sent) and the latency from the gateways' PUSH_DATA to the event, the downlinks the devices
 * received, the application's error events, and everything lost or wrong. Used on the simulation thread only.
 */
final class SimulationReport {
    /** Lines of losses shown in the summary at most; the counts are always complete. */
    private static final int SHOWN = 10;

    private final long startNanos = System.nanoTime();
    int otaaDevices;
    int joinRequests;
    int joinRequestsUnanswered;
    int joinsAccepted;
    int uplinks;
    int confirmedUplinks;
    int acknowledged;
    int events;
    int uplinkEvents;
    int joinEvents;
    int joinAccepts;
    int acks;
    int otherDownlinks;
    /** LoRaWAN 1.1 devices in session (ABP, or joined), and those whose ResetInd or RekeyInd was confirmed. */
    int indicating;
    int indicationsConfirmed;
    /**
     * An uplink as the device sent it.
     *
     * @param fPort   the FPort; 0 or less when the frame carried no application payload (none, or MAC commands)
     * @param payload the application payload before encryption
     */
    record Sent(long pushedNanos, int fPort, byte[] payload, boolean confirmed) {
    }

    /** Uplinks sent and not (yet) seen as events, by "DEVEUI:FCNT". */
    private final Map<String, Sent> awaited = new LinkedHashMap<>();
    private long[] latenciesMicros = new long[64];
    private int latencyCount;
    private final List<String> problems = new ArrayList<>();
    private int problemCount;
    private final List<String> unacknowledged = new ArrayList<>();
    /** Devices that sent less than they should have: DevEUI to what they sent (the first finding of each). */
    private final Map<String, String> stopped = new LinkedHashMap<>();

    static String key(String devEui, long fCnt) {
        return devEui + ":" + fCnt;
    }

    void uplinkSent(String devEui, long fCnt, Sent sent) {
        uplinks++;
        if (sent.confirmed()) {
            confirmedUplinks++;
        }
        awaited.put(key(devEui, fCnt), sent);
    }

    /** An event of the stream (the run's application): uplinks are matched, errors are problems. */
    void event(JsonObject event, long nowNanos) {
        events++;
        switch (event.getString("type", "")) {
            case "uplink" -> uplinkEvent(event, nowNanos);
            case "join" -> joinEvents++;
            case "error" -> problem("an error event " + event.getString("error", "?") + " for "
                    + event.getString("dev_eui", "no device") + ": " + event.getString("description", ""));
            default -> {
                // status, txack, downlink and the like: counted only
            }
        }
    }

    /**
     * An uplink event: one the simulator did not send (or saw twice) is a problem, as is one whose FPort, payload
     * (decrypted by the server with its AppSKey) or confirmation differ from what the device sent.
     */
    private void uplinkEvent(JsonObject event, long nowNanos) {
        uplinkEvents++;
        String key = key(event.getString("dev_eui", "?"), event.getLong("f_cnt", -1L));
        Sent sent = awaited.remove(key);
        if (sent == null) {
            problem("an uplink event for " + key + " that was not sent, or came twice");
            return;
        }
        if (latencyCount == latenciesMicros.length) {
            latenciesMicros = Arrays.copyOf(latenciesMicros, latencyCount * 2);
        }
        latenciesMicros[latencyCount++] = (nowNanos - sent.pushedNanos()) / 1000;
        Integer fPort = event.getInteger("f_port");
        String data = event.getString("data");
        if (sent.fPort() > 0) {
            String expected = Base64.getEncoder().encodeToString(sent.payload());
            if (fPort == null || fPort != sent.fPort() || !expected.equals(data)) {
                problem("the uplink event for " + key + " has FPort " + fPort + " and data " + data + ", where the "
                        + "device sent FPort " + sent.fPort() + " and data " + expected);
            }
        } else if (fPort != null) {
            problem("the uplink event for " + key + " has FPort " + fPort + ", where the device sent no application "
                    + "payload");
        }
        if (event.getBoolean("confirmed", !sent.confirmed()) != sent.confirmed()) {
            problem("the uplink event for " + key + " says confirmed " + event.getValue("confirmed")
                    + ", where the device sent " + (sent.confirmed() ? "a confirmed" : "an unconfirmed") + " uplink");
        }
    }

    void unacknowledged(String devEui, long fCnt) {
        unacknowledged.add(key(devEui, fCnt));
    }

    /** A device that sent fewer frames than it should have: {@code how} says what it sent. */
    void stopped(String devEui, String how) {
        stopped.putIfAbsent(devEui, devEui + " " + how);
    }

    void problem(String description) {
        problemCount++;
        if (problems.size() < SHOWN) {
            problems.add(description);
        }
    }

    boolean awaitingEvents() {
        return !awaited.isEmpty();
    }

    /** The latency quantile {@code q} (0-1) in milliseconds, nearest rank; -1 without any. */
    double quantileMillis(double q) {
        if (latencyCount == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(latenciesMicros, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * latencyCount);
        return sorted[Math.max(0, rank - 1)] / 1000.0;
    }

    private String latency(double q) {
        double ms = quantileMillis(q);
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** One line: how far the run is. */
    String progress() {
        return String.format(Locale.ROOT, "%4ds  joins %d/%d  uplinks %d  events %d  downlinks %d  latency p50 %s "
                        + "p99 %s", (System.nanoTime() - startNanos) / 1_000_000_000L, joinsAccepted, otaaDevices,
                uplinks, uplinkEvents, joinAccepts + acks + otherDownlinks, latency(0.5), latency(0.99));
    }

    /** Whether anything was lost or went wrong. */
    boolean lost() {
        return joinRequestsUnanswered > 0 || joinsAccepted < otaaDevices || !awaited.isEmpty()
                || !unacknowledged.isEmpty() || acknowledged < confirmedUplinks
                || indicationsConfirmed < indicating || !stopped.isEmpty() || problemCount > 0;
    }

    /** The summary: counts, latency, and what was lost. */
    List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "joins accepted: %d of %d OTAA devices (%d join-requests sent, %d not "
                + "answered)", joinsAccepted, otaaDevices, joinRequests, joinRequestsUnanswered));
        lines.add(String.format(Locale.ROOT, "uplinks delivered as events: %d of %d sent", uplinks - awaited.size(),
                uplinks));
        lines.add(String.format(Locale.ROOT, "confirmed uplinks acknowledged: %d of %d", acknowledged,
                confirmedUplinks));
        lines.add(String.format(Locale.ROOT, "downlinks received: %d (join-accepts %d, ACKs %d, other %d)",
                joinAccepts + acks + otherDownlinks, joinAccepts, acks, otherDownlinks));
        lines.add(String.format(Locale.ROOT, "events seen: %d (uplink %d, join %d)", events, uplinkEvents,
                joinEvents));
        if (indicating > 0) {
            lines.add(String.format(Locale.ROOT, "LoRaWAN 1.1 devices whose ResetInd (ABP) or RekeyInd (OTAA) the "
                    + "network confirmed: %d of %d", indicationsConfirmed, indicating));
        }
        lines.add("latency, uplink pushed to its event: p50 " + latency(0.5) + ", p90 " + latency(0.9) + ", p99 "
                + latency(0.99) + ", max " + latency(1));
        if (!awaited.isEmpty()) {
            lines.add("LOST: " + awaited.size() + " uplink(s) never seen as events (DevEUI:FCnt): "
                    + shown(List.copyOf(awaited.keySet()), awaited.size()));
        }
        if (!unacknowledged.isEmpty()) {
            lines.add("LOST: " + unacknowledged.size() + " confirmed uplink(s) without an ACK in RX1 or RX2: "
                    + shown(unacknowledged, unacknowledged.size()));
        }
        if (acknowledged + unacknowledged.size() < confirmedUplinks) {
            lines.add("LOST: " + (confirmedUplinks - acknowledged - unacknowledged.size()) + " confirmed uplink(s) "
                    + "never judged: their windows were still open at the end");
        }
        if (indicationsConfirmed < indicating) {
            lines.add("LOST: " + (indicating - indicationsConfirmed) + " LoRaWAN 1.1 device(s) without a ResetConf "
                    + "(ABP) or RekeyConf (OTAA)");
        }
        if (!stopped.isEmpty()) {
            lines.add("LOST: " + stopped.size() + " device(s) sent less than expected: "
                    + shown(List.copyOf(stopped.values()), stopped.size()));
        }
        if (joinRequestsUnanswered > 0 || joinsAccepted < otaaDevices) {
            lines.add("LOST: " + joinRequestsUnanswered + " join-request(s) without a join-accept; "
                    + (otaaDevices - joinsAccepted) + " device(s) never joined");
        }
        if (problemCount > 0) {
            lines.add("WRONG: " + problemCount + " problem(s): " + shown(problems, problemCount));
        }
        return lines;
    }

    private static String shown(List<String> items, int total) {
        List<String> first = items.subList(0, Math.min(SHOWN, items.size()));
        return String.join(", ", first) + (total > first.size() ? ", ... (" + (total - first.size()) + " more)" : "");
    }
}
