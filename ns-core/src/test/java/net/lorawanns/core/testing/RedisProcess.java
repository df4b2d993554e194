package net.lorawanns.core.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import redis.embedded.core.ExecutableProvider;

/**
 * One redis-server process of a test's own, alone ({@link #start(String...)}) or in the multi-node set-ups
 * ({@link TestRedisCluster}, {@link TestRedisSentinel}): the binary the embedded-redis jar ships, so that a machine
 * with only a JDK and Maven runs it, with a generated configuration file in a directory of its own, on a free
 * loopback port, logging to its standard output, which is kept so that tests can await a log line. A test may kill
 * it and start it again on the same port, or freeze (SIGSTOP) and thaw (SIGCONT) it. Every process is killed when
 * the JVM exits. A reader thread per process drains its output.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(20);
    private static final int ATTEMPTS = 5;
    /** Redis Cluster's bus listens on the client port + 10000 (the cluster specification). */
    private static final int BUS_OFFSET = 10_000;
    private static final List<Process> ALL = new ArrayList<>();
    private static File binary;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (ALL) {
                ALL.forEach(Process::destroyForcibly);
            }
        }));
    }

    private static final Pattern ACCEPTING = Pattern.compile("Ready to accept connections");
    private static final String REQUIREPASS = "requirepass ";

    private final Path dir;
    private final int port;
    private final List<String> config;
    private final boolean sentinel;
    private final List<String> log = new ArrayList<>();
    private Process process;
    private boolean ended;

    private RedisProcess(Path dir, int port, List<String> config, boolean sentinel) {
        this.dir = dir;
        this.port = port;
        this.config = List.copyOf(config);
        this.sentinel = sentinel;
    }

    /**
     * Starts a standalone redis-server in a temporary directory of its own and waits until it accepts connections;
     * {@code config} holds further lines of redis.conf, e.g. {@code "appendonly yes"}.
     */
    public static RedisProcess start(String... config) {
        return start(createDirectory("redis-process"), List.of(config), false, false, ACCEPTING);
    }

    /**
     * Starts a redis-server on a free port with {@code config} (lines of redis.conf; port, bind, directory and
     * logging are added) and waits until its log has a line matching {@code ready}.
     *
     * @param sentinel run as a Sentinel ({@code redis-server sentinel.conf --sentinel})
     * @param bus the port + 10000 must be free too (a Cluster node)
     */
    public static RedisProcess start(Path dir, List<String> config, boolean sentinel, boolean bus, Pattern ready) {
        IllegalStateException last = null;
        // A port found free may be taken by another process before Redis binds it: try again on another one.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort(bus);
            RedisProcess redis = new RedisProcess(dir.resolve(String.valueOf(port)), port, config, sentinel);
            redis.launch();
            try {
                redis.awaitLog(ready, READY);
                return redis;
            } catch (IllegalStateException e) {
                redis.close();
                last = e;
            }
        }
        throw new IllegalStateException("cannot start redis-server after " + ATTEMPTS + " attempts", last);
    }

    public int port() {
        return port;
    }

    /** Its URL, with the password of a {@code requirepass} line of its configuration. */
    public String url() {
        String password = config.stream().filter(line -> line.startsWith(REQUIREPASS)).findFirst()
                .map(line -> ":" + line.substring(REQUIREPASS.length()) + "@").orElse("");
        return "redis://" + password + "127.0.0.1:" + port;
    }

    /**
     * Waits until a log line (already written or to come) matches {@code pattern}.
     *
     * @throws IllegalStateException if none does within {@code timeout} or the process ends first
     */
    public String awaitLog(Pattern pattern, Duration timeout) {
        return awaitLog(pattern, 0, timeout);
    }

    /** As {@link #awaitLog(Pattern, Duration)}, looking only at lines from index {@code from} on. */
    public synchronized String awaitLog(Pattern pattern, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            for (; next < log.size(); next++) {
                if (pattern.matcher(log.get(next)).find()) {
                    return log.get(next);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new IllegalStateException("redis-server on port " + port + ": no log line matching '"
                        + pattern + "' within " + timeout + (ended ? " (it exited)" : "") + "; its log:\n"
                        + String.join("\n", log));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** How many log lines there are so far: a starting point for {@link #awaitLog(Pattern, int, Duration)}. */
    public synchronized int logSize() {
        return log.size();
    }

    /** Sends one command to this server on a connection of its own and returns the reply. */
    public Response send(Vertx vertx, Request request) {
        Redis client = Redis.createClient(vertx, url());
        try {
            return client.send(request).await(READY.toSeconds(), TimeUnit.SECONDS);
        } catch (Throwable e) {
            // Throwable: the Vert.x client's error replies are neither Exceptions nor Errors.
            throw new IllegalStateException("redis-server on port " + port + " refused " + request, e);
        } finally {
            client.close();
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public void kill() {
        Process running = current();
        running.destroyForcibly();
        try {
            running.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a killed standalone server again on its port and directory, and waits until it accepts connections. */
    public void startAgain() {
        if (current().isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        int from = logSize();
        launch();
        awaitLog(ACCEPTING, from, READY);
    }

    /** Freezes the server (SIGSTOP): its connections stay open, and nothing is answered. */
    public void freeze() {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        long pid = current().pid();
        try {
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid).start();
            if (!kill.waitFor(READY.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (current().isAlive()) {
            thaw();
            kill();
        }
    }

    private synchronized Process current() {
        return process;
    }

    /** A new temporary directory for a set-up's processes. */
    static Path createDirectory(String name) {
        try {
            return Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for " + name, e);
        }
    }

    /** Deletes a set-up's directory (its processes stopped) and everything in it. */
    static void deleteDirectory(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private void launch() {
        try {
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                    "logfile \"\"", "save \"\"", "appendonly no"));
            lines.addAll(config);
            // Sentinel rewrites its configuration file with what it learns: it must be a file of its own.
            Path file = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
            if (!Files.exists(file)) {
                Files.write(file, lines);
            }
            List<String> command = new ArrayList<>(List.of(binary().getAbsolutePath(), file.toString()));
            if (sentinel) {
                command.add("--sentinel");
            }
            Process started = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            synchronized (ALL) {
                ALL.add(started);
            }
            synchronized (this) {
                process = started;
                ended = false;
            }
            Thread reader = new Thread(() -> drain(started), "redis-" + port);
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    /** The redis-server binary of the embedded-redis jar, extracted once per JVM. */
    private static synchronized File binary() throws IOException {
        if (binary == null) {
            binary = ExecutableProvider.newJarResourceProvider().get();
        }
        return binary;
    }

    private void drain(Process from) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(from.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                synchronized (this) {
                    log.add(line);
                    notifyAll();
                }
            }
        } catch (IOException killed) {
            // the process was killed: nothing more to read
        }
        synchronized (this) {
            if (process == from) {
                ended = true;
            }
            notifyAll();
        }
    }

    private static int freePort(boolean bus) {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 55_000);
            if (free(port) && (!bus || free(port + BUS_OFFSET))) {
                return port;
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException taken) {
            return false;
        }
    }
}
