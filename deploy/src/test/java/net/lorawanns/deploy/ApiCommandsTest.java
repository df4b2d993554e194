package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gateway add|list}, {@code device add|show} and {@code events tail} run as an operator would, in process,
 * against a running server with a real Redis: what they register the API then holds, keys never come back out, the
 * event stream's lines appear as the server publishes, and refusals and usage errors get their exit status.
 */
class ApiCommandsTest {
    private static final String ADMIN_KEY = "api-commands-test-admin-0123456789";
    private static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final String APP = "cli-app";
    /** LoRa Alliance TR005's example device QR code (schema D0, with its CheckSum). */
    private static final String TR005_EXAMPLE =
            "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:OAABBCCDDEEFF:SYYWWNNNNNN:PFOOBAR:CAF2C";
    private static final String APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C";
    private static final String NWK_KEY = "000102030405060708090A0B0C0D0E0F";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private Server server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path config = ApiTestServers.config(dir.resolve("ns.toml"), MASTER_KEY, ADMIN_KEY, "");
        server = Server.start(new ConfigLoader().load(config));
        assertEquals(200, api("PUT", "/api/v1/applications/" + APP, new JsonObject()).statusCode());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aGatewayAddedIsListed() {
        Run added = run("gateway", "add", "00800000A0001234", "--region", "eu868");
        assertEquals(0, added.status(), added.err());
        assertEquals("Registered gateway 00800000A0001234 in region eu868\n", added.out());
        assertEquals(0, run("gateway", "add", "00800000a0005678").status());

        Run listed = run("gateway", "list");
        assertEquals(0, listed.status(), listed.err());
        List<String> lines = listed.out().lines().toList();
        assertEquals(List.of("EUI", "REGION", "ONLINE", "LAST", "SEEN"), List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("00800000A0001234", "eu868", "no", "-"), List.of(lines.get(1).split("\\s+")),
                "never heard of: offline, never seen");
        assertEquals(List.of("00800000A0005678", "-", "no", "-"), List.of(lines.get(2).split("\\s+")));

        Run otherRegion = run("gateway", "add", "00800000A0009999", "--region", "us915");
        assertEquals(1, otherRegion.status());
        assertTrue(otherRegion.err().startsWith("HTTP 400: region: must be one of network.enabled_regions"),
                otherRegion.err());
    }

    @Test
    void aDeviceAddedWithItsJoinEuiIsShownWithoutItsKeys() {
        Run added = run("device", "add", "0011223344556677", "--application", APP, "--mac-version", "1.1",
                "--join-eui", "70B3D57ED0000001", "--app-key", APP_KEY, "--nwk-key", NWK_KEY);
        assertEquals(0, added.status(), added.err());
        assertTrue(added.out().startsWith("Registered device 0011223344556677 (JoinEUI 70B3D57ED0000001, LoRaWAN "
                + "1.1.0) in application " + APP), added.out());

        Run shown = run("device", "show", "0011223344556677");
        assertEquals(0, shown.status(), shown.err());
        JsonObject device = new JsonObject(shown.out());
        assertEquals("0011223344556677", device.getString("dev_eui"));
        assertEquals("70B3D57ED0000001", device.getString("join_eui"));
        assertEquals(APP, device.getString("application_id"));
        assertEquals(true, device.getBoolean("root_keys_in_internal_js"));
        assertTrue(shown.out().contains("\n  \"dev_eui\""), "pretty-printed: " + shown.out());
        assertNoKey(shown.out(), APP_KEY);
        assertNoKey(shown.out(), NWK_KEY);
    }

    @Test
    void deviceListFollowsEveryPageOfTheApplication() {
        // More than one page of the API's default 100, and one device of another application.
        for (int i = 0; i < 103; i++) {
            assertEquals(200, api("PUT", "/api/v1/devices/" + String.format("00000000000D%04X", i), new JsonObject()
                    .put("application_id", APP).put("mac_version", "1.0.4").put("join_eui", "70B3D57ED0000001"))
                    .statusCode());
        }
        assertEquals(200, api("PUT", "/api/v1/applications/other", new JsonObject()).statusCode());
        assertEquals(200, api("PUT", "/api/v1/devices/00000000000E0001", new JsonObject().put("application_id", "other")
                .put("mac_version", "1.0.3").put("abp", new JsonObject().put("dev_addr", "26011F01")
                        .put("nwk_s_key", NWK_KEY).put("app_s_key", APP_KEY))).statusCode());

        Run listed = run("device", "list", "--application", APP);
        assertEquals(0, listed.status(), listed.err());
        List<String> lines = listed.out().lines().toList();
        assertEquals(List.of("DEVEUI", "JOINEUI", "PROFILE", "SESSION"), List.of(lines.get(0).split("\\s+")));
        assertEquals(104, lines.size(), listed.out());
        for (int i = 0; i < 103; i++) {
            assertEquals(List.of(String.format("00000000000D%04X", i), "70B3D57ED0000001", "-", "-"),
                    List.of(lines.get(i + 1).split("\\s+")));
        }

        Run other = run("device", "list", "--application", "other");
        assertEquals(0, other.status(), other.err());
        assertEquals(List.of("00000000000E0001", "ABP", "-", "active"),
                List.of(other.out().lines().toList().get(1).split("\\s+")));
        assertNoKey(other.out(), NWK_KEY);
        assertEquals(2, run("device", "list", "--application", "no such").status());
    }

    @Test
    void aDeviceAddedFromItsQrCodeTakesItsKeyFromStandardInput() {
        Run added = runWithStdin(APP_KEY + "\n", "device", "add", "--qr", TR005_EXAMPLE, "--application", APP,
                "--mac-version", "1.0.4", "--app-key", "-");
        assertEquals(0, added.status(), added.err());
        assertNoKey(added.out() + added.err(), APP_KEY);

        Run shown = run("device", "show", "aabbccddeeff0011");
        assertEquals(0, shown.status(), shown.err());
        JsonObject device = new JsonObject(shown.out());
        assertEquals("AABBCCDDEEFF0011", device.getString("dev_eui"));
        assertEquals("1122334455667788", device.getString("join_eui"));
        assertEquals("1.0.4", device.getString("mac_version"));
        assertEquals(true, device.getBoolean("root_keys_in_internal_js"));
        assertNoKey(shown.out(), APP_KEY);
    }

    @Test
    void eventsTailPrintsEventsUntilTheStreamEnds() throws Exception {
        JsonObject abp = new JsonObject().put("application_id", APP).put("mac_version", "1.0.3").put("abp",
                new JsonObject().put("dev_addr", "26011F01").put("nwk_s_key", NWK_KEY).put("app_s_key", APP_KEY));
        assertEquals(200, api("PUT", "/api/v1/devices/00000000001F0001", abp).statusCode());
        Tail lines = tail("events", "tail");
        Tail json = tail("events", "tail", "--application", APP, "--json");
        lines.err().await("Following the events of");
        json.err().await("Following the events of");

        HttpResponse<String> queued = api("POST", "/api/v1/devices/00000000001F0001/queue",
                new JsonObject().put("f_port", 7).put("data", "AQIDBA=="));
        assertEquals(201, queued.statusCode(), queued.body());
        String id = new JsonObject(queued.body()).getString("id");

        String line = lines.out().await("downlink_queued").lines().filter(l -> l.startsWith("downlink_queued"))
                .findFirst().orElseThrow();
        assertEquals(String.format("%-16s  %-16s  %s", "downlink_queued", "00000000001F0001", APP) + "  f_port=7"
                + "  confirmed=false  id=" + id + "  size=4  queue_length=1", line);
        JsonObject raw = new JsonObject(json.out().await("downlink_queued").strip());
        assertEquals("downlink_queued", raw.getString("type"));
        assertEquals(id, raw.getString("id"));

        server.close();
        server = null;
        assertEquals(1, lines.status().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, json.status().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(lines.err().toString().contains("The event stream of http://127.0.0.1:"), lines.err().toString());
        assertTrue(lines.err().toString().contains(" ended"), lines.err().toString());
    }

    @Test
    void aWrongKeyGetsTheServersRefusal() {
        for (String[] command : List.of(new String[] {"gateway", "list"}, new String[] {"device", "show",
                "0011223344556677"}, new String[] {"events", "tail"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--api-key", "not-a-key-of-this-server"));
            Run refused = run(args.toArray(String[]::new));
            assertEquals(1, refused.status(), String.join(" ", command));
            assertTrue(refused.err().startsWith("HTTP 401: "), refused.err());
            assertFalse(refused.err().contains("no error message"), refused.err());
        }
        Run missing = run("device", "show", "0011223344556677", "--url", "http://127.0.0.1:" + server.apiPort());
        assertEquals(1, missing.status());
        assertEquals("HTTP 404: no device 0011223344556677\n", missing.err());
    }

    @Test
    void theHelpSaysHowToKeepKeysOffTheCommandLine() {
        Run help = run("device", "add", "--help");
        assertEquals(0, help.status(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("lands in the shell history and the process list: give '-' to read it from "
                + "standard input"), help.out());
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhy() {
        Run noJoinEui = run("device", "add", "0011223344556677", "--application", APP, "--mac-version", "1.0.4");
        assertEquals(CommandLine.ExitCode.USAGE, noJoinEui.status());
        assertTrue(noJoinEui.err().contains("--join-eui") && noJoinEui.err().contains("--qr"), noJoinEui.err());

        Run both = run("device", "add", "0011223344556677", "--application", APP, "--mac-version", "1.0.4",
                "--join-eui", "70B3D57ED0000001", "--qr", TR005_EXAMPLE);
        assertEquals(CommandLine.ExitCode.USAGE, both.status());
        assertTrue(both.err().contains("mutually exclusive"), both.err());

        Run otherDevice = run("device", "add", "0011223344556677", "--qr", TR005_EXAMPLE, "--application", APP,
                "--mac-version", "1.0.4");
        assertEquals(CommandLine.ExitCode.USAGE, otherDevice.status());
        assertEquals("DEVEUI 0011223344556677 is not the QR code's DevEUI AABBCCDDEEFF0011\n", otherDevice.err());

        Run badQr = run("device", "add", "--qr", "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:CFFFF",
                "--application", APP, "--mac-version", "1.0.4");
        assertEquals(CommandLine.ExitCode.USAGE, badQr.status());
        assertTrue(badQr.err().contains("CheckSum"), badQr.err());

        String shortKey = APP_KEY.substring(2);
        Run badKey = run("device", "add", "0011223344556677", "--join-eui", "70B3D57ED0000001", "--application", APP,
                "--mac-version", "1.0.4", "--app-key", shortKey);
        assertEquals(CommandLine.ExitCode.USAGE, badKey.status());
        assertEquals("--app-key must be 32 hex digits, got 30\n", badKey.err());

        Run noStdin = runWithStdin("", "device", "add", "0011223344556677", "--join-eui", "70B3D57ED0000001",
                "--application", APP, "--mac-version", "1.0.4", "--app-key", "-");
        assertEquals(CommandLine.ExitCode.USAGE, noStdin.status());
        assertEquals("--app-key -: standard input ended before the key\n", noStdin.err());

        Run badEui = run("gateway", "add", "not-an-eui");
        assertEquals(CommandLine.ExitCode.USAGE, badEui.status());
        assertTrue(badEui.err().startsWith("EUI: "), badEui.err());

        Run badDevEui = run("device", "show", "00112233");
        assertEquals(CommandLine.ExitCode.USAGE, badDevEui.status());
        assertTrue(badDevEui.err().startsWith("DEVEUI: "), badDevEui.err());
    }

    private static void assertNoKey(String text, String key) {
        assertFalse(text.toUpperCase(Locale.ROOT).contains(key), text);
    }

    private HttpResponse<String> api(String method, String path, JsonObject body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
                    .header("Authorization", "Bearer " + ADMIN_KEY).timeout(WAIT)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private record Run(int status, String out, String err) {
    }

    private record Tail(CompletableFuture<Integer> status, Output out, Output err) {
    }

    /** Starts a command that runs until the stream ends, on a thread of its own. */
    private Tail tail(String... args) {
        Output out = new Output();
        Output err = new Output();
        CommandLine command = commandLine(out, err);
        String[] all = withConnection(args);
        return new Tail(CompletableFuture.supplyAsync(() -> command.execute(all)), out, err);
    }

    private Run run(String... args) {
        Output out = new Output();
        Output err = new Output();
        int status = commandLine(out, err).execute(withConnection(args));
        return new Run(status, out.toString(), err.toString());
    }

    /** Runs with {@code stdin} as the process's standard input, as a shell pipe would give it. */
    private Run runWithStdin(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(original);
        }
    }

    private static CommandLine commandLine(Output out, Output err) {
        CommandLine command = Launcher.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command;
    }

    /** The arguments with the server's URL and the admin key, unless they give their own. */
    private String[] withConnection(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--url")) {
            all.addAll(List.of("--url", "http://127.0.0.1:" + server.apiPort()));
        }
        if (!all.contains("--api-key")) {
            all.addAll(List.of("--api-key", ADMIN_KEY));
        }
        return all.toArray(String[]::new);
    }

    /** What a command printed, readable while it runs; {@link #await} waits for a text with a deadline. */
    private static final class Output extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            notifyAll();
        }

        /** Everything printed once {@code expected} is among it. */
        synchronized String await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (text.indexOf(expected) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + expected + "' within " + WAIT + " in: " + text);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }
}
