package net.lorawanns.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * What Redis alone could do with the server's per-frame request mix, measured with {@code redis-benchmark} on the
 * Redis the server ran on: each frame costs Redis a SET NX (its first copy opens a fresh deduplication set, the
 * metric group {@code dedup_open}), a SET with GET (the window ends: {@code dedup_close}, which finds no copies of
 * other instances) and one {@code session_accept} (the frame counter step), as
 * {@code Deduplicator} and {@code SessionStore} send them. The
 * script is the server's own text ({@link ServerScript}), loaded with SCRIPT LOAD and called by EVALSHA as the
 * server calls it; the commands are typed here as the server writes them. One redis-benchmark runs per request and
 * pipeline depth, each request's best rate counts, and the frames/s Redis could serve is 1 / sum of (1 / each
 * request's calls/s).
 *
 * <p>Keys and arguments are shaped like the server's: the deduplication keys name a fresh frame id on every call
 * (redis-benchmark's {@code __rand_int__} in the key), and the counter step works on the generator's real device
 * sessions. redis-benchmark can only draw 12 decimal digits, so the devices used are those whose DevEUI's last 12 hex
 * digits are decimal digits (2,710 of 10,000), and it draws each {@code __rand_int__} of a call apart: one call's
 * four keys (session, device record, downlink queue, downlink path) name four such devices, the same lookups in
 * other hashes. The FCnt is drawn too; so that every call takes the path of a new frame (the counter moved and the
 * downlink queue read) rather than that of a replay, the devices are set to {@code relax_fcnt} (a lower counter is a
 * reset, which does the same work), and their sessions' id to one of them, the id every call passes. Both are
 * written here, straight into Redis: the benchmark changes the sessions, and runs after the measured phase only. The
 * frames are unconfirmed (the step's last argument '0'): a confirmed frame's step also takes its answer's downlink
 * counter, which the default workload never asks.
 * What the script made Redis run per call ({@code INFO commandstats}) is printed beside its rate, to compare with
 * the server's.
 *
 * <p>Runs on the generator's main thread; redis-benchmark is a child process.
 */
final class RedisAlone {
    /** The property naming the redis-benchmark binary; else it is looked for on the PATH. */
    static final String BINARY_PROPERTY = "load.redisBenchmark";
    /** The generator's devices' DevEUIs start so (see {@link LoadGenerator#devEui}); the rest is the index. */
    private static final String EUI_HEAD = "0A00";
    /** The deduplication window plus the grace Deduplicator adds to an open set's TTL. */
    private static final long OPEN_SET_TTL_MS = LoadGenerator.DEDUPLICATION_DELAY.toMillis() + 5_000;
    /** How long Deduplicator remembers a closed set. */
    private static final long CLOSED_SET_TTL_MS = 10_000;
    /** redis-benchmark's keyspace for the fresh frame ids ({@code -r} is a C int). */
    private static final int FRAME_IDS = 2_000_000_000;
    private static final int BATCH = 1_000;

    private final Path binary;
    private final int port;
    private final int clients;
    private final List<Integer> pipelines;
    private final int requests;
    private final RedisKeys keys = new RedisKeys("");

    /**
     * @param clients redis-benchmark's connections ({@code -c})
     * @param pipelines the depths tried, requests each connection writes before reading the answers ({@code -P}): a
     *     request's rate is its best
     * @param requests calls per request and depth ({@code -n})
     */
    RedisAlone(Path binary, int port, int clients, List<Integer> pipelines, int requests) {
        this.binary = binary;
        this.port = port;
        this.clients = clients;
        this.pipelines = List.copyOf(pipelines);
        this.requests = requests;
    }

    /** redis-benchmark: {@value #BINARY_PROPERTY} if given, else the first on the PATH; empty when there is none. */
    static Optional<Path> binary() {
        String given = System.getProperty(BINARY_PROPERTY);
        if (given != null) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-benchmark");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * One request of the mix as redis-benchmark sends it: the server's metric group it counts under and its words,
     * with {@code __rand_int__} drawn from {@code keyspace}.
     */
    record Step(String name, int keyspace, List<String> words) {
        /** The command's name as {@code INFO commandstats} counts it. */
        String command() {
            return words.get(0).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One request's rates under redis-benchmark by pipeline depth, and the commands Redis ran per call inside it (a
     * script's; at the best depth).
     */
    record StepRate(String step, Map<Integer, Double> callsPerSecondByDepth, Map<String, Double> commandsPerCall) {
        /** The best of its depths. */
        double callsPerSecond() {
            return callsPerSecondByDepth.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }
    }

    /** The rates of the mix's requests. */
    record Mix(List<StepRate> rates) {
        /** Frames/s Redis alone could serve: each frame costs one call of each request. */
        double framesPerSecond() {
            return 1 / rates.stream().mapToDouble(rate -> 1 / rate.callsPerSecond()).sum();
        }
    }

    /**
     * Runs the mix; the generator's {@code devices} are registered and have sessions (after the measured phase:
     * their sessions are changed).
     */
    Mix measure(int devices) throws Exception {
        ServerScript accept = counterStep();
        int drawn = benchmarkedDevices(devices);
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
            load(redis, accept);
            List<String> session = prepareSessions(redis, drawn);
            Eui64 placeholder = drawnDevice(0);
            List<String> deviceKeys = List.of(keys.session(placeholder), keys.device(placeholder),
                    keys.downlinkQueue(placeholder), keys.downlinkPath(placeholder)).stream()
                    .map(key -> key.replace(placeholder.toString(), EUI_HEAD + "__rand_int__")).toList();
            List<String> acceptWords = new ArrayList<>(List.of("EVALSHA", accept.sha1(),
                    Integer.toString(deviceKeys.size())));
            acceptWords.addAll(deviceKeys);
            acceptWords.addAll(List.of(session.get(0), "__rand_int__",
                    Long.toString(SessionStore.OTAA_SESSION_TTL.toMillis()), session.get(1), session.get(2),
                    session.get(3), Long.toString(System.currentTimeMillis()), "0"));
            List<StepRate> rates = new ArrayList<>();
            for (Step step : deduplication()) {
                rates.add(run(step));
            }
            rates.add(run(new Step(accept.name(), drawn, acceptWords)));
            return new Mix(rates);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /**
     * A frame's deduplication requests, as {@code Deduplicator} sends them for a set no other instance added to: its
     * first copy's SET NX, and as the window ends the SET with GET that closes the set and finds no copies of other
     * instances. The key names a fresh frame id on every call.
     */
    List<Step> deduplication() {
        String frameId = "0".repeat(20) + "__rand_int__:868100000";
        String lock = keys.dedupLock(frameId);
        return List.of(
                new Step("dedup_open", FRAME_IDS, List.of("SET", lock, "open", "NX", "PX",
                        Long.toString(OPEN_SET_TTL_MS))),
                new Step("dedup_close", FRAME_IDS, List.of("SET", lock, "closed", "PX",
                        Long.toString(CLOSED_SET_TTL_MS), "GET")));
    }

    /** The script each frame costs Redis, one call: {@code session_accept}. */
    static ServerScript counterStep() {
        return ServerScript.of(SessionStore.class, "ACCEPT", "session_accept");
    }

    /**
     * How many DevEUIs redis-benchmark may draw: {@code 0A00} followed by a 12-digit decimal number r names the
     * device whose index is r read as hexadecimal, which exists while below {@code devices}; that index grows with r.
     */
    static int benchmarkedDevices(int devices) {
        int drawn = 0;
        while (Long.parseLong(Integer.toString(drawn), 16) < devices) {
            drawn++;
        }
        return drawn;
    }

    /** SCRIPT LOAD; fails when its SHA-1 is not the one the server computed, which Redis should already know. */
    private static void load(Redis redis, ServerScript script) {
        boolean known = call(redis, Request.cmd(Command.SCRIPT).arg("EXISTS").arg(script.sha1())).get(0)
                .toInteger() == 1;
        String sha1 = call(redis, Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())).toString();
        if (!sha1.equals(script.sha1())) {
            throw new IllegalStateException("Redis names " + script.name() + " " + sha1 + ", not " + script.sha1());
        }
        if (!known) {
            System.out.printf("  (%s: the server never ran this text during the run)%n", script.name());
        }
    }

    /**
     * Sets the drawn devices to {@code relax_fcnt} and their sessions' id to the first one's; returns the counter
     * step's arguments taken from that session: its id, the token of its last step, its receive windows and the
     * gateways that heard it, as the server passed them for its last frame.
     */
    private List<String> prepareSessions(Redis redis, int drawn) {
        Eui64 first = LoadGenerator.devEui(0);
        Response state = call(redis, Request.cmd(Command.HMGET).arg(keys.session(first)).arg("aid").arg("ut")
                .arg("lw").arg("gw"));
        for (int i = 0; i < 4; i++) {
            if (state.get(i) == null) {
                throw new IllegalStateException("the session of " + first + " has no counter step yet");
            }
        }
        String sessionId = state.get(0).toString();
        List<Request> reads = new ArrayList<>(drawn);
        for (int r = 0; r < drawn; r++) {
            reads.add(Request.cmd(Command.GET).arg(keys.device(drawnDevice(r))));
        }
        List<Response> records = batch(redis, reads);
        List<Request> writes = new ArrayList<>(2 * drawn);
        for (int r = 0; r < drawn; r++) {
            Eui64 devEui = drawnDevice(r);
            JsonObject record = new JsonObject(records.get(r).toString());
            if (!devEui.toString().equals(record.getString("dev_eui"))) {
                throw new IllegalStateException("unexpected device record of " + devEui + ": " + record);
            }
            writes.add(Request.cmd(Command.SET).arg(keys.device(devEui)).arg(record.put("relax_fcnt", true).encode()));
            writes.add(Request.cmd(Command.HSET).arg(keys.session(devEui)).arg("aid").arg(sessionId));
        }
        batch(redis, writes);
        return List.of(sessionId, state.get(1).toString(), state.get(2).toString(), state.get(3).toString());
    }

    private static Eui64 drawnDevice(int r) {
        return Eui64.parse(EUI_HEAD + String.format("%012d", r));
    }

    /** Runs redis-benchmark with the step at each pipeline depth. */
    private StepRate run(Step step) throws IOException, InterruptedException {
        Map<Integer, Double> rates = new LinkedHashMap<>();
        Map<String, Double> perCallAtBest = Map.of();
        for (int pipeline : pipelines) {
            Map<String, Long> before = LoadGenerator.redisCommands(List.of(port));
            double rate = run(step, pipeline);
            Map<String, Long> after = LoadGenerator.redisCommands(List.of(port));
            if (rates.values().stream().allMatch(other -> other < rate)) {
                perCallAtBest = perCall(step.command(), before, after);
            }
            rates.put(pipeline, rate);
        }
        return new StepRate(step.name(), rates, perCallAtBest);
    }

    /**
     * The commands Redis ran per call of {@code command} between {@code before} and {@code after}, but for that
     * command itself: a script's.
     */
    private static Map<String, Double> perCall(String command, Map<String, Long> before, Map<String, Long> after) {
        double calls = after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
        Map<String, Double> perCall = new LinkedHashMap<>();
        after.forEach((name, count) -> {
            long ran = count - before.getOrDefault(name, 0L);
            // Below one in a hundred calls: the server's own background work meanwhile.
            if (ran >= calls / 100 && !name.equals(command) && !name.equals("config")) {
                perCall.put(name, ran / calls);
            }
        });
        return perCall;
    }

    /** One redis-benchmark; its calls/s. */
    private double run(Step step, int pipeline) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-c", Integer.toString(clients), "-P", Integer.toString(pipeline), "-n",
                Integer.toString(requests), "-r", Integer.toString(step.keyspace()), "--csv"));
        command.addAll(step.words());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("redis-benchmark failed for " + step.name() + ": " + output);
        }
        return requestsPerSecond(step, output);
    }

    /** The rps column of redis-benchmark's CSV: a header line, then {@code "EVALSHA ...","<rps>",...}. */
    private static double requestsPerSecond(Step step, String output) {
        for (String line : output.split("\n")) {
            String[] columns = line.split("\",\"");
            if (columns.length > 1 && !line.startsWith("\"test\"")) {
                return Double.parseDouble(columns[1].replace("\"", ""));
            }
        }
        throw new IllegalStateException("no rate in redis-benchmark's output for " + step.name() + ": " + output);
    }

    /** Sends the requests pipelined, {@link #BATCH} at a time (the client queues at most 2,048 by default). */
    private static List<Response> batch(Redis redis, List<Request> requests) {
        List<Response> responses = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += BATCH) {
            responses.addAll(redis.batch(requests.subList(from, Math.min(requests.size(), from + BATCH)))
                    .toCompletionStage().toCompletableFuture().join());
        }
        return responses;
    }

    private static Response call(Redis redis, Request request) {
        return redis.send(request).toCompletionStage().toCompletableFuture().join();
    }
}
