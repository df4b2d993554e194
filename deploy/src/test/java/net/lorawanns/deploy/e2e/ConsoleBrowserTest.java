package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.lorawanns.deploy.CommandRun;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console (README, "Console") in a real browser, headless Chromium, against a running server: sign-in with an
 * API key, the gateways view, a simulated device's uplink in the live event view (and again after its connection is
 * cut), the application list and its device table with each device's state, a device's facts, a downlink enqueued
 * through the form (read back through the API), the join-server doctor, the API's refusals shown as the API words
 * them, sign-out leaving nothing for the next key, and late or doubled answers dropped. The page must run with no
 * script error and no Content-Security-Policy refusal. Skipped without Chromium, unless
 * {@value HeadlessChromium#REQUIRE_BROWSER} is set.
 */
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String APP = "app-console";
    private static final String GATEWAY = "AA555A00000000C1";
    private static final String DEV_EUI = "00000000000C0A51";
    /** A second device of the application, never heard. */
    private static final String OTHER_DEV_EUI = "00000000000C0A52";
    private static final String OTHER_APP = "app-other";
    private static final String MANY_APP = "app-many";
    /** One more than the console's page of devices. */
    private static final int MANY_DEVICES = 26;
    private static final int RSSI = -80;
    private static final double SNR = 7.5;
    private static final String JOIN_EUI = "70B3D57ED00F0000";
    /** EU868 DR3 (SF9/125 kHz) on channel 0 (868.1 MHz). */
    private static final int TX_DR = 3;
    private static final int TX_CH = 0;
    /** The gateway's PULL_DATA period, far shorter than the server's offline timeout. */
    private static final Duration KEEPALIVE = Duration.ofMillis(500);

    @TempDir
    static Path dir;
    private static TestNetwork network;
    private static Server server;
    private static SimulatedGateway gateway;
    private static SpecDevice device;
    private static HeadlessChromium browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance();
        network.api(server, "PUT", "/api/v1/gateways/" + GATEWAY, null, 200);
        gateway = new SimulatedGateway(GATEWAY, server.udpPort());
        // As a packet forwarder keeps its downlink path open: the bridge records the status of a registered gateway
        // only, and may hear of the registration just after a first PULL_DATA.
        gateway.keepPulling(KEEPALIVE);
        network.gateway(server, GATEWAY, g -> g.getBoolean("online"));
        network.createApplication(server, APP);
        device = network.abpDevice(server, DEV_EUI, "26000C51", APP);
        network.abpDevice(server, OTHER_DEV_EUI, "26000C52", APP);
        network.createApplication(server, OTHER_APP);
        if (Files.isExecutable(HeadlessChromium.BINARY)) {
            browser = HeadlessChromium.start(Files.createDirectories(dir.resolve("chromium")));
        }
    }

    @AfterEach
    void closePages() throws Exception {
        if (browser != null) {
            browser.closePages();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (gateway != null) {
                    gateway.close();
                }
            } finally {
                network.close();
            }
        }
    }

    @Test
    void theConsoleIsServedWithItsSecurityAndCacheHeaders() throws Exception {
        HttpResponse<String> page = get("/console", null);
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'"), policy);
        assertFalse(policy.contains("unsafe"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElseThrow());
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/console", etag).statusCode(), "revalidated by its ETag");

        HttpResponse<String> script = get("/console/console.js", null);
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", script.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(404, get("/console/no-such-file.js", null).statusCode());
        assertEquals(404, get("/console/%2e%2e%2fconsole.js", null).statusCode());
    }

    @Test
    void aBadKeyShowsTheApiError() throws Exception {
        HeadlessChromium.assumeInstalled();
        String badKey = "lnk_not-a-key-of-this-server";
        String refusal = network.api(server, "GET", "/api/v1/gateways", null, badKey, 401).getString("error");
        HeadlessChromium.Page page = submitKey(badKey);
        assertEquals(refusal, page.await("document.getElementById('sign-in-error').textContent", WAIT,
                "sign-in error"));
        assertEquals(true, page.evaluate("document.getElementById('console').hidden"), "still signed out");
        assertEquals(List.of(), page.problems());
    }

    @Test
    void anOperatorSeesTheGatewayALiveUplinkAndEnqueuesADownlink() throws Exception {
        HeadlessChromium.assumeInstalled();
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        JsonArray cells = (JsonArray) page.await("[...document.querySelectorAll('#gateways-table tbody tr')]"
                + ".map((r) => [...r.cells].map((c) => c.textContent)).find((c) => c[0] === '" + GATEWAY + "')",
                WAIT, "gateway row");
        assertEquals(4, cells.size(), "EUI, region, online, last seen: " + cells);
        // The gateway keeps pulling and was seen online before the test began.
        assertEquals("online", cells.getString(2), "online: " + cells);
        Instant.parse(cells.getString(3));

        long fCnt = device.fCntUp;
        JsonObject uplink = followAndSendUplink(page);
        assertEquals(fCnt, uplink.getLong("f_cnt"));
        assertEquals(10, uplink.getInteger("f_port"));
        assertEquals(APP, uplink.getString("application_id"));

        page.click("a[href='#devices']");
        clickButton(page, "#applications-list", APP);
        JsonArray listed = (JsonArray) page.await("[...document.querySelectorAll('#devices-table tbody tr')]"
                + ".map((r) => [...r.cells].map((c) => c.textContent)).find((c) => c[0] === '" + DEV_EUI + "')",
                WAIT, "device " + DEV_EUI + " in the application's table");
        assertEquals(List.of(DEV_EUI, "abp"), listed.getList().subList(0, 2));
        Instant.parse(listed.getString(2));
        assertEquals(String.valueOf(fCnt), listed.getString(3), "FCntUp: " + listed);
        JsonArray neverHeard = (JsonArray) page.evaluate("[...document.querySelectorAll('#devices-table tbody tr')]"
                + ".map((r) => [...r.cells].map((c) => c.textContent)).find((c) => c[0] === '" + OTHER_DEV_EUI
                + "')");
        assertEquals(List.of(OTHER_DEV_EUI, "abp", "—", "—"), neverHeard.getList());

        clickButton(page, "#devices-table", DEV_EUI);
        page.await("document.getElementById('device-facts').textContent.includes(" + Json.encode(DEV_EUI) + ")",
                WAIT, "device " + DEV_EUI);
        JsonObject shown = deviceFacts(page);
        Instant.parse(shown.getString("Last seen"));
        assertEquals(String.valueOf(fCnt), shown.getString("FCntUp"), shown.encode());
        assertEquals(APP, shown.getString("Application"), shown.encode());
        assertEquals("26000C51", shown.getString("DevAddr"), shown.encode());
        assertEquals(List.of(GATEWAY + " RSSI " + RSSI + " dBm, SNR " + SNR + " dB"),
                ((JsonArray) page.evaluate("[...document.querySelectorAll('#device-gateways li')]"
                        + ".map((l) => l.textContent)")).getList());

        openDevice(page);
        page.type("#enqueue-f-port", "7");
        page.type("#enqueue-data", "01 02 0A");
        page.click("#enqueue-confirmed");
        page.click("#enqueue-form button[type=submit]");
        JsonArray row = (JsonArray) page.await("[...document.querySelectorAll('#queue-table tbody tr')]"
                + ".map((r) => [...r.cells].map((c) => c.textContent))[0]", WAIT, "queue item");
        JsonArray items = network.api(server, "GET", "/api/v1/devices/" + DEV_EUI + "/queue", null, 200)
                .getJsonArray("items");
        assertEquals(1, items.size(), items.encode());
        JsonObject item = items.getJsonObject(0);
        assertEquals(7, item.getInteger("f_port"));
        assertEquals("AQIK", item.getString("data"), "bytes 01 02 0A");
        assertEquals(true, item.getBoolean("confirmed"));
        assertEquals(List.of(item.getString("id"), "7", "AQIK", "yes"), row.getList().subList(0, 4));
        assertEquals(List.of(), page.problems());
    }

    @Test
    void anUplinkOfTheSimulatorAppearsInTheLiveView() throws Exception {
        HeadlessChromium.assumeInstalled();
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        page.click("a[href='#events']");
        page.await("document.getElementById('events-status').textContent.startsWith('following')", WAIT,
                "event stream");
        CompletableFuture<CommandRun> simulate = CompletableFuture.supplyAsync(() -> CommandRun.run(List.of("simulate",
                "--url", "http://127.0.0.1:" + server.apiPort(), "--api-key", TestNetwork.API_KEY,
                "--udp", "127.0.0.1:" + server.udpPort(), "--gateways", "2", "--devices", "2", "--activation", "otaa",
                "--mac-version", "1.0.4", "--interval", "200ms", "--uplinks", "2", "--grace", "8s",
                "--duration", "30s", "--cleanup")));
        String shown = (String) page.await("[...document.querySelectorAll('#events-list li[data-type=\"uplink\"] pre')]"
                + ".map((p) => p.textContent).find((t) => JSON.parse(t).application_id.startsWith('sim-'))",
                Duration.ofSeconds(30), "an uplink of a simulated device");
        JsonObject uplink = new JsonObject(shown);
        CommandRun run = simulate.get(60, TimeUnit.SECONDS);
        assertEquals(0, run.status(), run.out() + "\n" + run.err());
        assertTrue(run.out().contains("Registered application " + uplink.getString("application_id")),
                "the live view's uplink is of the simulator's application: " + run.out());
        String runId = uplink.getString("application_id").substring("sim-".length());
        assertTrue(uplink.getString("dev_eui").startsWith("5E" + runId), "one of its devices: " + uplink);
    }

    @Test
    void aReadOnlyKeyIsShownTheApiRefusalWhenItEnqueues() throws Exception {
        HeadlessChromium.assumeInstalled();
        String readOnly = network.api(server, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "read-only"), 201).getString("key");
        String refusal = network.api(server, "POST", "/api/v1/devices/" + DEV_EUI + "/queue",
                new JsonObject().put("f_port", 1).put("data", "/w==").encode(), readOnly, 403).getString("error");
        HeadlessChromium.Page page = signIn(readOnly);
        openDevice(page);
        page.type("#enqueue-data", "FF");
        page.click("#enqueue-form button[type=submit]");
        assertEquals(refusal, page.await("document.getElementById('enqueue-error').textContent", WAIT,
                "enqueue error"));
        assertEquals(List.of(), page.problems());
    }

    @Test
    void theJoinServerDoctorShowsTheServersFindings() throws Exception {
        HeadlessChromium.assumeInstalled();
        JsonObject report = network.api(server, "GET", "/api/v1/join-servers/check/" + JOIN_EUI, null, 200);
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        page.click("a[href='#join-servers']");
        page.type("#doctor-join-eui", JOIN_EUI);
        page.click("#doctor-form button[type=submit]");
        String verdict = (String) page.await("document.getElementById('doctor-verdict')?.textContent", WAIT,
                "doctor's verdict");
        assertEquals("JoinEUI " + JOIN_EUI + ": " + (report.getBoolean("join_would_work") ? "A join would work."
                : "A join would fail."), verdict);
        assertEquals(report.getJsonArray("steps").size(),
                ((Number) page.evaluate("document.querySelectorAll('#doctor-report h3').length")).intValue());
        assertEquals(List.of(), page.problems());
    }

    /**
     * The live view's reader of the stream's framing, fed chunks cut anywhere, as the network may: the expected events
     * follow the WHATWG HTML standard, "Interpreting an event stream" (CRLF, LF and CR end lines, a comment line is
     * skipped, "data:" lines join with LF, one space after the colon is dropped, the type defaults to "message").
     */
    @Test
    void theLiveViewReadsTheEventStreamFramingAsTheStandardSays() throws Exception {
        HeadlessChromium.assumeInstalled();
        HeadlessChromium.Page page = browser.newPage();
        page.navigate("http://127.0.0.1:" + server.apiPort() + "/console");
        Object events = page.evaluate("""
                import('/console/event-stream.js').then(({ EventStreamParser }) => {
                  const events = [];
                  const parser = new EventStreamParser((type, data) => events.push([type, data]));
                  for (const chunk of [': connected\\n\\nevent: up', 'link\\r', '\\ndata: {"a":1}\\r\\ndata:  b\\n',
                      ': keep-alive\\n', '\\ndata\\ndata: c\\r\\r', 'event: empty\\n\\n']) {
                    parser.push(chunk);
                  }
                  return events;
                })""");
        assertEquals(new JsonArray().add(new JsonArray().add("uplink").add("{\"a\":1}\n b"))
                .add(new JsonArray().add("message").add("\nc")), events);
    }

    @Test
    void signingOutLeavesNothingOfTheKeyForTheNextOne() throws Exception {
        HeadlessChromium.assumeInstalled();
        String otherKey = network.api(server, "POST", "/api/v1/api-keys",
                new JsonObject().put("scope", "application:" + OTHER_APP), 201).getString("key");
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        followAndSendUplink(page);
        openDevice(page);
        page.click("a[href='#join-servers']");
        page.type("#doctor-join-eui", JOIN_EUI);

        page.clickAndAwaitLoad("#sign-out");
        page.await("!document.getElementById('sign-in').hidden", WAIT, "sign-in form");
        assertEquals(null, page.evaluate("sessionStorage.getItem('lorawan-ns.api-key')"), "key forgotten");
        page.type("#api-key", otherKey);
        page.click("#sign-in-form button[type=submit]");
        page.await("!document.getElementById('console').hidden", WAIT, "signed-in console");
        page.click("a[href='#events']");
        page.await("document.getElementById('events-status').textContent.startsWith('following the events of')",
                WAIT, "the other key's event stream");

        String text = (String) page.evaluate("document.body.textContent");
        assertFalse(text.contains(DEV_EUI), "the previous key's device on the page: " + text);
        assertEquals(0, ((Number) page.evaluate("document.getElementById('events-list').children.length"))
                .intValue());
        assertEquals(true, page.evaluate("document.getElementById('device').hidden"));
        assertEquals(List.of(), ((JsonArray) page.evaluate("[...document.querySelectorAll('input')]"
                + ".map((i) => i.value).filter((v) => v.includes('" + DEV_EUI + "') || v.includes('" + JOIN_EUI
                + "'))")).getList());
        assertEquals(List.of(), page.problems());
    }

    /**
     * Device A is opened, then device B before A's answers come: A's answers, held back in the page until B is shown,
     * must not replace B's facts. The page counts A's answers once the console has read them and every step that
     * follows in the same turn has run.
     */
    @Test
    void aLateAnswerForThePreviousDeviceIsDropped() throws Exception {
        HeadlessChromium.assumeInstalled();
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        page.click("a[href='#devices']");
        page.evaluate("""
                (() => {
                  const realFetch = window.fetch;
                  let release;
                  const held = new Promise((resolve) => { release = resolve; });
                  window.releaseHeld = release;
                  let read = 0;
                  window.fetch = async (resource, options) => {
                    const answer = await realFetch(resource, options);
                    if (!String(resource).includes('HELD')) {
                      return answer;
                    }
                    const text = await answer.text();
                    await held;
                    const late = new Response(text, { status: answer.status, headers: answer.headers });
                    const json = late.json.bind(late);
                    late.json = () => json().then((value) => {
                      setTimeout(() => { read += 1; document.body.dataset.heldRead = String(read); });
                      return value;
                    });
                    return late;
                  };
                  const input = document.getElementById('device-eui');
                  const form = document.getElementById('device-form');
                  input.value = 'HELD';
                  form.requestSubmit();
                  input.value = 'SHOWN';
                  form.requestSubmit();
                })()""".replace("HELD", DEV_EUI).replace("SHOWN", OTHER_DEV_EUI));
        page.await("document.getElementById('device-facts').textContent.includes(" + Json.encode(OTHER_DEV_EUI)
                + ")", WAIT, "device " + OTHER_DEV_EUI);
        page.evaluate("window.releaseHeld()");
        page.await("document.body.dataset.heldRead === '2'", WAIT, "the held answers (device, state) read");
        assertEquals(OTHER_DEV_EUI, deviceFacts(page).getString("DevEUI"));
        assertEquals(OTHER_DEV_EUI, page.evaluate("document.getElementById('device-name').textContent"));
        assertEquals(List.of(), page.problems());
    }

    /** A fragment that names no view (but names a property every object has) shows the first view. */
    @Test
    void aFragmentOfNoViewShowsTheGateways() throws Exception {
        HeadlessChromium.assumeInstalled();
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        page.click("a[href='#events']");
        page.await("document.getElementById('gateways').hidden && !document.getElementById('events').hidden", WAIT,
                "the events view");
        page.evaluate("location.hash = '#constructor'");
        page.await("!document.getElementById('gateways').hidden && document.getElementById('events').hidden", WAIT,
                "the gateways view for #constructor");
        assertEquals(List.of(), page.problems());
    }

    /**
     * The live view's connection is cut (as a restart of the server or the network would): the view says it tries
     * again, follows the stream again, and shows an uplink sent after that.
     */
    @Test
    void theLiveViewFollowsAgainAfterItsConnectionIsCut() throws Exception {
        HeadlessChromium.assumeInstalled();
        try (TcpProxy proxy = TcpProxy.start(server.apiPort())) {
            HeadlessChromium.Page page = submitKey(proxy.port(), TestNetwork.API_KEY);
            page.await("!document.getElementById('console').hidden", WAIT, "signed-in console");
            page.click("a[href='#events']");
            page.await("document.getElementById('events-status').textContent.startsWith('following')", WAIT,
                    "event stream");
            page.evaluate("""
                    (() => {
                      const status = document.getElementById('events-status');
                      window.statusesSeen = [];
                      new MutationObserver(() => window.statusesSeen.push(status.textContent))
                        .observe(status, { childList: true, characterData: true, subtree: true });
                    })()""");
            proxy.cutConnections();
            page.await("window.statusesSeen.some((text) => text.startsWith('following'))", WAIT,
                    "the stream followed again");
            JsonArray seen = (JsonArray) page.evaluate("window.statusesSeen");
            assertTrue(seen.getString(0).endsWith("; trying again in 1 s"), seen.encode());
            long fCnt = device.fCntUp;
            gateway.uplink(device.uplink(false, 10, new byte[] {0x23}, new byte[0], TX_DR, TX_CH), 2_000_000,
                    868_100_000L, "SF9BW125", SNR, RSSI);
            page.await(uplinkShown(fCnt), WAIT, "uplink event after the cut");
            assertEquals(List.of(), page.problems());
        }
    }

    /** "More" clicked twice at once adds the next page once. */
    @Test
    void moreClickedTwiceAddsTheNextPageOnce() throws Exception {
        HeadlessChromium.assumeInstalled();
        network.createApplication(server, MANY_APP);
        for (int i = 0; i < MANY_DEVICES; i++) {
            network.abpDevice(server, String.format("00000000000D%04X", i), String.format("26000D%02X", i),
                    MANY_APP);
        }
        HeadlessChromium.Page page = signIn(TestNetwork.API_KEY);
        page.click("a[href='#devices']");
        page.type("#application-id", MANY_APP);
        page.click("#application-form button[type=submit]");
        page.await("!document.getElementById('devices-more').hidden", WAIT, "the first page and its More");
        int firstPage = ((Number) page.evaluate("document.querySelectorAll('#devices-table tbody tr').length"))
                .intValue();
        assertTrue(firstPage < MANY_DEVICES, "a first page of " + firstPage);
        page.evaluate("(() => { const more = document.getElementById('devices-more'); more.click(); more.click(); "
                + "})()");
        page.await("document.getElementById('devices-more').hidden", WAIT, "the last page");
        JsonArray shown = (JsonArray) page.evaluate("[...document.querySelectorAll('#devices-table tbody tr')]"
                + ".map((r) => r.cells[0].textContent)");
        assertEquals(MANY_DEVICES, shown.size(), shown.encode());
        assertEquals(MANY_DEVICES, Set.copyOf(shown.getList()).size(), shown.encode());
        assertEquals(List.of(), page.problems());
    }

    /** Follows the live view and sends the device's next uplink; its event as the view shows it. */
    private JsonObject followAndSendUplink(HeadlessChromium.Page page) throws Exception {
        page.click("a[href='#events']");
        page.await("document.getElementById('events-status').textContent.startsWith('following')", WAIT,
                "event stream");
        long fCnt = device.fCntUp;
        gateway.uplink(device.uplink(false, 10, new byte[] {0x21, 0x22}, new byte[0], TX_DR, TX_CH), 1_000_000,
                868_100_000L, "SF9BW125", SNR, RSSI);
        return new JsonObject((String) page.await(uplinkShown(fCnt), WAIT, "uplink event"));
    }

    /** The JSON of the live view's uplink event of the device with {@code fCnt}, once shown. */
    private static String uplinkShown(long fCnt) {
        return "[...document.querySelectorAll('#events-list li[data-type=\"uplink\"] pre')].map((p) => p.textContent)"
                + ".find((t) => JSON.parse(t).dev_eui === '" + DEV_EUI + "' && JSON.parse(t).f_cnt === " + fCnt + ")";
    }

    /** Clicks the button of {@code text} inside {@code container} once the page shows it. */
    private static void clickButton(HeadlessChromium.Page page, String container, String text) throws Exception {
        page.await("(() => { const button = [...document.querySelectorAll(" + Json.encode(container + " button")
                + ")].find((b) => b.textContent === " + Json.encode(text) + "); if (!button) { return false; } "
                + "button.click(); return true; })()", WAIT, text + " in " + container);
    }

    /** The device's facts as the page shows them, term to value. */
    private static JsonObject deviceFacts(HeadlessChromium.Page page) throws Exception {
        return (JsonObject) page.evaluate("Object.fromEntries("
                + "[...document.querySelectorAll('#device-facts dt')].map((t) => [t.textContent,"
                + " t.nextElementSibling.textContent]))");
    }

    /** A new private page on the console, where {@code key} was typed into the sign-in form and sent. */
    private static HeadlessChromium.Page submitKey(String key) throws Exception {
        return submitKey(server.apiPort(), key);
    }

    /** A new private page on the console of the API at {@code port}, where {@code key} was typed and sent. */
    private static HeadlessChromium.Page submitKey(int port, String key) throws Exception {
        HeadlessChromium.Page page = browser.newPage();
        page.navigate("http://127.0.0.1:" + port + "/console");
        page.await("!document.getElementById('sign-in').hidden", WAIT, "sign-in form");
        page.type("#api-key", key);
        page.click("#sign-in-form button[type=submit]");
        return page;
    }

    /** A new private page on the console, signed in with {@code key}. */
    private static HeadlessChromium.Page signIn(String key) throws Exception {
        HeadlessChromium.Page page = submitKey(key);
        page.await("!document.getElementById('console').hidden", WAIT, "signed-in console");
        return page;
    }

    /** Opens the device by its DevEUI, typed into the applications and devices view. */
    private static void openDevice(HeadlessChromium.Page page) throws Exception {
        page.click("a[href='#devices']");
        page.type("#device-eui", DEV_EUI);
        page.click("#device-form button[type=submit]");
        page.await("document.getElementById('device-facts').textContent.includes(" + Json.encode(DEV_EUI) + ")",
                WAIT, "device " + DEV_EUI);
    }

    private HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
                .timeout(WAIT);
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
