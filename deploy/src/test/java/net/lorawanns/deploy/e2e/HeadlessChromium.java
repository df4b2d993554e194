package net.lorawanns.deploy.e2e;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium in headless mode, driven through the Chrome DevTools Protocol (CDP) over the WebSocket of its
 * browser target, with Vert.x's WebSocket client: each page is attached with {@code flatten}, so that one connection
 * carries every page's commands, each tagged with its session. Commands are sent from the test's thread; their answers
 * and the events complete on the Vert.x event loop of this driver.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    /** When set, a machine without Chromium fails the browser tests rather than skipping them (CI sets it). */
    static final String REQUIRE_BROWSER = "LORAWAN_NS_REQUIRE_BROWSER";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration COMMAND = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    private final Process process;
    private final Path log;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
    /** Per CDP session: uncaught script errors and security messages (a Content-Security-Policy refusal). */
    private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
    /** Per navigation (its loader's ID): completed by the page's load event, which may come before it is awaited. */
    private final Map<String, Promise<Void>> loads = new ConcurrentHashMap<>();
    /** Per CDP session: completed by the page's next load event (a navigation the page starts itself). */
    private final Map<String, Promise<Void>> nextLoads = new ConcurrentHashMap<>();
    /** The browser contexts of the pages open, one a page. */
    private final List<String> contexts = new CopyOnWriteArrayList<>();
    private WebSocket socket;

    private HeadlessChromium(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Skips the calling test when Chromium is not installed, with the reason, or fails it when {@value #REQUIRE_BROWSER}
     * is set.
     */
    static void assumeInstalled() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = BINARY + " is missing: install Debian's chromium package to run the console's browser test";
        if (System.getenv(REQUIRE_BROWSER) != null) {
            Assertions.fail(message + " (" + REQUIRE_BROWSER + " is set)");
        }
        Assumptions.abort(message);
    }

    /** Starts Chromium with a new profile in {@code dir} (its output goes to {@code dir/chromium.log}). */
    static HeadlessChromium start(Path dir) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Path log = dir.resolve("chromium.log");
        Path activePort = profile.resolve("DevToolsActivePort");
        try (WatchService watcher = profile.getFileSystem().newWatchService()) {
            profile.register(watcher, ENTRY_CREATE, ENTRY_MODIFY);
            Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile, "about:blank")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HeadlessChromium browser = new HeadlessChromium(process, log);
            try {
                List<String> lines = browser.awaitActivePort(watcher, activePort);
                browser.connect(Integer.parseInt(lines.get(0).trim()), lines.get(1).trim());
                return browser;
            } catch (Exception | AssertionError e) {
                browser.close();
                throw e;
            }
        }
    }

    /**
     * The two lines Chromium writes once it listens: the port it chose and its browser target's path. Waits for the
     * file's creation or change, not a fixed time; fails when Chromium exits first or does not listen in time.
     */
    private List<String> awaitActivePort(WatchService watcher, Path file) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) {
                    return lines;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("Chromium exited with " + process.exitValue() + ": " + output());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Chromium did not write " + file + " within " + START + ": " + output());
            }
            // Woken by the file's events; at most a second, to notice an exit that writes nothing.
            var key = watcher.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        }
    }

    private void connect(int port, String browserPath) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024));
        // Chromium refuses a DevTools connection with an Origin header it was not told to allow.
        socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI(browserPath).setAllowOriginHeader(false)).await(COMMAND.toSeconds(), TimeUnit.SECONDS);
        socket.textMessageHandler(text -> {
            JsonObject message = new JsonObject(text);
            Integer id = message.getInteger("id");
            if (id != null) {
                Promise<JsonObject> answer = pending.remove(id);
                if (answer == null) {
                    return;
                }
                JsonObject error = message.getJsonObject("error");
                if (error != null) {
                    answer.fail(new IllegalStateException("CDP: " + error.getString("message")));
                } else {
                    answer.complete(message.getJsonObject("result", new JsonObject()));
                }
            } else if ("Page.lifecycleEvent".equals(message.getString("method"))) {
                JsonObject params = message.getJsonObject("params");
                if ("load".equals(params.getString("name"))) {
                    loaded(params.getString("loaderId")).tryComplete();
                    Promise<Void> next = nextLoads.remove(message.getString("sessionId", ""));
                    if (next != null) {
                        next.tryComplete();
                    }
                }
            } else {
                recordProblem(message);
            }
        });
    }

    private void recordProblem(JsonObject event) {
        String session = event.getString("sessionId");
        JsonObject params = event.getJsonObject("params", new JsonObject());
        String problem = switch (event.getString("method", "")) {
            case "Runtime.exceptionThrown" -> params.getJsonObject("exceptionDetails").encode();
            case "Log.entryAdded" -> {
                JsonObject entry = params.getJsonObject("entry");
                yield "security".equals(entry.getString("source")) ? entry.getString("text") : null;
            }
            default -> null;
        };
        if (session != null && problem != null) {
            problems.computeIfAbsent(session, s -> new CopyOnWriteArrayList<>()).add(problem);
        }
    }

    private Promise<Void> loaded(String loaderId) {
        return loads.computeIfAbsent(loaderId, id -> Promise.promise());
    }

    /** Sends a command (to a page when {@code session} is not null) and waits for its answer. */
    JsonObject send(String session, String method, JsonObject params, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        Promise<JsonObject> answer = Promise.promise();
        pending.put(id, answer);
        JsonObject command = new JsonObject().put("id", id).put("method", method).put("params", params);
        if (session != null) {
            command.put("sessionId", session);
        }
        socket.writeTextMessage(command.encode());
        try {
            return answer.future().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            pending.remove(id);
        }
    }

    /** A new page in a browser context of its own: its own cookies and sessionStorage, as a new private window. */
    Page newPage() throws Exception {
        String context = send(null, "Target.createBrowserContext", new JsonObject(), COMMAND)
                .getString("browserContextId");
        contexts.add(context);
        String target = send(null, "Target.createTarget", new JsonObject().put("url", "about:blank")
                .put("browserContextId", context), COMMAND).getString("targetId");
        String session = send(null, "Target.attachToTarget", new JsonObject().put("targetId", target)
                .put("flatten", true), COMMAND).getString("sessionId");
        Page page = new Page(session);
        send(session, "Runtime.enable", new JsonObject(), COMMAND);
        send(session, "Log.enable", new JsonObject(), COMMAND);
        send(session, "Page.enable", new JsonObject(), COMMAND);
        send(session, "Page.setLifecycleEventsEnabled", new JsonObject().put("enabled", true), COMMAND);
        return page;
    }

    /** Closes every page open (its browser context with it), so that no page of one test runs on in the next. */
    void closePages() throws Exception {
        for (String context : contexts) {
            contexts.remove(context);
            send(null, "Target.disposeBrowserContext", new JsonObject().put("browserContextId", context), COMMAND);
        }
    }

    /** A page; its methods run on the test's thread. */
    final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        /** Loads {@code url} and waits for its load event: the page's module scripts have run. */
        void navigate(String url) throws Exception {
            JsonObject result = send(session, "Page.navigate", new JsonObject().put("url", url), COMMAND);
            if (result.getString("errorText") != null) {
                throw new AssertionError("cannot load " + url + ": " + result.getString("errorText"));
            }
            String loaderId = result.getString("loaderId");
            loaded(loaderId).future().await(COMMAND.toSeconds(), TimeUnit.SECONDS);
            loads.remove(loaderId);
        }

        /** The value of a JavaScript expression (a promise's, once settled), as JSON allows. */
        Object evaluate(String expression, Duration timeout) throws Exception {
            JsonObject result = send(session, "Runtime.evaluate", new JsonObject().put("expression", expression)
                    .put("returnByValue", true).put("awaitPromise", true), timeout);
            JsonObject exception = result.getJsonObject("exceptionDetails");
            if (exception != null) {
                throw new IllegalStateException(expression + " threw " + exception.encode());
            }
            return result.getJsonObject("result").getValue("value");
        }

        Object evaluate(String expression) throws Exception {
            return evaluate(expression, COMMAND);
        }

        /**
         * The first truthy value of {@code condition} (a JavaScript expression on the page's DOM), tested now and after
         * each change of the document (a MutationObserver in the page), within {@code timeout}; an AssertionError
         * saying what was awaited and showing the page's text otherwise.
         */
        Object await(String condition, Duration timeout, String what) throws Exception {
            String expression = """
                    new Promise((resolve) => {
                      const test = () => { try { return (CONDITION); } catch (e) { return null; } };
                      const now = test();
                      if (now) { resolve(now); return; }
                      const observer = new MutationObserver(() => {
                        const value = test();
                        if (value) { observer.disconnect(); resolve(value); }
                      });
                      observer.observe(document, { subtree: true, childList: true, characterData: true,
                        attributes: true });
                    })""".replace("CONDITION", condition);
            try {
                return evaluate(expression, timeout);
            } catch (TimeoutException e) {
                throw new AssertionError("no " + what + " within " + timeout + "; the page shows: "
                        + evaluate("document.body ? document.body.innerText : ''") + "; problems: " + problems());
            }
        }

        /** Types {@code text} into the element {@code selector} finds, as keystrokes would, after emptying it. */
        void type(String selector, String text) throws Exception {
            evaluate("(() => { const e = document.querySelector(" + Json.encode(selector) + "); e.focus(); "
                    + "e.value = ''; })()");
            send(session, "Input.insertText", new JsonObject().put("text", text), COMMAND);
        }

        /** Clicks the element {@code selector} finds (a submit button submits its form, after its checks). */
        void click(String selector) throws Exception {
            evaluate("document.querySelector(" + Json.encode(selector) + ").click()");
        }

        /** Clicks the element {@code selector} finds and waits for the document it makes the page load. */
        void clickAndAwaitLoad(String selector) throws Exception {
            Promise<Void> next = Promise.promise();
            nextLoads.put(session, next);
            click(selector);
            try {
                next.future().await(COMMAND.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no page loaded within " + COMMAND + " of a click on " + selector);
            } finally {
                nextLoads.remove(session);
            }
        }

        /** The page's uncaught script errors and security messages (Content-Security-Policy refusals) so far. */
        List<String> problems() {
            return List.copyOf(HeadlessChromium.this.problems.getOrDefault(session, List.of()));
        }
    }

    private String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /**
     * Closes the connection, ends Chromium (SIGTERM; if it lingers, SIGKILL to it and to its renderer, GPU and
     * utility processes, which a killed parent cannot end) and this driver's Vert.x.
     */
    @Override
    public void close() throws Exception {
        try {
            if (socket != null) {
                socket.close().await(COMMAND.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            try {
                process.destroy();
                if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                    List<ProcessHandle> descendants = process.descendants().toList();
                    process.destroyForcibly().waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS);
                    descendants.forEach(ProcessHandle::destroyForcibly);
                }
            } finally {
                vertx.close().await(COMMAND.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
