package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code simulate} run as an operator would, in process, against a running server with a real Redis over real UDP:
 * OTAA (through the built-in join server) and ABP devices of LoRaWAN 1.0.3 and 1.1 join and send, every uplink comes
 * out as an event and every confirmed one is acknowledged; a refusal and usage errors get their exit status, and
 * --cleanup runs also after a refused registration.
 */
class SimulateCommandTest {
    private static final String ADMIN_KEY = "simulate-test-admin-0123456789abcdef";
    private static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final int DEVICES = 6;
    private static final int UPLINKS = 2;

    @TempDir
    Path dir;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(new ConfigLoader().load(ApiTestServers.config(dir.resolve("ns.toml"), MASTER_KEY,
                ADMIN_KEY, "")));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void devicesOfEachVersionAndActivationDeliverEveryUplinkAsAnEvent() throws Exception {
        CommandRun run = run("--gateways", "3", "--devices", String.valueOf(DEVICES), "--mac-version", "1.0.3,1.1",
                "--activation", "mixed", "--interval", "200ms", "--uplinks", String.valueOf(UPLINKS),
                "--confirmed-share", "0.5", "--seed", "18", "--grace", "8s", "--duration", "40s");
        assertEquals(0, run.status(), run.out() + run.err());
        // mixed: a round of OTAA devices, one per version, then a round of ABP ones: 4 of the 6 join.
        assertTrue(run.out().contains("joins accepted: 4 of 4 OTAA devices (4 join-requests sent, 0 not answered)"),
                run.out());
        int uplinks = DEVICES * UPLINKS;
        assertTrue(run.out().contains("uplinks delivered as events: " + uplinks + " of " + uplinks + " sent"),
                run.out());
        Matcher confirmed = Pattern.compile("confirmed uplinks acknowledged: (\\d+) of (\\d+)").matcher(run.out());
        assertTrue(confirmed.find(), run.out());
        assertEquals(confirmed.group(2), confirmed.group(1));
        Matcher downlinks = Pattern.compile("downlinks received: \\d+ \\(join-accepts (\\d+), ACKs (\\d+)")
                .matcher(run.out());
        assertTrue(downlinks.find(), run.out());
        assertEquals("4", downlinks.group(1));
        assertEquals(confirmed.group(2), downlinks.group(2));
        assertTrue(run.out().contains("events seen: "), run.out());
        // The 1.1 devices, two OTAA and one ABP: the network confirms each one's indication (LoRaWAN 1.1 section 5).
        assertTrue(run.out().contains("LoRaWAN 1.1 devices whose ResetInd (ABP) or RekeyInd (OTAA) the network "
                + "confirmed: 3 of 3"), run.out());
        assertTrue(Pattern.compile("latency, uplink pushed to its event: p50 \\d+ ms, p90 \\d+ ms, p99 \\d+ ms")
                .matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("Nothing lost."), run.out());

        Matcher application = Pattern.compile("Registered application sim-([0-9A-F]{6})").matcher(run.out());
        assertTrue(application.find(), run.out());
        HttpResponse<String> gateways = get("/api/v1/gateways");
        long registered = new JsonObject(gateways.body()).getJsonArray("gateways").stream()
                .filter(g -> ((JsonObject) g).getString("gateway_id").startsWith("5E" + application.group(1)))
                .count();
        assertEquals(3, registered, gateways.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.apiPort() + path)).header("Authorization", "Bearer " + ADMIN_KEY)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cleanupDeletesWhatTheRunRegistered() throws Exception {
        CommandRun run = run("--gateways", "2", "--devices", "2", "--activation", "abp", "--mac-version", "1.0.4",
                "--interval", "200ms", "--uplinks", "1", "--grace", "5s", "--duration", "20s", "--cleanup");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("uplinks delivered as events: 2 of 2 sent"), run.out());
        Matcher application = Pattern.compile("Registered application sim-([0-9A-F]{6})").matcher(run.out());
        assertTrue(application.find(), run.out());
        String runId = application.group(1);
        assertTrue(run.out().contains("Deleted the run's devices, gateways and device profiles; application sim-"
                + runId + " stays"), run.out());
        assertEquals(404, get("/api/v1/devices/5E" + runId + "00000000").statusCode());
        assertEquals(404, get("/api/v1/device-profiles/sim-" + runId + "-1.0.4").statusCode());
        assertFalse(get("/api/v1/gateways").body().contains("5E" + runId), "gateways of the run are gone");
        assertEquals(200, get("/api/v1/applications/sim-" + runId).statusCode());
    }

    @Test
    void cleanupAlsoDeletesWhatAPartialRegistrationLeft() throws Exception {
        // The server serves EU868 only: the application is registered, its first device profile (US915) refused.
        CommandRun run = run("--gateways", "1", "--devices", "1", "--region", "us915", "--cleanup");
        assertEquals(1, run.status(), run.out() + run.err());
        Matcher refused = Pattern.compile("^The server refused PUT /api/v1/device-profiles/sim-([0-9A-F]{6})-1\\.0\\.3: "
                + "HTTP 400: region: 'us915'").matcher(run.err());
        assertTrue(refused.find(), run.err());
        // The cleanup ran all the same, over what was never registered too.
        assertTrue(run.out().contains("Deleted the run's devices, gateways and device profiles; application sim-"
                + refused.group(1) + " stays"), run.out());
        assertEquals(200, get("/api/v1/applications/sim-" + refused.group(1)).statusCode());
    }

    @Test
    void aKeyTheServerRefusesEndsTheRunWithItsReason() {
        CommandRun run = run("--api-key", "not-a-key-of-this-server", "--devices", "1");
        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.err().startsWith("The server refused PUT /api/v1/applications/sim-"), run.err());
        assertTrue(run.err().contains("HTTP 401: "), run.err());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhy() {
        CommandRun activation = run("--activation", "sometimes");
        assertEquals(CommandLine.ExitCode.USAGE, activation.status());
        assertEquals("--activation must be otaa, abp or mixed, got 'sometimes'\n", activation.err());

        CommandRun version = run("--mac-version", "1.0.3,1.2");
        assertEquals(CommandLine.ExitCode.USAGE, version.status());
        assertTrue(version.err().startsWith("--mac-version: '1.2' is not one of"), version.err());

        CommandRun share = run("--confirmed-share", "1.5");
        assertEquals(CommandLine.ExitCode.USAGE, share.status());
        assertEquals("--confirmed-share must be 0 to 1, got 1.5\n", share.err());

        CommandRun region = run("--region", "xx999");
        assertEquals(CommandLine.ExitCode.USAGE, region.status());
        assertTrue(region.err().startsWith("--region must be one of [as923-1, au915, cn470, eu868, us915]"),
                region.err());

        CommandRun interval = run("--interval", "soon");
        assertEquals(CommandLine.ExitCode.USAGE, interval.status());
        assertTrue(interval.err().startsWith("--interval: 'soon' is not a duration"), interval.err());

        // ABP uplinks' RX2 opens 2 s after them (TS001 1.0.4 section 6.2.5): a 1 s grace could not see its ACK.
        CommandRun grace = run("--activation", "abp", "--grace", "1s");
        assertEquals(CommandLine.ExitCode.USAGE, grace.status());
        assertTrue(grace.err().startsWith("--grace must be at least 3000 ms with --activation abp"), grace.err());

        CommandRun udp = run("--udp", "no-such-host.invalid:1700");
        assertEquals(CommandLine.ExitCode.USAGE, udp.status());
        assertEquals("--udp: 'no-such-host.invalid' cannot be resolved\n", udp.err());
    }

    /** Runs {@code simulate} with the server's URL, UDP port and the admin key, unless the arguments give their own. */
    private CommandRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("simulate"));
        all.addAll(List.of(args));
        return CommandRun.run(CommandRun.withDefaults(all, "--api-key", ADMIN_KEY, "--udp",
                "127.0.0.1:" + server.udpPort(), "--url", "http://127.0.0.1:" + server.apiPort()));
    }
}
