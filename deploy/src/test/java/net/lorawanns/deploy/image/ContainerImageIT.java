package net.lorawanns.deploy.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.image.ImageArchive.LayerFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code mvn package} leaves in deploy/target/ (Jib's buildTar; run by Failsafe after
 * package). Read as an engine reads it, then run: its layers unpacked into a directory and its entrypoint started
 * there in a chroot as the image's user, which needs root (CI runs as root; elsewhere those tests are skipped).
 */
class ContainerImageIT {
    private static final Path TAR = Path.of("target/lorawan-ns-image.tar");
    private static final Path JAR = Path.of("target/lorawan-ns.jar");
    private static final Path SYSTEMD_UNIT = Path.of("systemd/lorawan-ns.service");
    private static final String CONFIG_IN_IMAGE = "/etc/lorawan-ns/lorawan-ns.toml";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Put in the queue of output lines when the process's output ends. */
    private static final String END_OF_OUTPUT = "\0end of output";

    private static ImageArchive image;
    private static JsonObject container;
    private static Map<String, LayerFile> files;
    private static Path root;

    private Process process;

    @BeforeAll
    static void readImage() throws IOException {
        assertTrue(Files.isRegularFile(TAR), TAR.toAbsolutePath() + " is missing: `mvn package` builds it");
        image = ImageArchive.read(TAR);
        container = image.config().getJsonObject("config");
        files = image.files();
    }

    @AfterEach
    void stopServer() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @AfterAll
    static void removeRoot() throws IOException {
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @Test
    void entrypointIsTheJvmOfTheSystemdUnitOnTheServerJar() throws IOException {
        List<String> expected = new ArrayList<>(List.of("/opt/java/bin/java"));
        expected.addAll(systemdJvmOptions());
        expected.addAll(List.of("-jar", "/app/lorawan-ns.jar"));
        assertEquals(expected, strings(container.getJsonArray("Entrypoint")));
    }

    @Test
    void commandServesTheExampleConfiguration() throws IOException {
        assertEquals(List.of("serve", "--config", CONFIG_IN_IMAGE), strings(container.getJsonArray("Cmd")));
        assertArrayEquals(Files.readAllBytes(ExampleConfiguration.FILE), file(CONFIG_IN_IMAGE).content(),
                "the image holds deploy/container/lorawan-ns.toml");
    }

    @Test
    void exposesTheGatewayPortAndThePortsOfTheExampleConfiguration() throws Exception {
        assertEquals(Set.of(ExampleConfiguration.gatewayPort() + "/udp", ExampleConfiguration.apiPort() + "/tcp",
                        ExampleConfiguration.metricsPort() + "/tcp"),
                container.getJsonObject("ExposedPorts").fieldNames());
        assertEquals(1700, ExampleConfiguration.gatewayPort(), "the Semtech packet forwarder's port");
    }

    @Test
    void runsAsAnUnprivilegedUserNamedInTheImage() {
        String user = container.getString("User");
        assertNotNull(user, "an image without User runs as root");
        String[] uidAndGid = user.split(":");
        assertTrue(uidAndGid[0].matches("\\d+"), "a numeric uid, so that runAsNonRoot can check it: " + user);
        assertNotEquals("0", uidAndGid[0]);
        assertNotEquals("0", uidAndGid[1]);
        String passwdLine = file("/etc/passwd").text().lines()
                .filter(line -> line.split(":")[2].equals(uidAndGid[0]))
                .findFirst().orElseThrow(() -> new AssertionError("/etc/passwd has no line for uid " + uidAndGid[0]));
        assertNotEquals("root", passwdLine.split(":")[0]);
        assertTrue(file("/etc/group").text().lines().anyMatch(line -> line.split(":")[2].equals(uidAndGid[1])),
                "/etc/group has gid " + uidAndGid[1]);
    }

    @Test
    void labelsFollowTheOpenContainersAnnotations() {
        JsonObject labels = container.getJsonObject("Labels");
        assertEquals("lorawan-ns", labels.getString("org.opencontainers.image.title"));
        assertEquals("lorawan-ns:" + labels.getString("org.opencontainers.image.version"),
                image.manifest().getJsonArray("RepoTags").getString(0));
        assertEquals("linux", image.config().getString("os"));
        assertEquals("amd64", image.config().getString("architecture"));
    }

    @Test
    void layersAreTheOnesTheConfigurationNames() throws IOException {
        JsonArray diffIds = image.config().getJsonObject("rootfs").getJsonArray("diff_ids");
        List<String> digests = image.layers().stream().map(ImageArchive.Layer::diffId).toList();
        assertEquals(strings(diffIds), digests, "an engine refuses layers whose digests differ from diff_ids");
    }

    @Test
    void layersHoldTheServerJarAndARuntimeThatRunsIt() throws IOException {
        assertArrayEquals(Files.readAllBytes(JAR), file("/app/lorawan-ns.jar").content(),
                "the image runs the jar of this build");
        for (String executable : List.of("/opt/java/bin/java", "/lib64/ld-linux-x86-64.so.2")) {
            assertTrue((file(executable).mode() & 0111) == 0111, executable + " is executable");
        }
        for (String library : List.of("/opt/java/lib/server/libjvm.so", "/lib/x86_64-linux-gnu/libc.so.6",
                "/lib/x86_64-linux-gnu/libz.so.1")) {
            assertTrue(file(library).content().length > 0, library);
        }
        assertTrue(file("/opt/java/lib/security/cacerts").content().length > 10_000,
                "the runtime trusts the public CAs (join servers, webhooks)");
        assertEquals(0777, file("/tmp/").mode() & 0777, "anyone may write /tmp (Netty unpacks its library there)");
    }

    @Test
    void runtimeHasEveryModuleTheJarUses() {
        String release = file("/opt/java/release").text();
        Matcher modules = Pattern.compile("(?m)^MODULES=\"([^\"]*)\"").matcher(release);
        assertTrue(modules.find(), release);
        Set<String> inRuntime = Set.of(modules.group(1).split(" "));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(err),
                "--print-module-deps", "--ignore-missing-deps", "--multi-release", "17", JAR.toString());
        assertEquals(0, status, err.toString());
        for (String module : out.toString().trim().split(",")) {
            assertTrue(inRuntime.contains(module), "jdeps finds " + module + " used by the jar; the runtime has "
                    + inRuntime + " (deploy/pom.xml, image.java.modules)");
        }
        assertTrue(inRuntime.contains("jdk.crypto.ec"), "elliptic-curve TLS, loaded as a service, invisible to jdeps");
    }

    @Test
    void printsItsVersionInAChroot() throws Exception {
        Path chroot = unpackedRoot();
        process = start(chroot, Map.of(), List.of("--version"));
        List<String> output = readAll(process);
        assertEquals(0, process.exitValue(), String.join("\n", output));
        assertTrue(output.get(0).matches("lorawan-ns \\d+\\.\\d+\\.\\d+"), output.toString());
    }

    @Test
    void checksTheExampleConfigurationInAChroot() throws Exception {
        Path chroot = unpackedRoot();
        Files.copy(ExampleConfiguration.FILE, chroot.resolve(CONFIG_IN_IMAGE.substring(1)),
                StandardCopyOption.REPLACE_EXISTING);
        process = start(chroot, ExampleConfiguration.SECRETS, List.of("config", "check", CONFIG_IN_IMAGE));
        List<String> output = readAll(process);
        assertEquals(0, process.exitValue(), String.join("\n", output));
        assertTrue(output.contains("redis.servers = ['redis://redis:6379']"), "Redis at the service name: " + output);
        assertTrue(output.contains(CONFIG_IN_IMAGE + ": OK"), output.toString());
    }

    /**
     * The image's entrypoint and command as the engine starts them, on the example configuration with its three
     * listening addresses moved to free loopback ports (fixed ports would collide with other servers on the
     * machine) and its Redis keys under a prefix of their own (the test Redis is shared), Redis given by
     * LORAWAN_NS_REDIS_URL as an operator would: ready, then a clean stop on SIGTERM.
     */
    @Test
    void servesTheExampleConfigurationInAChrootAndStopsOnSigterm() throws Exception {
        Path chroot = unpackedRoot();
        String example = Files.readString(ExampleConfiguration.FILE);
        var settings = ExampleConfiguration.settings();
        String config = example;
        for (String bind : List.of(settings.gateway().udp().bind(), settings.api().bind(), settings.metrics().bind())) {
            assertTrue(config.contains("\"" + bind + "\""), bind);
            config = config.replace("\"" + bind + "\"", "\"127.0.0.1:0\"");
        }
        assertTrue(config.contains("[redis]\n"), config);
        config = config.replace("[redis]\n", "[redis]\nkey_prefix = \"image-test-" + UUID.randomUUID() + ":\"\n");
        Files.writeString(chroot.resolve(CONFIG_IN_IMAGE.substring(1)), config);

        Map<String, String> environment = new HashMap<>(ExampleConfiguration.SECRETS);
        environment.put("LORAWAN_NS_REDIS_URL", TestRedis.url());
        process = start(chroot, environment, strings(container.getJsonArray("Cmd")));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(() -> readLines(process, lines), "chroot-output");
        reader.setDaemon(true);
        reader.start();

        int metricsPort = Integer.parseInt(awaitLine(lines, seen,
                Pattern.compile("Metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics")).group(1));
        awaitLine(lines, seen, Pattern.compile("network server ready"));
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/ready")).timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());

        // SIGTERM through the handle: Process.destroy() would also close the output the test still reads.
        assertTrue(process.toHandle().destroy());
        awaitLine(lines, seen, Pattern.compile("LoRaWAN network server stopped"));
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server stops after SIGTERM");
        assertEquals(143, process.exitValue(), "the JVM's status after a clean SIGTERM shutdown: " + seen);
    }

    private static List<String> systemdJvmOptions() throws IOException {
        String execStart = Files.readAllLines(SYSTEMD_UNIT).stream().filter(line -> line.startsWith("ExecStart="))
                .findFirst().orElseThrow();
        List<String> words = Arrays.asList(execStart.substring("ExecStart=".length()).split("\\s+"));
        assertEquals("/usr/bin/java", words.get(0), execStart);
        return words.subList(1, words.indexOf("-jar"));
    }

    private static LayerFile file(String path) {
        LayerFile file = files.get(path);
        assertNotNull(file, path + " is in no layer");
        return file;
    }

    private static List<String> strings(JsonArray array) {
        return array.stream().map(String.class::cast).toList();
    }

    /**
     * The image's layers unpacked, with what a container engine adds at run time: /etc/hosts and /etc/resolv.conf
     * (the host's here) and the device nodes the JVM reads (random numbers).
     */
    private static synchronized Path unpackedRoot() throws Exception {
        assumeTrue(isRoot(), "running the image in a chroot needs root (CI runs as root); skipped");
        if (root != null) {
            return root;
        }
        // Under target/, not /tmp, which may be mounted nodev.
        root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "image-root");
        Files.setPosixFilePermissions(root, permissions(0755));
        for (LayerFile file : files.values()) {
            Path path = root.resolve(file.path().substring(1));
            switch (file.type()) {
                case DIRECTORY -> Files.createDirectories(path);
                case FILE -> {
                    Files.createDirectories(path.getParent());
                    Files.write(path, file.content());
                }
                case SYMLINK -> {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(file.linkTarget()));
                }
                default -> fail("unexpected entry in a layer: " + file.path() + " " + file.type());
            }
            if (file.type() != TarReader.Type.SYMLINK) {
                Files.setPosixFilePermissions(path, permissions(file.mode()));
            }
        }
        for (String name : List.of("hosts", "resolv.conf")) {
            Path host = Path.of("/etc", name);
            if (Files.isRegularFile(host)) {
                Files.copy(host, root.resolve("etc").resolve(name));
            }
        }
        Files.createDirectories(root.resolve("dev"));
        for (String[] device : new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
            Process mknod = new ProcessBuilder("mknod", "-m", "666", root.resolve("dev").resolve(device[0]).toString(),
                    "c", "1", device[1]).inheritIO().start();
            assertEquals(0, mknod.waitFor(), "mknod /dev/" + device[0]);
        }
        return root;
    }

    /**
     * The image's entrypoint followed by {@code args}, in a chroot of {@code chroot}, as the image's user, with the
     * image's environment and {@code extra}. In a bare chroot there is no /proc: the launcher finds its libjli.so
     * relative to itself through /proc/self/exe, so LD_ORIGIN_PATH tells the dynamic loader that directory instead.
     */
    private static Process start(Path chroot, Map<String, String> extra, List<String> args) throws IOException {
        List<String> entrypoint = strings(container.getJsonArray("Entrypoint"));
        List<String> command = new ArrayList<>(List.of(chroot(), "--userspec=" + container.getString("User"),
                chroot.toString()));
        command.addAll(entrypoint);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.clear();
        for (Object variable : container.getJsonArray("Env")) {
            String[] nameAndValue = ((String) variable).split("=", 2);
            environment.put(nameAndValue[0], nameAndValue[1]);
        }
        environment.put("LD_ORIGIN_PATH", Path.of(entrypoint.get(0)).getParent().toString());
        environment.putAll(extra);
        return builder.start();
    }

    private static String chroot() {
        return Stream.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new AssertionError("no chroot command on this machine"));
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    private static List<String> readAll(Process process) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        }
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "exits: " + lines);
        return lines;
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        } catch (IOException | UncheckedIOException closed) {
            // the process ended
        }
        lines.add(END_OF_OUTPUT);
    }

    private static Matcher awaitLine(BlockingQueue<String> lines, List<String> seen, Pattern pattern)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END_OF_OUTPUT)) {
                break;
            }
            seen.add(line);
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no line matching " + pattern + " before the output ended or within " + DEADLINE
                + "; output: " + seen);
    }
}
