package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code serve} as an operator would, in its own JVM, and stops it with SIGTERM. */
class ServeProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern REDIS = Pattern.compile("embedded Redis at redis://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern UDP = Pattern.compile("Semtech UDP packet forwarders on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("Metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern API = Pattern.compile("REST API at http://127\\.0\\.0\\.1:(\\d+)/api/v1/");
    private static final Pattern RUN_KEY = Pattern.compile("^API key for this run \\(admin scope, in memory only, "
            + "printed once\\): (lnk_run_[A-Za-z0-9_-]{43})$");

    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void servesOnTheEmbeddedRedisAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("ns.toml"), """
                [network]
                start_up_warm_up = "0s"
                [metrics]
                bind = "127.0.0.1:0"
                [gateway.udp]
                bind = "127.0.0.1:0"
                [api]
                bind = "127.0.0.1:0"
                """);
        start("serve", "--config", config.toString());

        int redisPort = Integer.parseInt(awaitLine(REDIS).group(1));
        int udpPort = Integer.parseInt(awaitLine(UDP).group(1));
        int apiPort = Integer.parseInt(awaitLine(API).group(1));
        int metricsPort = Integer.parseInt(awaitLine(METRICS).group(1));
        awaitLine(Pattern.compile("network server ready"));
        assertTrue(seen.stream().limit(3).anyMatch(l -> l.contains("embedded Redis")),
                "the embedded Redis is announced in the first log lines: " + seen);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\"}", health.body());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\",\"checks\":{\"redis\":\"ok\",\"gateway_udp\":\"ok\",\"api\":\"ok\","
                + "\"shutdown\":\"ok\"}}",
                ready.body());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus text format");

        // With a configuration file and no api.api_keys, no key is made: none is printed, every request is refused.
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                + "/api/v1/gateways")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        // A gateway's PULL_DATA (version 2, token 0x1234, MAC 0016C001FF10A235) is answered with PULL_ACK.
        try (java.net.DatagramSocket gateway = new java.net.DatagramSocket()) {
            byte[] pull = {2, 0x12, 0x34, 2, 0x00, 0x16, (byte) 0xC0, 0x01, (byte) 0xFF, 0x10, (byte) 0xA2, 0x35};
            gateway.send(new java.net.DatagramPacket(pull, pull.length, new InetSocketAddress("127.0.0.1", udpPort)));
            gateway.setSoTimeout((int) DEADLINE.toMillis());
            byte[] ack = new byte[16];
            java.net.DatagramPacket answer = new java.net.DatagramPacket(ack, ack.length);
            gateway.receive(answer);
            assertEquals(4, answer.getLength());
            assertEquals(List.of(2, 0x12, 0x34, 4), List.of((int) ack[0], (int) ack[1], (int) ack[2], (int) ack[3]));
        }

        // SIGTERM through the handle: Process.destroy() would also close our end of the child's output.
        process.toHandle().destroy();
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server exits after SIGTERM");
        awaitLine(Pattern.compile("network server stopped"));
        assertEquals(143, process.exitValue(), "exit status of a JVM ended by SIGTERM");
        assertTrue(seen.stream().noneMatch(line -> line.contains("API key for this run")),
                "a run with a configuration file makes no key: " + seen);
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 1000);
            }
        }, "the embedded Redis stops with the server");
    }

    /**
     * {@code serve} with no arguments, as the README's first command runs it (its default ports: 1700, 8090, 9090):
     * the admin key made for the run is printed once, with an example, and works.
     */
    @Test
    void onTheBuiltInDefaultsAnAdminKeyForTheRunIsPrintedOnce() throws Exception {
        start("serve");
        int apiPort = Integer.parseInt(awaitLine(API).group(1));
        String runKey = awaitLine(RUN_KEY).group(1);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                        + "/api/v1/api-keys")).header("Authorization", "Bearer " + runKey).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keys.statusCode(), keys.body());
        assertEquals("{\"api_keys\":[]}", keys.body());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                + "/api/v1/gateways")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        process.toHandle().destroy();
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server exits after SIGTERM");
        awaitLine(Pattern.compile("network server stopped"));
        List<String> withKey = seen.stream().filter(line -> line.contains(runKey)).toList();
        assertEquals(2, withKey.size(), "the key is printed once with an example, never in a log line: " + seen);
        assertTrue(withKey.get(1).startsWith("  e.g. curl -H 'Authorization: Bearer " + runKey + "' http://127.0.0.1:"
                + apiPort + "/api/v1/gateways"), withKey.get(1));
    }

    @Test
    void aBadConfigurationStopsStartUpWithTheKey(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("ns.toml"), "[gateway.udp]\nunknown_gateways = \"maybe\"\n");
        start("serve", "--config", config.toString());
        awaitLine(Pattern.compile("gateway\\.udp\\.unknown_gateways: must be one of \\[accept, reject]"));
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(Launcher.CONFIG_ERROR, process.exitValue());
    }

    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits, up to the deadline, for a log line that matches. */
    private Matcher awaitLine(Pattern pattern) throws InterruptedException {
        for (Matcher m : seen.stream().map(pattern::matcher).toList()) {
            if (m.find()) {
                return m;
            }
        }
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            String line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.add(line);
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        fail("no log line matching " + pattern + " within " + DEADLINE + "; output so far:\n" + String.join("\n", seen));
        return null;
    }
}
