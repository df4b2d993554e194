package net.lorawanns.core.testing;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server process of a test's own, that the test can stop, start again on the same port, freeze (SIGSTOP)
 * and thaw (SIGCONT): the redis-server binary that the embedded-redis dependency ships, so that a machine with only
 * a JDK and Maven runs it. Persistence is off.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);
    private static File binary;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /**
     * Starts a Redis on a free loopback port, working in a temporary folder of its own; {@code extraArgs} are
     * further settings that override the defaults, e.g. {@code "--appendonly", "yes"}.
     */
    public static RedisProcess start(String... extraArgs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("redis-process");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary folder for Redis", e);
        }
        RedisProcess redis = new RedisProcess(freePort(), dir, List.of(extraArgs));
        redis.startAgain();
        return redis;
    }

    /** The redis-server binary, extracted from the embedded-redis jar once per JVM. */
    public static synchronized File binary() {
        if (binary == null) {
            try {
                binary = ExecutableProvider.newJarResourceProvider().get();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the redis-server binary", e);
            }
        }
        return binary;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the server (again) on its port and returns once it accepts connections. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Redis on port " + port + " is running");
        }
        List<String> command = new ArrayList<>(List.of(binary().getAbsolutePath(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("redis-server on port " + port + " exited"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "redis-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            started.destroyForcibly();
            throw new IllegalStateException("redis-server on port " + port + " did not become ready", e);
        }
    }

    /** Stops the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    public void freeze() {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private synchronized void signal(String name) {
        try {
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            thaw();
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
